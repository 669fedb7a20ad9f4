"""A GUI broker never trades on the paper exchange's made-up quotes (issue 11, finding 2).

``--broker xiadan-fake`` is treated as the real xiadan.exe it fakes: without a quote source the user
chose (``--quotes``), ``/quote`` answers 501 and a risk limit that needs a price refuses the order
instead of checking it against an invented one. With ``--quotes`` given, that source is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import TRADING_MORNING, Served, serve


@contextmanager
def _gui(tmp_path: Path, *, quotes: str | None = None, risk: str = "") -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path, demo_market=False, broker="xiadan-fake", quotes=quotes)
    if risk:
        (tmp_path / "config.ini").write_text(risk, encoding="utf-8")
        settings.config_path = tmp_path / "config.ini"
    with serve(settings, ManualClock(TRADING_MORNING)) as s:
        yield s


def test_no_quote_source_means_no_quote(tmp_path: Path) -> None:
    with _gui(tmp_path) as s, s.client() as api:
        resp = api.get("/quote", params={"security": "600000"})
        assert resp.status_code == 501, resp.text
        assert "--quotes" in resp.json()["message"]
        health = httpx.get(f"{s.url}/health").json()
        assert health["quotes"]["source"] is None and health["quotes"]["available"] is False


def test_a_chosen_quote_source_answers(tmp_path: Path) -> None:
    with _gui(tmp_path, quotes="offline") as s, s.client() as api:
        resp = api.get("/quote", params={"security": "600000"})
        assert resp.status_code == 200, resp.text
        assert httpx.get(f"{s.url}/health").json()["quotes"] == {
            "source": "offline",
            "available": True,
            "unchecked_risk_limits": [],
        }


def test_a_price_deviation_limit_refuses_rather_than_guess(tmp_path: Path) -> None:
    with _gui(tmp_path, risk="[Risk]\nmax_price_deviation = 0.03\n") as s, s.client() as api:
        resp = api.post("/buy", json={"security": "600000", "price": 8.7, "amount": 100})
        assert resp.status_code == 400, resp.text
        assert "max_price_deviation" in resp.json()["message"] and "行情" in resp.json()["message"]
        assert api.get("/today-entrusts").json()["data"] == []  # nothing reached the client
        health = httpx.get(f"{s.url}/health").json()
        assert health["quotes"]["unchecked_risk_limits"] == ["max_price_deviation"]


def test_a_value_limit_refuses_a_market_order_it_cannot_price(tmp_path: Path) -> None:
    with _gui(tmp_path, risk="[Risk]\nmax_order_value = 100000\n") as s, s.client() as api:
        resp = api.post("/market-buy", json={"security": "600000", "amount": 100})
        assert resp.status_code == 400, resp.text
        assert "无法估算" in resp.json()["message"]
        limit = api.post("/buy", json={"security": "600000", "price": 8.7, "amount": 100})
        assert limit.status_code == 200, limit.text  # a priced order is checked without any quote
        health = httpx.get(f"{s.url}/health").json()
        assert health["quotes"]["unchecked_risk_limits"] == ["max_order_value"]
