"""``--broker hexin``: the running 同花顺 on this Windows machine, driven through pywinauto.

Two drivers, because hexin.exe and its trading client xiadan.exe are two processes. The Win32 driver is
imported lazily (Windows only); elsewhere connecting says so instead of failing at import.
"""

from __future__ import annotations

from ...domain.errors import BrokerUnavailable
from ..base import Broker, ConnectInfo, Credentials
from ..ths.adapter import XiadanBroker
from .adapter import HexinBroker

NO_DRIVER = "驱动同花顺需要在Windows上运行并安装pywinauto（在Windows上安装本软件时会自动安装）"


class HexinProvider:
    kind = "hexin"

    def __init__(self, exe_path: str | None = None) -> None:
        self.exe_path = exe_path

    def _broker(self) -> HexinBroker:
        try:
            from ...desktop.win32 import Win32Driver  # type: ignore[import-not-found]
            from ...desktop.win32_vk import VirtualKeyWin32Driver
        except ImportError as exc:
            raise BrokerUnavailable(f"{NO_DRIVER}（{exc}）") from exc
        # hexin's quick codes go as virtual-key codes; its sibling xiadan.exe is driven like any xiadan.
        return HexinBroker(VirtualKeyWin32Driver(), XiadanBroker(Win32Driver(), "universal"))

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        broker = self._broker()
        return broker, broker.connect(exe_path or self.exe_path)

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        broker = self._broker()
        return broker, broker.login(credentials)
