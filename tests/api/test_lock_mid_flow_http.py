"""A workstation lock in the middle of a hexin flash order or a xiadan cancel, over real HTTP.

The adapters' refusal (``InputLost``, docs/clients.md row 35) as the caller and the journal see it: a
flash order stopped by the lock answers 500 and is journalled *failed* (not sent, so a retry with the
same Idempotency-Key sends it once the desktop is unlocked), never *unknown*; a cancel stopped by the
lock answers 500 with the cancel's own words, and both twins stay open until it is asked again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.accounts_config import AccountConfig
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.simulators.hexin_plugin import FakeHexinOptions, HexinVersion
from tests.conftest import Served, serve

LOCKED = "工作站已锁定（锁屏）"
BUY = {"security": "600000", "price": 8.4, "amount": 100}  # rests: it stays open to be cancelled


def _driver(served: Served):
    (handle,) = served.gateway.service.clients.all()
    return handle.broker.driver


def _journal(served: Served) -> list[dict]:
    return httpx.get(f"{served.url}/api/journal/orders").json()["data"]


@pytest.fixture(params=["8", "9"])
def hexin(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    options = FakeHexinOptions(version=HexinVersion(request.param))
    account = AccountConfig(name="default", broker="hexin-fake", options=options)
    with serve(Settings(data_dir=tmp_path, demo_market=False, accounts=[account]), clock) as s:
        yield s
    assert _driver(s).misuse == []  # no key into the locked desktop


@pytest.fixture
def xiadan(tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path, demo_market=False, broker="xiadan-fake", quotes="offline")
    with serve(settings, clock) as s:
        yield s
    assert _driver(s).misuse == []


def test_a_flash_order_stopped_by_a_lock_is_journalled_failed_and_sent_once_on_retry(hexin: Served) -> None:
    fake = _driver(hexin)
    fake.lock_desktop(LOCKED, after_inputs=2)  # after the code: price, amount and 1006 would still land
    with hexin.client() as api:
        refused = api.post("/buy", json=BUY, headers={"Idempotency-Key": "locked-flash"})
        assert refused.status_code == 500, refused.json()
        assert refused.json()["message"].startswith(f"工作站在下单过程中被锁定：{LOCKED}，委托未执行")
        assert [r["state"] for r in _journal(hexin)] == ["failed"]
        assert hexin.gateway.exchange.broker("demo").today_entrusts() == []
        fake.unlock_desktop()
        retry = api.post("/buy", json=BUY, headers={"Idempotency-Key": "locked-flash"})
        assert retry.status_code == 200, retry.json()
    (row,) = _journal(hexin)
    assert row["state"] == "accepted" and row["合同编号"] == retry.json()["data"]["合同编号"]
    booked = hexin.gateway.exchange.broker("demo").today_entrusts()
    assert [e.contract_no for e in booked] == [row["合同编号"]]  # sent once


def test_a_cancel_stopped_by_a_lock_answers_500_and_cancels_nothing(xiadan: Served) -> None:
    with xiadan.client() as api:
        first, target = (api.post("/buy", json=BUY).json()["data"]["合同编号"] for _ in range(2))
        assert [r["合同编号"] for r in api.get("/cancel-entrusts").json()["data"]] == [first, target]
        fake = _driver(xiadan)
        fake.lock_desktop(LOCKED, after_inputs=3)  # after the code filter: every selection key would be lost
        refused = api.post("/cancel-entrust", json={"entrust_no": target}).json()
        at_exchange = {e.contract_no for e in xiadan.gateway.exchange.broker("demo").cancelable_entrusts()}
        assert at_exchange == {first, target}, refused  # the twin first: what a wrong cancel costs
        assert refused["code"] == 500, refused
        assert refused["message"].startswith(f"工作站在撤单过程中被锁定：{LOCKED}，撤单未执行")
        listed = api.get("/cancel-entrusts").json()  # read while still locked: every code, by messages
        assert {r["合同编号"] for r in listed["data"]} == at_exchange, listed
        fake.unlock_desktop()
        assert api.post("/cancel-entrust", json={"entrust_no": target}).status_code == 200
        assert [r["合同编号"] for r in api.get("/cancel-entrusts").json()["data"]] == [first]
