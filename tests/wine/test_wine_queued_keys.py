"""Typed keys over a field that already reads the wanted text (clients.md row 34), through the real
``Win32Driver`` + ``XiadanBroker`` under Wine against a busy stand-in (``key_lag_ms``): a saved account and
passwords of the same length on the login window, a code left in 1032 by a refused order
(tests/wine/scenarios/queued_keys_scenario.py). Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["saved_login", "code_left"]


SETTINGS = {
    # The login window shows our account and passwords of our passwords' length (the demo account's
    # are "demo"), all editable.
    "saved_login": {
        "logged_in": False,
        "login_saved": {"user": "demo", "password": "xxxx", "comm_password": "yyyy"},
    },
    "code_left": {"logged_in": True},
}


@pytest.fixture(scope="module", params=STEPS)
def queued_run(request, wine, make_standin):
    step = request.param
    standin = make_standin(flavour="ht", key_lag_ms=25, **SETTINGS[step])
    try:
        standin.spawn(180)  # started here, so the adapter attaches to it
        run = run_scenario(
            wine,
            SCENARIOS / "queued_keys_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            "--step",
            step,
            timeout=300,
            log_name=f"queued_keys_{step}.log",
        )
        return step, run
    finally:
        standin.stop()


def test_typed_keys_over_a_field_that_already_reads_the_text(queued_run) -> None:
    step, run = queued_run
    assert run.data is not None, run.explain()
    entry = run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{run.explain()}"
    assert entry["ok"], entry["detail"]
