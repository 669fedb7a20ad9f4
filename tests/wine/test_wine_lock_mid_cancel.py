"""A workstation lock that lands in the middle of a cancel by 合同编号, under Wine (issue 14 "Window state",
docs/clients.md row 35), through the real ``Win32Driver`` + ``XiadanBroker``
(tests/wine/scenarios/lock_mid_cancel_scenario.py).

Two resting twins (same code, price, amount), the second one cancelled: a selection lost to the lock
would leave the first selected and the 撤单 click (a message) cancel it. The cancel starts on an active
desktop; the stand-in then locks from inside (``tools/wine/standin/session_lock.py``): right after the
filter code's keys, between ``{HOME}`` and ``{DOWN}``, before the proof copy, or as the 撤单确认 comes up
(``session_lock_at_cancel_confirm``). Each step: ``InputLost`` (撤单过程中被锁定), both twins open at the
paper exchange, no key swallowed, the filter the refused cancel left emptied by the next read, then
unlocked the same cancel cancels exactly the target. Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_flavour, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["after_filter", "between_rows", "before_copy", "at_cancel_confirm"]


@pytest.fixture(scope="module")
def universal_run(wine, make_standin):
    return run_flavour(wine, make_standin, "lock_mid_cancel_scenario.py", "universal")


@pytest.fixture(scope="module")
def ht_run(wine, make_standin):
    return run_flavour(wine, make_standin, "lock_mid_cancel_scenario.py", "ht")


@pytest.mark.parametrize("step", STEPS)
def test_universal_cancel_refused_when_the_lock_lands_mid_cancel(universal_run, step: str) -> None:
    step_detail(universal_run, step)


@pytest.mark.parametrize("step", STEPS)
def test_ht_cancel_refused_when_the_lock_lands_mid_cancel(ht_run, step: str) -> None:
    step_detail(ht_run, step)
