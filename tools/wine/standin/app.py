"""A Win32 stand-in for 同花顺 xiadan.exe (网上股票交易系统5.0), backed by the project's paper exchange.

A real Windows GUI program (Windows CPython + pywin32 under Wine), built to the structure recorded in
shared/domain/client-automation.md so the project's pywinauto driver and xiadan adapter can be tested
for real. One module per window, composed here:

- ``login.LoginWindow`` — 用户登录;
- ``mainframe.MainFrame`` — the main window, its menu tree and the pages (``page``, ``order_page``,
  ``cancel_page``, ``ipo_page``), each grid a ``grid.Grid`` (CVirtualGridCtrl);
- ``dialogs.Dialogs`` — 委托确认, 提示, 撤单确认, 申购确认, 风险提示, 退出确认;
- ``captcha_dialog.CaptchaDialog`` — the copy captcha; ``lock.LockScreen`` — the lock screen;
- ``hooks.Hooks`` — the test hooks behind the control socket (``control.py``), reaching the GUI thread
  through ``pump.Inbox``.

IDs, titles, texts and column names come from the Linux fake client's model of the real builds
(``ashare_gateway.simulators.xiadan.builds`` / ``texts`` / ``grids``), so both fakes describe one world.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import win32con
import win32gui

from ashare_gateway.simulators.xiadan import builds

from . import compact, control, runner
from . import win as w
from .backend import Backend
from .captcha_dialog import CaptchaDialog
from .config import Config
from .dialogs import Dialogs
from .grid import Grid
from .hooks import Hooks
from .lock import LockScreen
from .login import LoginWindow
from .mainframe import MainFrame
from .pump import Inbox
from .save_dialog import SaveDialog
from .session_lock import SessionLock
from .strays import STRAY_CLASS, Strays

log = logging.getLogger("standin")

__all__ = ["App", "Config", "main", "run"]


class App:
    """What every window shares: the settings, the build, the exchange, counters, the deferred queue."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.build = builds.BUILDS[config.flavour]
        self.backend: Backend | None = None
        self.rng = np.random.default_rng(config.seed)
        self.stats = {
            "orders": 0,
            "copies": 0,
            "copy_requests": 0,
            "captchas": 0,
            "captcha_ok": 0,
            "captcha_wrong": 0,
            "lookups": 0,
            "settext_ignored": 0,  # WM_SETTEXT/EM_REPLACESEL into an order edit that did nothing
            "copy_keys_lost": 0,  # Ctrl+A/Ctrl+C that came too soon after Ctrl (ctrl_lag_ms)
            "copy_refused": 0,
            "copy_command_ignored": 0,  # 0xE122 posted to the grid that did nothing (copy_command_ignored)
            "ime_ate_copy": 0,  # Ctrl+C keystrokes the IME ate (ime_eats_copy)
            "saves": 0,
            "switch_to_shown": 0,  # page commands naming the page already on screen (mainframe.py)
            "results_shown": 0,  # 提示 after a successful order/cancel
            "results_skipped": 0,  # … not shown because result_popups is off
            "menu_fills": 0,
            "keys_lost": 0,  # keyboard events swallowed while the session is locked (session_lock.py)
            "keys_before_lock": 0,  # key-downs passed while a mid-flow lock was armed (session_lock.py)
            "mouse_lost": 0,  # lazy tree items filled on TVN_ITEMEXPANDING (menu_lazy.py)
        }
        self.last_input = time.monotonic()
        self.dialogs = Dialogs(self)
        self.captcha = CaptchaDialog(self)
        self.lock = LockScreen(self)
        self.save_dialog = SaveDialog(self)
        self.strays = Strays(self)
        self.session_lock = SessionLock(self)  # the knob session_lock: a locked or disconnected session
        self.login = LoginWindow(self)
        self.frame = MainFrame(self)
        self.hooks = Hooks(self)
        self.inbox = Inbox("AshareStandinMsg", self.hooks)
        self.server: control.Server | None = None
        self.exit_code = 0

    def run(self) -> int:
        w.init_common_controls()
        self._register_classes()
        self.inbox.create()
        if self.config.control_port >= 0:
            self.server = control.Server(self.config.control_port, self.inbox.remote)
            self.server.start()
            log.info("control port %d", self.server.port)
        t0 = time.perf_counter()
        self.backend = Backend(
            self.config.db, self.build, clock=self.config.clock, accounts=self.config.accounts
        )
        log.info("exchange ready in %.2fs", time.perf_counter() - t0)
        if self.config.logged_in:
            first = self.config.accounts[0]
            if not self.backend.login(first["user"], first["password"], first.get("comm_password")):
                log.error("auto login failed for %s", first["user"])
                return 3
        elif not self.login.run():
            log.info("login cancelled")
            return 0
        self.frame.create()
        compact.apply(self)  # 精简模式 when the knob says so
        self.session_lock.apply()  # a session locked from the start when the knob says so
        self._loop()
        return self.exit_code

    def _register_classes(self) -> None:
        def register(name: str, proc, style: int = 0, brush: int = win32con.COLOR_BTNFACE + 1) -> None:
            wc = win32gui.WNDCLASS()
            wc.hInstance = w.HINST
            wc.lpszClassName = name
            wc.lpfnWndProc = proc
            wc.style = style
            wc.hCursor = win32gui.LoadCursor(0, win32con.IDC_ARROW)
            wc.hbrBackground = brush
            win32gui.RegisterClass(wc)

        register(self.build.main_class, self.frame.proc, win32con.CS_HREDRAW | win32con.CS_VREDRAW)
        register("CVirtualGridCtrl", Grid.wndproc, win32con.CS_DBLCLKS, win32con.COLOR_WINDOW + 1)
        register("HexinScrollWnd", _plain_proc)
        register("AfxWnd42s", _plain_proc)
        register("AfxFrameOrView42s", _plain_proc)
        register(STRAY_CLASS, self.strays.proc)

    def _loop(self) -> None:
        while True:
            rc, msg = win32gui.GetMessage(None, 0, 0)
            if rc in (0, -1):
                break
            if msg[1] == win32con.WM_KEYDOWN and self.frame.key(msg[0], msg[2]):
                continue
            win32gui.TranslateMessage(msg)
            win32gui.DispatchMessage(msg)

    def touch(self) -> None:
        self.last_input = time.monotonic()

    def later(self, action: Callable[[], object]) -> None:
        """Run ``action`` on the GUI thread once the current message is done (modal pop-ups nest)."""
        self.inbox.later(action)


def _plain_proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
    return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)


def run(config: Config) -> int:
    runner.setup_logging(config.log, "standin")
    return runner.run_app(App(config), "stand-in")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Win32 stand-in for xiadan.exe")
    parser.add_argument("--config", required=True, help="standin.json")
    ns = parser.parse_args(argv)
    return run(Config.load(ns.config))
