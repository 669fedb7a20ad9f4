"""The order journal over HTTP: idempotency, duplicates, risk limits, kill switch, dry run, export."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import Served, serve

BUY = {"security": "600000", "price": 8.75, "amount": 100}


def test_every_order_is_journalled_with_its_trail(served: Served, api: httpx.Client) -> None:
    no = api.post("/buy", json=BUY).json()["data"]["合同编号"]
    bad = api.post("/buy", json={**BUY, "security": "600160", "price": 14.59}).json()
    assert bad["code"] == 400
    rows = httpx.get(f"{served.url}/api/journal/orders").json()["data"]
    assert [r["state"] for r in rows] == ["rejected", "accepted"]
    assert rows[1]["合同编号"] == no and rows[0]["message"] == bad["message"]
    detail = httpx.get(f"{served.url}/api/journal/orders/{rows[1]['id']}").json()["data"]
    assert [e["state"] for e in detail["events"]] == ["received", "sent", "accepted"]


def test_idempotency_key_returns_the_first_result(served: Served, api: httpx.Client) -> None:
    first = api.post("/buy", json=BUY, headers={"Idempotency-Key": "k-1"}).json()
    again = api.post("/buy", json=BUY, headers={"Idempotency-Key": "k-1"}).json()
    assert first == again
    via_body = api.post("/buy", json={**BUY, "client_order_id": "k-1"}).json()
    assert via_body["data"]["合同编号"] == first["data"]["合同编号"]
    assert len(api.get("/today-entrusts").json()["data"]) == 1
    other = api.post("/buy", json={**BUY, "amount": 200}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409 and "幂等键已用于另一笔委托" in other.json()["message"]


def test_a_rejection_is_replayed_not_retried(api: httpx.Client) -> None:
    body = {**BUY, "security": "600160", "price": 14.59}
    first = api.post("/buy", json=body, headers={"Idempotency-Key": "r-1"})
    second = api.post("/buy", json=body, headers={"Idempotency-Key": "r-1"})
    assert first.status_code == second.status_code == 400 and first.json() == second.json()


def test_concurrent_retries_place_one_order(api: httpx.Client, served: Served) -> None:
    results: list[dict] = []

    def hit() -> None:
        with served.client() as c:
            results.append(c.post("/buy", json=BUY, headers={"Idempotency-Key": "same"}).json())

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r["data"]["合同编号"] for r in results}) == 1
    assert len(api.get("/today-entrusts").json()["data"]) == 1


def _served_with_config(tmp_path: Path, clock: ManualClock, ini: str, **kw):
    (tmp_path / "config.ini").write_text(ini, encoding="utf-8")
    return serve(
        Settings(data_dir=tmp_path, config_path=tmp_path / "config.ini", demo_market=False, **kw), clock
    )


RISK_INI = """[Risk]
max_order_value = 5000
max_order_amount = 1000
max_daily_orders = 3
deny_codes = 600519
max_price_deviation = 0.03

