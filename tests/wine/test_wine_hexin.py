"""hexin.exe 8.x and 9.x through the real pywinauto driver under Wine (issue 14, "Done when").

The hexin stand-in (tools/wine/standin/hexin_app.py) runs as ``C:\\同花顺软件\\同花顺\\hexin.exe`` with the
universal xiadan stand-in beside it as its trading client, both on one paper exchange. The Windows-side
scenario (tests/wine/scenarios/hexin_scenario.py) drives them with ``VirtualKeyWin32Driver`` +
``HexinBroker``: quick codes as virtual-key codes (and a VK_PACKET ``21`` that must open nothing), the
flash dialog found by owner + class + controls (empty caption on 9.x), a flash buy and sell checked in
the exchange's books, the client's default price, a rejection passed through, 可用 from 刷新, and the
trading client: not running at first, so the balance sends F12, the hexin stand-in starts the
xiadan.exe in its folder (at its login window, where the scenario plays the user), and the balance and
an order go through it; F12 again starts nothing. ``ASHARE_WINE_HEXIN_BENCH=N`` also times N flash
buys → 合同编号 and prints the numbers with ``-s`` (docs/benchmarks/wine.md, "hexin"). Opt-in like every
Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import os

import pytest

from tests.wine.conftest import ENABLED, SCENARIOS, SKIP_REASON, install_hexin_pair, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = [
    "connect",
    "vk_packet_opens_nothing",
    "quick_code_opens_the_dialog_by_virtual_keys",
    "flash_buy",
    "flash_sell",
    "default_price_is_the_clients",
    "rejection_passes_through",
    "max_amount_is_the_clients",
    "f12_starts_the_trading_client",
    "sibling_next_to_hexin",
    "exit",
]
VERSIONS = [v for v in os.environ.get("ASHARE_WINE_HEXIN", "8,9").split(",") if v]


@pytest.fixture(scope="module", params=VERSIONS)
def hexin_run(request, wine, wine_home, tmp_path_factory):
    version = request.param
    db = tmp_path_factory.mktemp(f"hexin{version}") / "exchange.sqlite3"
    # The sibling, started by hexin's F12, opens at its login window (the scenario logs in).
    hexin, trading, hexin_exe, _ = install_hexin_pair(
        wine, wine_home, db, version, f"hexin{version}", logged_in=False
    )
    port, trading_port = hexin.port, trading.port
    try:
        # Only hexin: the scenario's F12 step has hexin start its xiadan.exe (standin/hexin_f12.py).
        hexin.spawn()
        extra = (
            ["--bench", os.environ["ASHARE_WINE_HEXIN_BENCH"]]
            if os.environ.get("ASHARE_WINE_HEXIN_BENCH")
            else []
        )
        result = run_scenario(
            wine,
            SCENARIOS / "hexin_scenario.py",
            "--port",
            str(port),
            "--trading-port",
            str(trading_port),
            "--exe",
            hexin_exe,
            "--version",
            version,
            *extra,
            timeout=420,
            log_name=f"hexin{version}.log",
        )
        if extra and result.data:  # the numbers for docs/benchmarks/wine.md ("hexin"), with -s
            print(f"\nhexin {version}: flash buy → 合同编号 {result.data.get('bench')}")
        return result
    finally:
        hexin.stop()
        trading.stop()


@pytest.mark.parametrize("step", STEPS)
def test_hexin_through_the_real_driver(hexin_run, step: str) -> None:
    assert hexin_run.data is not None, hexin_run.explain()
    entry = hexin_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{hexin_run.explain()}"
    assert entry["ok"], entry["detail"]
