"""F12 in the hexin stand-in: start the trading client beside it (``xiadan.exe`` in hexin.exe's folder)
when none runs, as 同花顺's 委托 key does (docs/clients.md rows 23-25).

The trading client of a 同花顺 install is the xiadan.exe in hexin.exe's own folder (THSAutoTrader
``src/models/app_model.py:16-21``, ``get_trading_app``); THSAutoTrader keys F12 among its virtual keys
(``config/key_config.py:17``) and finds that sibling by its exe path (``src/service/window_service.py:74``),
telling the user to start it when it is not running (``src/service/position_service.py:93-97``). The
Linux fake does the same through its factory (``simulators/hexin_factory.py`` ``open_trading``): F12
starts the sibling to its login window when it is not running, and does nothing when it is.

Here the sibling is the xiadan stand-in installed beside hexin.exe (``hexin_install``): started with its
own ``standin.json`` (so whether it opens at its login window is that file's ``logged_in``), as a
process of its own. "Running" means a process whose image path is that exe (the gateway's own lookup,
``desktop/win32_process.pids_of``, which Wine answers). Counted in ``stats``: ``f12`` (presses seen),
``trading_starts`` (processes started), ``trading_already_running`` (presses that started nothing).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.desktop.win32_process import pids_of

from .boot import CONFIG_ENV

if TYPE_CHECKING:
    from .hexin_app import HexinApp

log = logging.getLogger("standin")

TRADING_EXE = "xiadan.exe"  # layouts.HexinLayout.trading_exe_name


def sibling_exe() -> str:
    """The xiadan.exe in this hexin.exe's folder."""
    return os.path.join(os.path.dirname(os.path.abspath(sys.executable)), TRADING_EXE)


def _count(app: HexinApp, name: str) -> None:
    app.stats[name] = app.stats.get(name, 0) + 1


def on_key(app: HexinApp, hwnd: int, vk: int) -> bool:
    """A WM_KEYDOWN in hexin's main window; True when it was F12 (taken: nothing else sees it)."""
    if vk != win32con.VK_F12 or not app.main or not (hwnd == app.main or win32gui.IsChild(app.main, hwnd)):
        return False
    _count(app, "f12")
    exe = sibling_exe()
    running = pids_of(exe)
    if running:
        _count(app, "trading_already_running")
        log.info("F12: the trading client %s already runs (pid %s)", exe, running)
        return True
    if not os.path.exists(exe):
        log.info("F12: no trading client installed at %s", exe)
        return True
    # Its own settings file beside it: never the one this process may have been pointed at.
    env = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}
    proc = subprocess.Popen([exe], cwd=os.path.dirname(exe), env=env, close_fds=True)
    _count(app, "trading_starts")
    log.info("F12: started the trading client %s (pid %d)", exe, proc.pid)
    return True
