"""The CLI kill switch reaches a running gateway (issue 11, finding 4): found through the data folder's
gateway.json, and effective at the next order even when the CLI cannot reach it over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.process import free_port, serve_process

CLI = [sys.executable, "-m", "ashare_gateway.cli", "kill-switch"]


def _kill_switch(cwd: Path, *args: str) -> str:
    done = subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _buy(url: str, price: float, key: str | None = None) -> dict:
    headers = {"Idempotency-Key": key} if key else {}
    return httpx.post(
        f"{url}/api/trader/buy", json={"security": "600000", "price": price, "amount": 100}, headers=headers
    ).json()


def test_cli_finds_the_running_gateway_and_cancels_through_it(tmp_path: Path) -> None:
    with serve_process(tmp_path) as (url, _):
        resting = _buy(url, 8.0)  # below the market: stays open
        assert resting["code"] == 200
        out = _kill_switch(tmp_path, "on")  # no --url: the data folder says where the gateway is
        assert "撤销1笔" in out and url in out
        assert httpx.get(f"{url}/api/trader/cancel-entrusts").json()["data"] == []
        refused = _buy(url, 8.75)
        assert refused["code"] != 200 and "紧急停止" in refused["message"]
        _kill_switch(tmp_path, "off")
        assert _buy(url, 8.75)["code"] == 200


def test_a_switch_written_to_the_journal_stops_a_running_gateway(tmp_path: Path) -> None:
    with serve_process(tmp_path) as (url, _):
        assert _buy(url, 8.75)["code"] == 200  # the gateway has read the flag (off) once already
        wrong = f"http://127.0.0.1:{free_port()}"  # nobody listens there
        out = _kill_switch(tmp_path, "on", "--url", wrong)
        assert "下一笔委托即生效" in out
        refused = _buy(url, 8.75)
        assert refused["code"] != 200 and "紧急停止" in refused["message"]
        assert httpx.get(f"{url}/health").json()["kill_switch"] is True
        _kill_switch(tmp_path, "off", "--url", wrong)
        accepted = _buy(url, 8.75)
        assert accepted["code"] == 200, accepted
