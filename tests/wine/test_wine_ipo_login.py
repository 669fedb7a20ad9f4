"""IPO and login variants (issue 14) through the real ``Win32Driver`` + ``XiadanBroker`` under Wine against
the stand-in (tests/wine/scenarios/ipo_login_scenario.py): a login captcha refused once, 批量新股申购
with an issue the account has no quota for, and a client that keeps the saved password.
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["login_captcha", "ipo_quota", "saved_password"]
# Shanghai shares only: a quota for 787001 (SH STAR), none for 001366 (SZ).
ACCOUNT = {
    "user": "shonly",
    "password": "sh-pass",
    "comm_password": None,
    "holdings": [["600000", 2000, "8.50"]],
}


@pytest.fixture(scope="module")
def ipo_login_run(wine, make_standin):
    standin = make_standin(
        logged_in=False,
        flavour="universal",
        accounts=[ACCOUNT],
        login_captcha=True,
        login_captcha_rejects=1,
        login_button="登录(Y)",
    )
    try:
        standin.spawn(180)  # started here, so the first login attaches to it (a fresh exchange is slow)
        return run_scenario(
            wine,
            SCENARIOS / "ipo_login_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            timeout=300,
            log_name="ipo_login.log",
        )
    finally:
        standin.stop()


@pytest.mark.parametrize("step", STEPS)
def test_ipo_and_login_variants_against_the_standin(ipo_login_run, step: str) -> None:
    assert ipo_login_run.data is not None, ipo_login_run.explain()
    entry = ipo_login_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{ipo_login_run.explain()}"
    assert entry["ok"], entry["detail"]
