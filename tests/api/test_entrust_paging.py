"""Today's entrusts a page at a time (issue 15): ``since`` (last 合同编号 seen) and ``limit``, over HTTP.

Without either parameter the answer is the spec's full list, unchanged. The paper exchange pages in SQL;
a GUI broker (the fake xiadan here) has its full grid read cut after the ``since`` row: both must give
exactly the slice of the full list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import TRADING_MORNING, serve

PRICES = ("8.00", "8.01", "8.02", "8.03", "8.04")  # rest below the market: no fills, all stay open


@pytest.mark.parametrize("broker", ["sim", "xiadan-fake"])
def test_pages_are_slices_of_the_full_list(tmp_path: Path, broker: str) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False, broker=broker)
    with serve(settings, ManualClock(TRADING_MORNING)) as s, s.client() as api:
        placed = []
        for price in PRICES:
            resp = api.post("/buy", json={"security": "600000", "price": float(price), "amount": 100})
            assert resp.status_code == 200, resp.text
            placed.append(resp.json()["data"]["合同编号"])
        full = api.get("/today-entrusts").json()
        assert full["code"] == 200 and [r["合同编号"] for r in full["data"]] == placed  # the spec's list

        def page(**params) -> list[dict]:
            resp = api.get("/today-entrusts", params=params)
            assert resp.status_code == 200, resp.text
            return resp.json()["data"]

        assert page(limit=2) == full["data"][:2]
        assert page(since=placed[1], limit=2) == full["data"][2:4]
        assert page(since=placed[1]) == full["data"][2:]
        assert page(since=placed[-1]) == []  # nothing new since the last one seen
        # a poller walking the pages sees every order once, in order
        walked, since = [], None
        while True:
            rows = page(**({"since": since} if since else {}), limit=2)
            if not rows:
                break
            walked += rows
            since = rows[-1]["合同编号"]
        assert walked == full["data"]
        # new orders after the last page show up on the next call
        late = api.post("/buy", json={"security": "600000", "price": 8.05, "amount": 100}).json()
        assert [r["合同编号"] for r in page(since=since)] == [late["data"]["合同编号"]]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"limit": "0"}, "limit 须为 1 到 1000"),
        ({"limit": "1001"}, "limit 须为 1 到 1000"),
        ({"limit": "2.5"}, "limit 须为 1 到 1000"),
        ({"limit": "9" * 5000}, "limit 须为 1 到 1000"),
        ({"since": "12;drop"}, "since 须为合同编号"),
        ({"since": "99999999"}, "未找到合同编号99999999"),
    ],
)
def test_bad_page_parameters_are_400_with_a_reason(tmp_path: Path, params: dict, words: str) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False)
    with serve(settings, ManualClock(TRADING_MORNING)) as s, s.client() as api:
        resp = api.get("/today-entrusts", params=params)
    assert resp.status_code == 400, resp.text
    assert words in resp.json()["message"]
