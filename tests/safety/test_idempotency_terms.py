"""A retry is looked up by its Idempotency-Key before anything is sized or priced (issue 11, finding 3).

ths ``amount=max`` and priceless orders are computed from the account and the market: computed again on
a retry, they come out different (nothing left to sell, another default price), so the retry must find
the first answer by its key, not by the recomputed order. ``8.710`` and ``8.71`` are the same price.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import TRADING_MORNING, Served, serve


@pytest.fixture
def ths(tmp_path: Path) -> Iterator[Served]:
    with serve(Settings(data_dir=tmp_path, demo_market=False), ManualClock(TRADING_MORNING), "ths") as s:
        yield s


def _entrusts(served: Served, code: str) -> list[dict]:
    rows = httpx.get(f"{served.api}/today-entrusts").json()["data"]
    return [r for r in rows if r["证券代码"] == code]


def _ths(served: Served, path: str, params: dict, key: str) -> dict:
    return httpx.post(f"{served.url}{path}", json=params, headers={"Idempotency-Key": key}).json()


def test_a_retried_sell_max_replays_the_first_answer(ths: Served) -> None:
    high = httpx.get(f"{ths.api}/quote", params={"security": "000001"}).json()["data"]["涨停价"]
    params = {"stock_code": "000001", "price": high, "amount": "max"}  # rests: sells all 1,000
    first = _ths(ths, "/sell", params, "sell-max-1")
    assert first["status"] == 1, first
    for _ in range(2):
        assert _ths(ths, "/sell", params, "sell-max-1") == first  # not 可交易股数为0
    assert [r["委托数量"] for r in _entrusts(ths, "000001")] == [1000]


def test_a_retried_priceless_buy_replays_the_first_answer(ths: Served) -> None:
    params = {"stock_code": "600000", "amount": 100}  # the default price: ask1, fills at once
    first = _ths(ths, "/buy", params, "priceless-1")
    assert first["status"] == 1, first
    assert _ths(ths, "/buy", params, "priceless-1") == first
    assert len(_entrusts(ths, "600000")) == 1


def test_other_terms_under_the_same_key_are_refused(ths: Served) -> None:
    first = _ths(ths, "/buy", {"stock_code": "600000", "amount": 100}, "terms-1")
    assert first["status"] == 1, first
    other = _ths(ths, "/buy", {"stock_code": "600000", "amount": 200}, "terms-1")
    assert other["status"] == -1 and "幂等键已用于另一笔委托" in other["message"], other
    assert len(_entrusts(ths, "600000")) == 1


@pytest.mark.parametrize(("first_price", "retry_price"), [("8.710", "8.71"), (8.7, "8.700"), ("8.70", 8.7)])
def test_the_same_price_written_two_ways_is_the_same_order(
    served: Served, api: httpx.Client, first_price: object, retry_price: object
) -> None:
    def buy(price: object) -> httpx.Response:
        return api.post(
            "/buy",
            json={"security": "600000", "price": price, "amount": 100},
            headers={"Idempotency-Key": "p"},
        )

    first = buy(first_price)
    assert first.status_code == 200, first.text
    retry = buy(retry_price)
    assert retry.status_code == 200, retry.text
    assert retry.json()["data"]["合同编号"] == first.json()["data"]["合同编号"]
    assert len(_entrusts(served, "600000")) == 1
