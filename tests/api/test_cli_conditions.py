"""``ashare-gateway conditions list | add | cancel`` as a user runs it: the real CLI in a child process
against the real ``serve`` process (two paper accounts in one config.ini, the simulated clock in
continuous trading), found through the data folder's gateway.json or ``--url``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx

from ashare_gateway.cli_commands.exits import Exit
from tests.accounts_ini import two_paper, write_config
from tests.process import free_port, serve_process

CONFIG = two_paper(880400)
SERVE = ("--config", "config.ini", "--start-at", "2026-11-20 10:00", "--speed", "0")


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "ASHARE_GATEWAY_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", "conditions", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, "COLUMNS": "220"},
    )


def test_add_list_and_cancel_on_the_account_given(tmp_path: Path) -> None:
    write_config(tmp_path, CONFIG)
    with serve_process(tmp_path, *SERVE) as (url, _lines):
        quote = httpx.get(f"{url}/accounts/p1/api/trader/quote", params={"security": "600000"}).json()
        stop = str((Decimal(str(quote["data"]["最新价"])) * Decimal("0.95")).quantize(Decimal("0.01")))
        leg = ("stop_loss", "600000", "--amount", "100", "--trigger", stop, "--price-type", "limit")
        made = cli(tmp_path, "add", *leg, "--price", stop, "--account", "p1", "--yes", "--json")
        assert made.returncode == 0, made.stdout + made.stderr
        (row,) = json.loads(made.stdout)
        assert (row["state"], row["kind"], row["trigger_price"], row["account"]) == (
            "armed",
            "stop_loss",
            stop,
            "880401",
        )
        cid = str(row["id"])

        table = cli(tmp_path, "list", "--account", "p1")  # found through data/gateway.json
        assert table.returncode == 0, table.stderr
        assert "条件单" in table.stdout and "止损" in table.stdout and "等待触发" in table.stdout
        assert f"限价 {stop}" in table.stdout
        assert cli(tmp_path, "list", "--account", "p2").stdout.strip() == "没有条件单"  # never mixed

        # p2 cannot cancel p1's condition: 404, nothing changed.
        other = cli(tmp_path, "cancel", cid, "--account", "p2", "--yes")
        assert other.returncode == Exit.REFUSED and f"条件单不存在：{cid}" in other.stderr
        unnamed = cli(tmp_path, "add", *leg, "--price", stop, "--yes")
        assert unnamed.returncode == Exit.REFUSED and "网关配置了多个账户（p1、p2）" in unnamed.stderr
        crossed = cli(tmp_path, "add", *leg[:4], "--trigger", "99", "--account", "p1", "--yes")
        assert crossed.returncode == Exit.REFUSED and "越过" in crossed.stderr, crossed.stderr
        declined = cli(tmp_path, "cancel", cid, "--account", "p1")  # no terminal: not a yes
        assert declined.returncode == Exit.NOT_CONFIRMED

        done = cli(tmp_path, "cancel", cid, "--account", "p1", "--yes", "--url", url)
        assert done.returncode == 0 and f"条件单 {cid} 已撤销" in done.stdout, done.stderr
        listed = json.loads(cli(tmp_path, "list", "--account", "p1", "--state", "cancelled", "--json").stdout)
        assert [r["id"] for r in listed] == [row["id"]]
        again = cli(tmp_path, "cancel", cid, "--account", "p1", "--yes")
        assert again.returncode == Exit.REFUSED and "不能撤销" in again.stderr

        oco = {"oco": [{**_leg(stop), "trigger_price": stop}, {**_leg(stop), "type": "take_profit",
                       "trigger_price": str(Decimal(stop) * 2)}]}  # fmt: skip
        pair = cli(tmp_path, "add", "--body", json.dumps(oco), "--account", "p2", "--yes", "--json")
        assert pair.returncode == 0, pair.stderr
        assert len({r["oco_group"] for r in json.loads(pair.stdout)}) == 1
        one = cli(tmp_path, "add", "--body", json.dumps(_leg(stop) | {"trigger_price": stop}),
                  "--account", "p2", "--yes", "--json")  # fmt: skip
        assert one.returncode == 0, one.stderr
        assert json.loads(one.stdout)[0]["oco_group"] is None
        bad = cli(tmp_path, "add", "--body", "[1]", "--yes")
        assert bad.returncode == Exit.USAGE and "--body 须为 JSON 对象" in bad.stdout + bad.stderr
        p2 = json.loads(cli(tmp_path, "list", "--account", "p2", "--json").stdout)
        assert len(p2) == 3  # the pair and the one; nothing below was sent

        neither = cli(tmp_path, "add", "--account", "p2", "--yes")
        assert neither.returncode == Exit.USAGE
        assert "缺少KIND、CODE、--amount" in neither.stderr and "--body" in neither.stderr, neither.stderr
        no_amount = cli(tmp_path, "add", "stop_loss", "600000", "--account", "p2", "--yes")
        assert no_amount.returncode == Exit.USAGE and "缺少--amount：" in no_amount.stderr
        mixed = cli(tmp_path, "add", "stop_loss", "--amount", "0", "--body", json.dumps(oco), "--yes")
        assert mixed.returncode == Exit.USAGE
        assert "不能同时给出KIND、--amount" in mixed.stderr, mixed.stderr
        assert len(json.loads(cli(tmp_path, "list", "--account", "p2", "--json").stdout)) == 3

    nobody = f"http://127.0.0.1:{free_port()}"
    gone = cli(tmp_path, "list", "--url", nobody)
    assert gone.returncode == Exit.UNREACHABLE


def _leg(price: str) -> dict:
    return {"type": "stop_loss", "security": "600000", "side": "sell", "amount": 100,
            "price_type": "limit", "price": price, "valid": "today"}  # fmt: skip
