"""A stop-loss fires once even when the gateway is SIGKILLed at the moment of triggering.

The real CLI serves a paper account priced by a scripted replay, on a simulated clock that moves only
when told (``--speed 0``). A stop-loss is created, the clock is moved past the dip, and the scheduler's
next round fires it — at which point a crash point armed in the environment kills the process
(SIGKILL, no clean-up): right after the trigger's commit, after the order's journal write, after the
broker took it, or after the answer was written. A fresh process on the same data folder then finishes
the condition from the journal. Whatever the instant, the broker ends with exactly one order, and the
journal with exactly one row under the condition's key.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.api.test_conditions import DAY, STOP, write_path
from tests.process import sigkill, start_to_kill

POINTS = ("condition_triggered", "after_sent", "after_broker", "after_accepted")


def _start(data_dir: Path, quotes: str, start_at: str, crash: str | None) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASHARE_GATEWAY_CRASH")}
    if crash:
        env["ASHARE_GATEWAY_CRASH_POINTS"] = crash
    args = ["--data-dir", str(data_dir), "--log-level", "warning"]
    args += ["--quotes", quotes, "--start-at", start_at, "--speed", "0"]
    return start_to_kill(args, env)


_stop = sigkill


def _settled(url: str) -> dict:
    """The condition once it has left ``triggering`` (the scheduler's rounds are a second apart)."""
    deadline = time.monotonic() + 30
    while True:
        (cond,) = httpx.get(f"{url}/api/trader/conditions").json()["data"]
        if cond["state"] not in ("armed", "triggering") or time.monotonic() > deadline:
            return cond
        time.sleep(0.1)  # polling the gateway's own schedule


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_the_trigger_then_restart_sends_the_stop_loss_once(tmp_path: Path, point: str) -> None:
    quotes = f"replay:{write_path(tmp_path)}"
    data = tmp_path / "data"
    proc, url = _start(data, quotes, f"{DAY} 10:00:00", point)
    try:
        r = httpx.post(f"{url}/api/trader/conditions", json=STOP, timeout=10)
        assert r.status_code == 200, r.text
        cid = r.json()["data"][0]["id"]
        moved = httpx.post(f"{url}/api/admin/clock", json={"to": f"{DAY} 10:01:05"}, timeout=10)
        assert moved.status_code == 200, moved.text  # 8.40 now: the next round fires it, and dies
        assert proc.wait(30) == -signal.SIGKILL, "the crash point did not fire"
    finally:
        _stop(proc)

    proc, url = _start(data, quotes, f"{DAY} 10:01:10", None)
    try:
        cond = _settled(url)
        assert cond["id"] == cid and cond["state"] == "submitted", (point, cond)
        entrusts = httpx.get(f"{url}/api/trader/today-entrusts").json()["data"]
        mine = [e for e in entrusts if e["证券代码"] == "600000" and e["委托数量"] == STOP["amount"]]
        assert len(mine) == 1, (point, mine)
        assert mine[0]["合同编号"] == cond["合同编号"]
        journal = httpx.get(f"{url}/api/journal/orders").json()["data"]
        assert [(j["idempotency_key"], j["state"]) for j in journal] == [(f"condition:{cid}", "accepted")]
    finally:
        _stop(proc)