[Risk:demo]
max_order_value = 2000
"""


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({**BUY, "amount": 300}, "单笔委托金额"),  # 2,625 > the demo account's 2,000
        ({"security": "600519", "price": 1480, "amount": 100}, "禁止交易"),
        ({**BUY, "price": 8.0}, "偏离最新价"),
    ],
)
def test_risk_limits(tmp_path: Path, clock: ManualClock, body: dict, fragment: str) -> None:
    with _served_with_config(tmp_path, clock, RISK_INI) as s, s.client() as api:
        resp = api.post("/buy", json=body)
        assert resp.status_code == 400 and fragment in resp.json()["message"], resp.json()
        assert api.get("/today-entrusts").json()["data"] == []  # refused before the broker


def test_daily_order_count_limit(tmp_path: Path, clock: ManualClock) -> None:
    with _served_with_config(tmp_path, clock, RISK_INI) as s, s.client() as api:
        for _ in range(3):
            assert api.post("/buy", json=BUY).status_code == 200
        assert "当日委托笔数已达上限3" in api.post("/buy", json=BUY).json()["message"]


def test_dry_run_journals_but_does_not_send(tmp_path: Path, clock: ManualClock) -> None:
    with _served_with_config(tmp_path, clock, "[Risk]\ndry_run = yes\n") as s, s.client() as api:
        body = api.post("/buy", json=BUY).json()
        assert body["code"] == 200 and body["data"]["合同编号"] == "" and "演练" in body["data"]["message"]
        assert api.get("/today-entrusts").json()["data"] == []
        rows = httpx.get(f"{s.url}/api/journal/orders").json()["data"]
        assert [r["state"] for r in rows] == ["dry_run"]


def test_kill_switch_cancels_and_refuses_until_lifted(served: Served, api: httpx.Client) -> None:
    api.post("/buy", json={**BUY, "price": 8.0})
    on = httpx.post(f"{served.url}/api/admin/kill-switch", json={"on": True}).json()
    assert on["data"]["on"] is True and on["data"]["撤销数量"] == 1
    assert api.get("/cancel-entrusts").json()["data"] == []
    refused = api.post("/buy", json=BUY)
    assert refused.status_code == 400 and "紧急停止" in refused.json()["message"]
    assert httpx.get(f"{served.url}/health").json()["kill_switch"] is True
    httpx.post(f"{served.url}/api/admin/kill-switch", json={"on": False})
    assert api.post("/buy", json=BUY).status_code == 200
    assert httpx.post(f"{served.url}/api/admin/kill-switch", json={}).status_code == 400


def test_duplicate_window_is_opt_in(tmp_path: Path, clock: ManualClock) -> None:
    with (
        serve(Settings(data_dir=tmp_path, demo_market=False, duplicate_window=5), clock) as s,
        s.client() as api,
    ):
        assert api.post("/buy", json=BUY).status_code == 200
        dup = api.post("/buy", json=BUY)
        assert dup.status_code == 400 and "重复委托" in dup.json()["message"]
        assert api.post("/buy", json=BUY, headers={"Idempotency-Key": "explicit"}).status_code == 200
        clock.advance(6)
        assert api.post("/buy", json=BUY).status_code == 200


def test_journal_query_and_export(served: Served, api: httpx.Client) -> None:
    api.post("/buy", json=BUY)
    api.post("/sell", json={"security": "000001", "price": 11.2, "amount": 100})
    base = f"{served.url}/api/journal"
    assert len(httpx.get(f"{base}/orders", params={"code": "000001"}).json()["data"]) == 1
    assert len(httpx.get(f"{base}/orders", params={"day": "2026-11-20"}).json()["data"]) == 2
    assert httpx.get(f"{base}/orders", params={"day": "2026-11-19"}).json()["data"] == []
    assert httpx.get(f"{base}/orders", params={"state": "bogus"}).status_code == 400
    exported = httpx.get(f"{base}/export", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert {r["state"] for r in rows} == {"accepted"} and len(rows) == 2
    assert len(httpx.get(f"{base}/export", params={"format": "json"}).json()) == 2
    assert httpx.get(f"{base}/events").json()["data"]


def test_identical_reads_share_one_client_read(served: Served) -> None:
    results: list[int] = []

    def read() -> None:
        with served.client() as c:
            results.append(c.get("/balance").status_code)

    threads = [threading.Thread(target=read) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 16
    lane = httpx.get(f"{served.url}/health").json()["lanes"][0]
    assert lane["reads"] + lane["shared_reads"] == 16 and lane["reads"] < 16


def test_orders_without_a_price_are_valued_at_their_worst_case(tmp_path: Path, clock: ManualClock) -> None:
    with _served_with_config(tmp_path, clock, "[Risk]\nmax_order_value = 20000\n") as s, s.client() as api:
        # 2,000 shares of 600000 at its limit-up (9.52) is over 19,000 but below 20,000: allowed.
        assert api.post("/market-buy", json={"security": "600000", "amount": 2000}).status_code == 200
        refused = api.post("/market-buy", json={"security": "600000", "amount": 2200})
        assert refused.status_code == 400 and "单笔委托金额" in refused.json()["message"]


def test_price_deviation_limit_works_on_a_gui_client(tmp_path: Path, clock: ManualClock) -> None:
    """xiadan has no quotes of its own: the limit reads the quote source the user chose (``--quotes``).

    Without one it refuses instead (tests/safety/test_gui_quotes.py)."""
    ini = "[Risk]\nmax_price_deviation = 0.03\n"
    (tmp_path / "config.ini").write_text(ini, encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path,
        config_path=tmp_path / "config.ini",
        demo_market=False,
        broker="xiadan-fake",
        quotes="offline",
    )
    with serve(settings, clock) as s, s.client() as api:
        assert api.post("/buy", json=BUY).status_code == 200
        far = api.post("/buy", json={**BUY, "price": 8.0})
        assert far.status_code == 400 and "偏离最新价" in far.json()["message"]


@pytest.mark.parametrize("account", [["a", "b"], {"x": 1}, 7, "a b", "x" * 65, "../../etc"])
def test_kill_switch_refuses_an_account_that_is_not_a_name(served: Served, account: object) -> None:
    refused = httpx.post(f"{served.url}/api/admin/kill-switch", json={"on": True, "account": account})
    assert refused.status_code == 400 and "参数account错误" in refused.json()["message"]
    assert httpx.get(f"{served.url}/api/admin/kill-switch").json()["data"]["on"] is False  # nothing stored
    query = httpx.get(f"{served.url}/api/admin/kill-switch", params={"account": "a b"})
    assert query.status_code == 400


def test_kill_switch_for_one_account_holds_only_that_account(served: Served) -> None:
    # The one account's name is "default"; its broker account number (the old form) names it too.
    number = served.gateway.service.clients.all()[0].account
    on = httpx.post(f"{served.url}/api/admin/kill-switch", json={"on": True, "account": number}).json()
    assert (on["data"]["account"], on["data"]["broker_account"]) == ("default", number)
    state = httpx.get(f"{served.url}/api/admin/kill-switch", params={"account": "default"}).json()["data"]
    assert state["on"] is True
    assert httpx.get(f"{served.url}/api/admin/kill-switch").json()["data"]["on"] is False
    ghost = httpx.post(f"{served.url}/api/admin/kill-switch", json={"on": True, "account": "acct-1"})
    assert ghost.status_code == 404  # a switch under a name no account has would stop nothing
