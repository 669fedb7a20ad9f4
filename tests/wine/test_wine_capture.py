"""The captcha under a covering window (issue 14 "Window state": grab the captcha from the control's DC,
not the screen), through the real ``Win32Driver`` + ``XiadanBroker`` under Wine against the stand-in with
``captcha_covered`` (tests/wine/scenarios/capture_scenario.py): the login captcha and the copy captcha
of a table read, each under a topmost 悬浮工具栏, and the capture timed from the DC and from the screen.
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["capture_timing", "login_covered", "read_covered", "screen_fallback"]


@pytest.fixture(scope="module")
def capture_run(wine, make_standin):
    standin = make_standin(logged_in=False, flavour="ht", login_captcha=True, captcha_covered=True)
    try:
        standin.spawn(180)  # started here: the timing step reads the login window's captcha first
        return run_scenario(
            wine,
            SCENARIOS / "capture_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            timeout=300,
            log_name="capture.log",
        )
    finally:
        standin.stop()


@pytest.mark.parametrize("step", STEPS)
def test_covered_captcha_against_the_standin(capture_run, step: str) -> None:
    assert capture_run.data is not None, capture_run.explain()
    entry = capture_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{capture_run.explain()}"
    assert entry["ok"], entry["detail"]
