"""The trading commands as a user runs them: the real ``ashare-gateway`` in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ashare_gateway.brokers.sim.sources import SPEC_HELP
from ashare_gateway.cli_commands import serve as serve_command
from ashare_gateway.cli_commands.exits import Exit
from ashare_gateway.config import Settings, write_token_file
from tests.conftest import Served, serve


def run(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "ASHARE_GATEWAY_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, "COLUMNS": "200", **(env or {})},
    )


def entrusts(served: Served) -> list[dict]:
    with served.client() as c:
        return c.get("/today-entrusts").json()["data"]


def test_queries_print_tables_and_json(served: Served) -> None:
    table = run("balance", "--url", served.url)
    assert table.returncode == 0 and "可用金额" in table.stdout and table.stderr == ""
    data = json.loads(run("balance", "--url", served.url, "--json").stdout)
    assert data["总资产"] > 0
    positions = json.loads(run("positions", "--url", served.url, "--json").stdout)
    assert {p["证券代码"] for p in positions} >= {"600000"}
    q = run("quote", "600000", "--url", served.url)
    assert q.returncode == 0 and "浦发银行" in q.stdout and "卖1" in q.stdout


def test_an_order_needs_a_confirmation(served: Served) -> None:
    declined = run("buy", "600000", "8.00", "100", "--url", served.url)  # stdin closed: no
    assert declined.returncode == Exit.NOT_CONFIRMED and "未确认" in declined.stderr
    said_no = run("buy", "600000", "8.00", "100", "--url", served.url, stdin="n\n")
    assert said_no.returncode == Exit.NOT_CONFIRMED
    assert entrusts(served) == []
    said_yes = run("buy", "600000", "8.00", "100", "--url", served.url, stdin="y\n")
    assert said_yes.returncode == 0 and "合同编号" in said_yes.stdout
    placed = json.loads(run("sell", "600000", "8.60", "100", "--url", served.url, "--yes", "--json").stdout)
    assert [e["合同编号"] for e in entrusts(served)][1] == placed["合同编号"]
    assert placed["idempotency_key"].startswith("sdk-")


def test_orders_trades_cancel_and_ipo(served: Served) -> None:
    resting = json.loads(run("buy", "600000", "8.00", "100", "--url", served.url, "-y", "--json").stdout)
    run("buy", "600000", "8.75", "100", "--url", served.url, "-y")
    orders = json.loads(run("orders", "--url", served.url, "--json").stdout)
    assert [o["委托状态"] for o in orders] == ["已报", "已成"]
    trades = json.loads(run("trades", "--url", served.url, "--json").stdout)
    assert len(trades) == 1 and trades[0]["成交数量"] == 100
    gone = run("cancel", resting["合同编号"], "--url", served.url, "--yes")
    assert gone.returncode == 0 and resting["合同编号"] in gone.stdout
    again = run("cancel", resting["合同编号"], "--url", served.url, "--yes")
    assert again.returncode == Exit.REFUSED and again.stdout == "" and resting["合同编号"] in again.stderr
    run("buy", "600000", "8.01", "100", "--url", served.url, "-y")
    assert json.loads(run("cancel-all", "--url", served.url, "-y", "--json").stdout) == {"撤销数量": 1}
    ipo = json.loads(run("ipo", "--url", served.url, "-y", "--json").stdout)
    assert ipo["可申购新股数量"] == 2


def test_refusals_and_failures_have_their_exit_codes(served: Served) -> None:
    bad = run("buy", "600000", "8.00", "150", "--url", served.url, "--yes")
    assert bad.returncode == Exit.REFUSED and "委托数量不符合规则" in bad.stderr and bad.stdout == ""
    typo = run("buy", "600000", "8.0001", "100", "--url", served.url, "--yes")
    assert typo.returncode == Exit.USAGE and "委托价格格式错误" in typo.stderr
    down = run("balance", "--url", "http://127.0.0.1:9")
    assert down.returncode == Exit.UNREACHABLE and "无法连接网关" in down.stderr
    lost = run("balance", "--url", served.url, "--session", "nope")
    assert lost.returncode == Exit.UNAUTHORIZED
    assert entrusts(served) == []


def test_finds_the_gateway_and_its_token_from_the_data_dir(tmp_path: Path, clock) -> None:
    settings = Settings(data_dir=tmp_path / "gw", demo_market=False, token="tok-0123456789abcdef")
    with serve(settings, clock) as s:
        data = tmp_path / "gw"
        (data / "gateway.json").write_text(json.dumps({"pid": os.getpid(), "url": s.url, "urls": [s.url]}))
        assert run("balance", "--data-dir", str(data)).returncode == Exit.UNAUTHORIZED  # no token yet
        write_token_file(data, "tok-0123456789abcdef")
        assert run("balance", "--data-dir", str(data)).returncode == 0
        env_wrong = run("balance", "--data-dir", str(data), env={"ASHARE_GATEWAY_TOKEN": "wrong"})
        assert env_wrong.returncode == Exit.UNAUTHORIZED and "令牌" in env_wrong.stderr
        assert run("balance", "--data-dir", str(data), "--token", "tok-0123456789abcdef").returncode == 0


def test_captcha_exits_non_zero_on_a_file_it_cannot_read(tmp_path: Path) -> None:
    text = tmp_path / "not-an-image.png"
    text.write_text("hello")
    assert run("captcha", str(tmp_path / "missing.png")).returncode != 0
    assert run("captcha", str(text)).returncode != 0


def test_the_quote_help_text_matches_the_sources() -> None:
    assert serve_command.QUOTES_HELP == SPEC_HELP
