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


# ---- a real code the bundled list does not hold (issue 11: sizing and /quote use the chosen source) ----
UNLISTED = "601127"  # 赛力斯: not among the paper exchange's 430 reference codes
RECORDING = """time,code,name,prev_close,last,volume,bid1,bid_vol1,ask1,ask_vol1
2026-11-20 09:30:00,{code},赛力斯,120.00,121.00,10000,120.99,500,121.00,800
2026-11-20 09:59:57,{code},赛力斯,120.00,122.50,90000,122.49,600,122.50,700
"""


def _recorded(tmp_path: Path, code: str) -> str:
    path = tmp_path / "recorded.csv"
    path.write_text(RECORDING.format(code=code), encoding="utf-8")
    return f"replay:{path}"


def test_a_priceless_max_buy_is_sized_from_the_chosen_source(tmp_path: Path) -> None:
    """ths ``/buy`` without a price and with amount=max on xiadan: priced at the recorded ask1 and sized
    from the client's balance. Before: the broker's own quote (xiadan has none) was the only one asked,
    so the order was refused as "该客户端不提供行情，无法按最大数量…"."""
    with _gui(tmp_path, quotes=_recorded(tmp_path, UNLISTED)) as s, s.client() as api:
        quote = api.get("/quote", params={"security": UNLISTED})
        assert quote.status_code == 200 and quote.json()["data"]["卖盘"][0]["价格"] == 122.5, quote.text
        cash = api.get("/balance").json()["data"]["可用金额"]
        answer = httpx.get(f"{s.url}/ths/buy", params={"stock_code": UNLISTED, "amount": "max"}).json()
        assert answer["status"] == 1, answer
        [entrust] = api.get("/today-entrusts").json()["data"]
        assert entrust["证券代码"] == UNLISTED and entrust["委托价格"] == 122.5  # the source's ask1
        amount = entrust["委托数量"]
        assert amount % 100 == 0 and 122.5 * amount <= cash < 122.5 * (amount + 100) + 10  # max lots


def test_a_code_the_chosen_source_does_not_know_is_no_quote_not_unknown(tmp_path: Path) -> None:
    """The source was chosen for a real account: a code it lacks is "no quote" (501), not 未找到证券
    (the broker may trade it); a price-deviation limit then refuses rather than guess."""
    risk = "[Risk]\nmax_price_deviation = 0.03\n"
    with _gui(tmp_path, quotes=_recorded(tmp_path, "600000"), risk=risk) as s, s.client() as api:
        resp = api.get("/quote", params={"security": UNLISTED})
        assert resp.status_code == 501, resp.text
        assert "行情源没有601127的行情" in resp.json()["message"] and "未找到证券" in resp.json()["message"]
        order = api.post("/buy", json={"security": UNLISTED, "price": 122.5, "amount": 100})
        assert order.status_code == 400 and "max_price_deviation" in order.json()["message"], order.text
