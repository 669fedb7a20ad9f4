"""The operator routes with two paper accounts: ``/api/journal``, the kill switch and ``/api/events`` take
the gateway account NAME like every other route (the broker-account form still works where it names one
account), every row and event names its gateway account, and one account's switch never touches the
other's orders. Over real HTTP against served gateways; the CLI against the real ``serve`` process.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.accounts_ini import two_paper, write_config
from tests.conftest import TRADING_MORNING, Served, serve
from tests.live.sse import SSEReader
from tests.process import free_port, serve_process

CONFIG = two_paper(880300)
ORDER = {"security": "600000", "price": 8.75, "amount": 100}
RESTING = {**ORDER, "price": 8.0}  # below the market: stays open


@pytest.fixture
def two(tmp_path: Path) -> Iterator[Served]:
    config = write_config(tmp_path, CONFIG)
    settings = Settings(data_dir=tmp_path, demo_market=False, config_path=config, read_freshness=0)
    with serve(settings, ManualClock(TRADING_MORNING)) as s:
        yield s


def data(resp: httpx.Response):
    body = resp.json()
    assert resp.status_code == 200 and body["code"] == 200, body
    return body["data"]


def buy(c: httpx.Client, name: str, body: dict = ORDER) -> str:
    return data(c.post(f"/accounts/{name}/api/trader/buy", json=body))["合同编号"]


def test_the_journal_is_queried_by_gateway_account_name(two: Served) -> None:
    with httpx.Client(base_url=two.url, timeout=30) as c:
        mine = {"p1": buy(c, "p1"), "p2": buy(c, "p2")}
        rows = data(c.get("/api/journal/orders", params={"account": "p1"}))
        shown = [(r["account_name"], r["account"], r["合同编号"]) for r in rows]
        assert shown == [("p1", "880301", mine["p1"])]
        by_header = data(c.get("/api/journal/orders", headers={"X-Account": "p2"}))
        assert [r["合同编号"] for r in by_header] == [mine["p2"]]
        by_number = data(c.get("/api/journal/orders", params={"account": "880302"}))  # the old form
        assert [r["account_name"] for r in by_number] == ["p2"]
        every = data(c.get("/api/journal/orders"))
        assert sorted(r["account_name"] for r in every) == ["p1", "p2"]
        one = data(c.get(f"/api/journal/orders/{rows[0]['id']}"))
        assert one["account_name"] == "p1"
        csv = c.get("/api/journal/export", params={"account": "p2", "format": "csv"}).text
        header, *lines = csv.lstrip("\ufeff").splitlines()
        assert "account_name" in header.split(",") and len(lines) == 1 and ",p2," in lines[0]
        unknown = c.get("/api/journal/orders", params={"account": "zz"})
        assert unknown.status_code == 404 and "未知的账户：zz（网关配置的账户：p1、p2）" in unknown.text


def test_one_accounts_kill_switch_stops_it_alone_and_cancels_only_its_orders(two: Served) -> None:
    with httpx.Client(base_url=two.url, timeout=30) as c:
        p1_open, p2_open = buy(c, "p1", RESTING), buy(c, "p2", RESTING)
        on = data(c.post("/api/admin/kill-switch", json={"on": True, "account": "p1"}))
        assert (on["account"], on["broker_account"], on["撤销数量"]) == ("p1", "880301", 1)
        refused = c.post("/accounts/p1/api/trader/buy", json=ORDER)
        assert refused.status_code != 200 and "紧急停止" in refused.json()["message"]
        assert buy(c, "p2")  # the other account trades on
        still_open = {r["合同编号"] for r in data(c.get("/accounts/p2/api/trader/cancel-entrusts"))}
        assert p2_open in still_open  # its resting order was not cancelled by p1's switch
        assert p1_open not in {r["合同编号"] for r in data(c.get("/accounts/p1/api/trader/cancel-entrusts"))}
        shown = {n: data(c.get("/api/admin/kill-switch", params={"account": n}))["on"] for n in ("p1", "p2")}
        assert shown == {"p1": True, "p2": False}
        assert data(c.get("/api/admin/kill-switch", params={"account": "880301"}))["account"] == "p1"
        ghost = c.post("/api/admin/kill-switch", json={"on": True, "account": "acct-1"})
        assert ghost.status_code == 404 and "未知的账户：acct-1" in ghost.text  # never a switch no one reads
        data(c.post("/api/admin/kill-switch", json={"on": False, "account": "p1"}))
        assert buy(c, "p1")


def test_events_name_their_account_and_filter_by_it(two: Served) -> None:
    with httpx.Client(base_url=two.url, timeout=30) as c:
        buy(c, "p1")
        buy(c, "p2")
        last = buy(c, "p1")
    url = f"{two.url}/api/events?last_event_id=0"

    def through(reader: SSEReader, contract: str) -> list[dict]:
        got = reader.until(lambda es: any(e.data.get("合同编号") == contract for e in es))
        reader.close()
        return [e.data for e in got]

    everything = through(SSEReader(url), last)
    accepted = [(e["account_name"], e["account"]) for e in everything if e["type"] == "order.accepted"]
    assert accepted == [("p1", "880301"), ("p2", "880302"), ("p1", "880301")]
    only_p1 = through(SSEReader(url + "&account=p1"), last)
    assert [e["type"] for e in only_p1].count("order.accepted") == 2
    assert {e["account_name"] for e in only_p1} == {"p1"}, only_p1
    unknown = httpx.get(f"{two.url}/api/events", params={"account": "zz"}, timeout=30)
    assert unknown.status_code == 404 and "未知的账户" in unknown.text


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", "kill-switch", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cli_kill_switch_takes_the_account_name_online_and_offline(tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    args = ("--config", "config.ini", "--start-at", "2026-11-20 10:00", "--speed", "0")
    with serve_process(tmp_path, *args) as (url, _lines), httpx.Client(base_url=url, timeout=30) as c:
        on = cli(tmp_path, "on", "--account", "p1")  # through the running gateway (gateway.json)
        assert on.returncode == 0, on.stdout + on.stderr
        assert c.post("/accounts/p1/api/trader/buy", json=ORDER).json()["code"] != 200
        assert buy(c, "p2")
        nobody = f"http://127.0.0.1:{free_port()}"
        off = cli(tmp_path, "off", "--account", "p1", "--url", nobody)  # straight into the journal
        assert off.returncode == 0 and "下一笔委托即生效" in off.stdout + off.stderr, off.stdout + off.stderr
        assert buy(c, "p1")
        wrong = cli(tmp_path, "on", "--account", "zz", "--url", nobody)
        assert wrong.returncode == 2 and "未知的账户：zz" in wrong.stdout + wrong.stderr
        assert buy(c, "p1")  # nothing was stored for a name no account has
