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

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_flavour, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = {
    "universal": ["price_started", "mid_price", "after_price", "at_confirm"],
    "ht": ["after_code", "after_price", "at_confirm"],
}


@pytest.fixture(scope="module")
def universal_run(wine, make_standin):
    return run_flavour(wine, make_standin, "lock_mid_order_scenario.py", "universal")


@pytest.fixture(scope="module")
def ht_run(wine, make_standin):
    return run_flavour(wine, make_standin, "lock_mid_order_scenario.py", "ht")


@pytest.mark.parametrize("step", STEPS["universal"])
def test_universal_order_refused_when_the_lock_lands_mid_order(universal_run, step: str) -> None:
    step_detail(universal_run, step)


@pytest.mark.parametrize("step", STEPS["ht"])
def test_ht_order_refused_when_the_lock_lands_mid_order(ht_run, step: str) -> None:
    step_detail(ht_run, step)
