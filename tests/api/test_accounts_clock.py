"""The simulated clock with several accounts: one market time for the whole gateway, so it moves only
when every account is a paper one, whatever ``--broker`` (the default for sections without
``broker =``) says. Over HTTP against served gateways built from a real config.ini.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import SimulatedClock
from tests.accounts_ini import account, config_ini, two_paper, write_config
from tests.conftest import serve

TWO_PAPER = two_paper(880100)
PAPER_AND_DESKTOP = config_ini(
    TWO_PAPER,
    account(
        "x1",
        "xiadan-fake",
        exe_path=r"C:\htzqzyb2_A\xiadan.exe",
        user=880103,
        password="pw-3",
        comm_password="cp-3",
    ),
)


def test_two_paper_accounts_move_the_clock_even_when_the_default_broker_is_a_client(tmp_path: Path) -> None:
    # --broker xiadan-fake is only the default of sections without broker=; both accounts here are paper.
    settings = Settings(
        data_dir=tmp_path,
        broker="xiadan-fake",
        start_at="2026-12-03 10:00",
        speed=0,
        config_path=write_config(tmp_path, TWO_PAPER),
    )
    with serve(settings, None) as served:  # type: ignore[arg-type]
        moved = httpx.post(f"{served.url}/api/admin/clock", json={"to": "2026-12-03 10:30"}, timeout=30)
        assert moved.status_code == 200, moved.text
        assert moved.json()["data"]["now"] == "2026-12-03 10:30:00"


def test_a_desktop_account_among_them_refuses_the_clock_and_names_it(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, quotes="offline", config_path=write_config(tmp_path, PAPER_AND_DESKTOP)
    )
    clock = SimulatedClock("2026-12-03 10:00", speed=0)
    with serve(settings, clock) as served:  # type: ignore[arg-type]
        moved = httpx.post(f"{served.url}/api/admin/clock", json={"advance": "phase"}, timeout=30)
        assert moved.status_code == 409, moved.text
        message = moved.json()["message"]
        assert "账户x1（xiadan-fake）是券商客户端" in message and "p1" not in message, message
        assert clock.now().strftime("%H:%M") == "10:00"  # not moved
