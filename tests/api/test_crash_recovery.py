"""Kill the gateway (SIGKILL) at random points of an order, restart, retry with the same key: one order.

Each trial starts the real CLI with a crash point armed (the process kills itself there: after
journalling, after marking sent, after the broker took the order, after recording the answer) or, for
the timing-based trials, kills it from outside after a random delay while the request is in flight.
Then a fresh process serves the retry. Whatever the instant, the broker ends with exactly one order for
the key and the journal says how it was settled.
"""

from __future__ import annotations

import os
import random
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from ashare_gateway.service.faults import POINTS
from tests.process import sigkill, start_to_kill

# Four trials visit each crash point once and one outside kill; the stress run does twelve.
QUICK_TRIALS, STRESS_TRIALS = 4, 12


def _start(data_dir: Path, env_extra: dict[str, str], broker: str) -> tuple[subprocess.Popen, str]:
    args = ["--data-dir", str(data_dir), "--log-level", "warning", "--broker", broker]
    return start_to_kill(args, {**os.environ, **env_extra})


_kill = sigkill


@pytest.mark.parametrize(
    "trials", [QUICK_TRIALS, pytest.param(STRESS_TRIALS, marks=pytest.mark.stress)], ids=["quick", "stress"]
)
@pytest.mark.parametrize("broker", ["sim", "xiadan-fake"])
def test_sigkill_at_random_points_then_retry_places_exactly_one_order(
    tmp_path: Path, broker: str, trials: int
) -> None:
    rng = random.Random(20261121)
    outcomes: list[str] = []
    for trial in range(trials):
        key = f"trial-{trial}"
        order = {"security": "600000", "price": 8.75, "amount": 100 * (trial + 1)}
        if trial % 3 == 2:  # timing-based: an outside SIGKILL at a random instant of the request
            proc, url = _start(tmp_path, {}, broker)
            delay = rng.uniform(0, 0.03)
            killer = threading.Timer(delay, _kill, args=(proc,))
            killer.start()
            point = f"external@{delay * 1000:.0f}ms"
        else:
            point = POINTS[(trial - trial // 3) % len(POINTS)]  # each crash point, in turn
            proc, url = _start(tmp_path, {"ASHARE_GATEWAY_CRASH_POINTS": point}, broker)
            killer = None
        try:
            first = httpx.post(
                f"{url}/api/trader/buy", json=order, headers={"Idempotency-Key": key}, timeout=10
            )
            first_status = first.status_code
        except httpx.TransportError:
            first_status = None  # died mid-request
        if killer is not None:
            killer.join()
        _kill(proc)

        proc, url = _start(tmp_path, {}, broker)
        try:
            retry = httpx.post(
                f"{url}/api/trader/buy", json=order, headers={"Idempotency-Key": key}, timeout=10
            )
            assert retry.status_code == 200, (point, retry.json())
            again = httpx.post(
                f"{url}/api/trader/buy", json=order, headers={"Idempotency-Key": key}, timeout=10
            )
            assert again.json() == retry.json()
            entrusts = httpx.get(f"{url}/api/trader/today-entrusts").json()["data"]
            mine = [e for e in entrusts if e["委托数量"] == order["amount"]]
            assert len(mine) == 1, (point, mine)
            assert mine[0]["合同编号"] == retry.json()["data"]["合同编号"]
            journal = httpx.get(f"{url}/api/journal/orders").json()["data"]
            rows = [r for r in journal if r["idempotency_key"] == key]
            assert len(rows) == 1 and rows[0]["state"] == "accepted", (point, rows)
            outcomes.append(f"{point}:{first_status}:{rows[0]['reconciled'] or 'sent once'}")
        finally:
            _kill(proc)
    # Every kind of crash was exercised, and the external kills hit different instants.
    assert {o.split(":")[0] for o in outcomes} >= set(POINTS), outcomes
