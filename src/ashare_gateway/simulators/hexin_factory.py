"""Build a HexinBroker over a fake hexin.exe and a fake sibling xiadan.exe, both trading on a paper broker.

Used by ``serve --broker hexin-fake`` (through :class:`FakeHexinProvider`) and by the GUI tests: the whole
hexin path (title and version, quick keys, the flash-order dialog, pop-ups, the sibling's balance and
position pages) runs on Linux. The fake trading client starts logged in unless a test says otherwise;
hexin's F12 starts it (to its login window) when it is not running, as the real one does.
"""

from __future__ import annotations

import ntpath
from decimal import Decimal
from typing import Any

from ..brokers.base import Broker, ConnectInfo, Credentials
from ..brokers.hexin.adapter import HexinBroker
from ..brokers.ths.adapter import XiadanBroker
from ..brokers.ths.timeouts import Timeouts
from .hexin import BUILDS, FakeHexin, FakeHexinBuild, HexinFaults, HexinLatency
from .xiadan.builds import BUILDS as XIADAN_BUILDS
from .xiadan.client import FakeXiadan

HEXIN_EXE = r"C:\同花顺软件\同花顺\hexin.exe"
TRADING_EXE = r"C:\同花顺软件\同花顺\xiadan.exe"  # the sibling, in hexin's own folder


def make_fake_hexin_broker(
    sim_broker: Broker,
    version: str = "8",
    *,
    trading_running: bool = True,
    password: str = "",
    timeouts: Timeouts | None = None,
    trading_timeout: float = 30.0,
    hexin_exe: str = HEXIN_EXE,
    trading_exe: str = TRADING_EXE,
    build: FakeHexinBuild | None = None,
    **faults: Any,
) -> HexinBroker:
    """A HexinBroker for 同花顺 ``version`` ("8" or "9") over fakes trading on ``sim_broker``.

    ``faults`` are :class:`HexinFaults` fields (``latency`` may be a dict). ``broker.driver`` is the fake
    hexin and ``broker.trading.driver`` the fake xiadan: their ``events``/``misuse`` tell tests what they saw.
    ``trading_exe`` elsewhere than hexin's folder is another broker's xiadan.exe (same title), which the
    adapter must not take for hexin's own; F12 then starts nothing (hexin's own is not installed).
    """
    if isinstance(faults.get("latency"), dict):
        faults["latency"] = HexinLatency(**faults["latency"])
    trading_fake = FakeXiadan(
        sim_broker,
        build=XIADAN_BUILDS["universal"],
        exe_path=trading_exe,
        running=trading_running,
        logged_in=True,
        password=password,
    )
    trading = XiadanBroker(
        trading_fake, "universal", timeouts=timeouts, kind="xiadan-fake", path_exists=trading_fake.file_exists
    )

    def open_trading() -> None:  # F12: hexin starts its xiadan.exe, which shows its login window
        if not trading_fake.is_alive() and ntpath.dirname(trading_exe) == ntpath.dirname(hexin_exe):
            trading_fake.start(trading_exe)

    hexin = FakeHexin(
        sim_broker,
        build=build or BUILDS[version],
        faults=HexinFaults(**faults),
        exe_path=hexin_exe,
        on_trading_key=open_trading,
    )
    return HexinBroker(
        hexin,
        trading,
        timeouts=timeouts,
        trading_timeout=trading_timeout,
        kind="hexin-fake",
        path_exists=hexin.file_exists,
    )


class FakeHexinProvider:
    """``--broker hexin-fake``: connect attaches to a fake 同花顺 on the paper demo account; login opens
    (or checks) a paper account, like the sim provider, and uses it as the trading account."""

    kind = "hexin-fake"

    def __init__(
        self, exchange: Any, *, version: str = "8", opening_cash: Decimal = Decimal("1000000")
    ) -> None:
        self.exchange = exchange
        self.version = version
        self.opening_cash = opening_cash

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        user = self.exchange.ensure_demo_account()
        broker = make_fake_hexin_broker(self.exchange.broker(user), self.version)
        info = broker.connect(exe_path)
        return broker, ConnectInfo(info.exe_path, user, info.main_window_title)

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        if not self.exchange.has_account(credentials.user):
            self.exchange.create_account(
                credentials.user, credentials.password, credentials.comm_password, cash=self.opening_cash
            )
        broker = make_fake_hexin_broker(self.exchange.broker(credentials.user), self.version)
        return broker, broker.login(credentials)
