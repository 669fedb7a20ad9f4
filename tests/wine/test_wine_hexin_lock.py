"""A workstation lock that lands in the middle of a hexin flash order, under Wine (issue 14 "Window
state", docs/clients.md row 35), through the real ``VirtualKeyWin32Driver`` + ``HexinBroker``
(tests/wine/scenarios/hexin_lock_scenario.py).

The hexin stand-in has the xiadan stand-in's ``SessionLock`` (``tools/wine/standin/hexin_app.py``): the
order starts on an active desktop, then the stand-in locks from inside right after the N-th key-down
(``session_lock_after_keys``: after the quick keys, after the code) or as the flash order's 委托确认 comes
up (``session_lock_at_confirm``). Each step: ``InputLost`` with the mid-order reason, no order at the
exchange, no key into the locked session, the flash dialog closed by the adapter; unlocked, the same
order goes through. Builds 8 and 9 (``ASHARE_WINE_HEXIN``). Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import os

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, install_hexin_pair, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["after_quick_keys", "mid_code", "after_code", "at_confirm"]
VERSIONS = [v for v in os.environ.get("ASHARE_WINE_HEXIN", "8,9").split(",") if v]


@pytest.fixture(scope="module", params=VERSIONS)
def hexin_lock_run(request, wine, wine_home, tmp_path_factory):
    version = request.param
    db = tmp_path_factory.mktemp(f"hexinlock{version}") / "exchange.sqlite3"
    # The sibling is installed beside hexin.exe as on a real install; never started (no F12 here).
    hexin, _sibling, hexin_exe, _ = install_hexin_pair(wine, wine_home, db, version, f"hexinlock{version}")
    port = hexin.port
    try:
        hexin.spawn()
        return run_scenario(
            wine,
            SCENARIOS / "hexin_lock_scenario.py",
            "--port",
            str(port),
            "--exe",
            hexin_exe,
            "--version",
            version,
            timeout=300,
            log_name=f"hexinlock{version}.log",
        )
    finally:
        hexin.stop()


@pytest.mark.parametrize("step", STEPS)
def test_hexin_flash_order_refused_when_the_lock_lands_mid_order(hexin_lock_run, step: str) -> None:
    assert hexin_lock_run.data is not None, hexin_lock_run.explain()
    entry = hexin_lock_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{hexin_lock_run.explain()}"
    assert entry["ok"], entry["detail"]
