"""Never lose, never duplicate, through the whole GUI path: the fake xiadan client over real HTTP."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings, read_config_ini
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import Served, serve

BUY = {"security": "600000", "price": 8.0, "amount": 100}  # rests: every order stays visible


@pytest.fixture
def gui(tmp_path: Path, clock: ManualClock):
    """The fake xiadan, logged in from config.ini: with stored credentials a dead client is restarted."""
    ini = tmp_path / "config.ini"
    ini.write_text(
        "[Account]\nuser = 880001\npassword = trade-pw\ncomm_password = comm-pw\n", encoding="utf-8"
    )
    creds, _ = read_config_ini(ini)
    settings = Settings(
        data_dir=tmp_path,
        demo_market=False,
        broker="xiadan-fake",
        deadline=120,
        credentials=creds,
        config_path=ini,
    )
    with serve(settings, clock) as s:
        assert s.gateway.service.auto_login_error is None
        yield s


def fake_client(served: Served):
    (handle,) = served.gateway.service.clients.all()
    return handle.broker.driver


def journal(served: Served) -> list[dict]:
    return httpx.get(f"{served.url}/api/journal/orders").json()["data"]


def test_client_dies_after_the_broker_took_the_order(gui: Served) -> None:
    fake_client(gui).faults.crash_after_send = 1
    with gui.client() as api:
        first = api.post("/buy", json=BUY, headers={"Idempotency-Key": "died-after"})
        assert first.status_code == 504 and "结果未知" in first.json()["message"]
        assert [r["state"] for r in journal(gui)] == ["unknown"]
        retry = api.post("/buy", json=BUY, headers={"Idempotency-Key": "died-after"})
        assert retry.status_code == 200
        rows = journal(gui)
        assert rows[0]["state"] == "accepted" and rows[0]["reconciled"].startswith("核对当日委托：已找到")
        entrusts = api.get("/today-entrusts").json()["data"]
        assert [e["合同编号"] for e in entrusts] == [retry.json()["data"]["合同编号"]]  # exactly one


def test_client_dies_before_the_order_left_it(gui: Served) -> None:
    fake_client(gui).faults.crash_on_submit = 1
    with gui.client() as api:
        first = api.post("/buy", json=BUY, headers={"Idempotency-Key": "died-before"})
        assert first.status_code == 504
        retry = api.post("/buy", json=BUY, headers={"Idempotency-Key": "died-before"})
        assert retry.status_code == 200
        (row,) = journal(gui)
        assert row["state"] == "accepted" and "重新发送" in row["reconciled"]
        assert len(api.get("/today-entrusts").json()["data"]) == 1


def test_unknown_outcomes_are_reconciled_without_a_retry(gui: Served) -> None:
    fake_client(gui).faults.crash_after_send = 1
    with gui.client() as api:
        assert api.post("/buy", json=BUY).status_code == 504
    settled = httpx.post(f"{gui.url}/api/journal/reconcile").json()["data"]["reconciled"]
    assert settled == 1
    (row,) = journal(gui)
    assert row["state"] == "accepted" and row["合同编号"]


def test_200_concurrent_orders_never_interleave(gui: Served) -> None:
    results: dict[str, httpx.Response] = {}

    def order(i: int) -> None:
        with httpx.Client(base_url=gui.api, timeout=180) as c:
            body = {**BUY, "price": round(7.9 + (i % 10) / 100, 2)}
            results[f"k{i}"] = c.post("/buy", json=body, headers={"Idempotency-Key": f"k{i}"})

    threads = [threading.Thread(target=order, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results.values()) == [200] * 200
    contracts = {r.json()["data"]["合同编号"] for r in results.values()}
    assert len(contracts) == 200
    with gui.client() as api:
        entrusts = api.get("/today-entrusts").json()["data"]
    assert {e["合同编号"] for e in entrusts} == contracts  # every order accounted for, none extra
    client = fake_client(gui)
    assert client.misuse == [], client.misuse[:5]  # no field typed into another order's ticket
    assert {r["state"] for r in journal(gui)} == {"accepted"}
