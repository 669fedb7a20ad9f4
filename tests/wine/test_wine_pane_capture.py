"""The active pane 0xE901 under Wine (issue 14): the real ``Win32Driver`` + ``XiadanBroker`` against the
stand-in whose page just left stays shown, first in Z order, with the same control ids
(``stale_pages``; tests/wine/scenarios/pane_capture_scenario.py). Opt-in like every Wine test.
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = [
    "login",
    "stale_page_is_first_under_main",
    "stale_page_buy_then_sell",
    "stale_page_cancel_after_entrusts",
    "exit",
]


@pytest.fixture(scope="module", params=["universal", "ht"])
def pane_run(request, wine, make_standin):
    flavour = request.param
    accounts = [{"user": "demo", "password": "demo", "comm_password": "demo" if flavour == "ht" else None}]
    standin = make_standin(logged_in=False, flavour=flavour, accounts=accounts, cancel_confirm="real")
    try:
        # Started here and waited for (a fresh exchange is slow on a loaded machine), so the scenario's
        # login attaches to the client at its login window instead of racing its start-up.
        standin.spawn(180)
        return run_scenario(
            wine,
            SCENARIOS / "pane_capture_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            "--flavour",
            flavour,
            "--comm",
            "demo" if flavour == "ht" else "",
            timeout=420,
            log_name=f"pane_{flavour}.log",
        )
    finally:
        standin.stop()


@pytest.mark.parametrize("step", STEPS)
def test_pane_against_standin(pane_run, step: str) -> None:
    assert pane_run.data is not None, pane_run.explain()
    entry = pane_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{pane_run.explain()}"
    assert entry["ok"], entry["detail"]
