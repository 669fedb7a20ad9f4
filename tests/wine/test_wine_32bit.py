"""The driver across the bitness boundary: 64-bit Windows Python + pywinauto + ``Win32Driver`` against a
32-bit process under Wine's WOW64, as users drive the 32-bit xiadan.exe (issue 14 "32-bit").

The target is tools/wine/probe32/probe32.c (built by tools/wine/setup.sh with Debian's mingw-w64 i686),
not the Python stand-in: PyPI carries no 32-bit Windows CPython (docs/wine.md says why). Skipped, with
the reason, when wine32:i386 could not be installed (ASHARE_WINE_32=0 or no i386 packages).
"""

from __future__ import annotations

import shutil

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

CHECKS = ["start_32bit", "tree_walk", "tree_select", "edit_text", "grid_copy_0xE122", "close"]


@pytest.fixture(scope="module")
def probe32_run(wine, wine_home):
    built = wine_home / "probe32" / "xiadan.exe"
    if not built.exists():
        pytest.skip("no 32-bit probe: wine32:i386 or mingw-w64 i686 missing (ASHARE_WINE_32=1 installs them)")
    folder = wine_home / "prefix" / "drive_c" / "probe32"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(built, folder / "xiadan.exe")
    return run_scenario(
        wine, SCENARIOS / "probe32_scenario.py", r"C:\probe32\xiadan.exe", timeout=120, log_name="probe32.log"
    )


@pytest.mark.parametrize("check", CHECKS)
def test_win32_driver_against_32bit_process(probe32_run, check: str) -> None:
    assert probe32_run.data is not None, probe32_run.explain()
    entry = probe32_run.entries("checks").get(check)
    assert entry is not None, f"check {check!r} did not run\n{probe32_run.explain()}"
    assert entry["ok"], entry["detail"]
