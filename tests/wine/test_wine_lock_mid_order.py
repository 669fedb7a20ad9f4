"""A workstation lock that lands in the middle of an order, under Wine (issue 14 "Window state",
docs/clients.md row 35), through the real ``Win32Driver`` + ``XiadanBroker``
(tests/wine/scenarios/lock_mid_order_scenario.py).

The order starts on an active desktop, so the check before any key passes; the stand-in then locks from
inside, as a real lock arrives (``tools/wine/standin/session_lock.py``): right after the N-th key-down its
low-level keyboard hook lets through (``session_lock_after_keys``), or as the 委托确认 comes up
(``session_lock_at_confirm``). Each step: the order is refused with the mid-order reason (``InputLost``),
the paper exchange got no order, and once unlocked the same order goes through. universal: the lock
after the first key of the price, half-way through it, after it, at the confirm; ht: after the code's
keys, after the price, at the confirm (disconnected). Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import time

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = {
    "universal": ["price_started", "mid_price", "after_price", "at_confirm"],
    "ht": ["after_code", "after_price", "at_confirm"],
}


def _run(wine, make_standin, flavour: str):
    standin = make_standin(logged_in=True, flavour=flavour)
    try:
        standin.spawn()
        ping = standin.client()
        deadline = time.monotonic() + 60
        while not ping.call("ping").get("main") and time.monotonic() < deadline:
            time.sleep(0.1)
        return run_scenario(
            wine,
            SCENARIOS / "lock_mid_order_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            "--flavour",
            flavour,
            timeout=300,
            log_name=f"lock_mid_order_{flavour}.log",
        )
    finally:
        standin.stop()


@pytest.fixture(scope="module")
def universal_run(wine, make_standin):
    return _run(wine, make_standin, "universal")


@pytest.fixture(scope="module")
def ht_run(wine, make_standin):
    return _run(wine, make_standin, "ht")


def _passed(run, step: str) -> None:
    assert run.data is not None, run.explain()
    entry = run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{run.explain()}"
    assert entry["ok"], entry["detail"]


@pytest.mark.parametrize("step", STEPS["universal"])
def test_universal_order_refused_when_the_lock_lands_mid_order(universal_run, step: str) -> None:
    _passed(universal_run, step)


@pytest.mark.parametrize("step", STEPS["ht"])
def test_ht_order_refused_when_the_lock_lands_mid_order(ht_run, step: str) -> None:
    _passed(ht_run, step)
