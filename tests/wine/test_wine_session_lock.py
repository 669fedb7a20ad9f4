"""A locked workstation / a disconnected RDP session under Wine (issue 14 "Window state", clients.md row
29 and the "Not yet modelled" bullet), through the real ``Win32Driver`` + ``XiadanBroker``
(tests/wine/scenarios/session_lock_scenario.py).

The stand-in's ``session_lock`` knob is the OS's side (``tools/wine/session_shim.py``: what
``OpenInputDesktop`` and ``WTSQuerySessionInformationW`` answer in every shimmed process) and the locked
desktop's (``tools/wine/standin/session_lock.py``: input swallowed by low-level hooks, the screen black,
messages untouched). universal: an order (typed fields) is refused before any key with the driver's
reason, and nothing reaches the exchange; ht: a read (0xE122 by WM_COMMAND), its copy captcha (from the
control's DC) and 全部撤单 (BM_CLICK) go on, a cancel by 合同编号 (the row selected by keys) is refused.
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_flavour, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = {
    "universal": [
        "reported",
        "keys_swallowed",
        "order_refused",
        "order_refused_new_build",
        "order_after_unlock",
    ],
    "ht": ["read_locked", "cancel_locked", "captcha_from_dc", "cancel_all_locked"],
}


@pytest.fixture(scope="module")
def universal_run(wine, make_standin):
    return run_flavour(wine, make_standin, "session_lock_scenario.py", "universal")


@pytest.fixture(scope="module")
def ht_run(wine, make_standin):
    return run_flavour(wine, make_standin, "session_lock_scenario.py", "ht")


@pytest.mark.parametrize("step", STEPS["universal"])
def test_universal_typed_order_refused_while_locked(universal_run, step: str) -> None:
    step_detail(universal_run, step)


@pytest.mark.parametrize("step", STEPS["ht"])
def test_ht_message_based_flows_while_locked(ht_run, step: str) -> None:
    step_detail(ht_run, step)
