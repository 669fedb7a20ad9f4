"""A Win32 stand-in for 同花顺 xiadan.exe (网上股票交易系统5.0), backed by the project's paper exchange.

A real Windows GUI program (Windows CPython + pywin32 under Wine), built to the structure recorded in
shared/domain/client-automation.md so the project's pywinauto driver and xiadan adapter can be tested
for real. One module per window, composed here:

- ``login.LoginWindow`` — 用户登录;
- ``mainframe.MainFrame`` — the main window, its menu tree and the pages (``page``, ``order_page``,
  ``cancel_page``, ``ipo_page``), each grid a ``grid.Grid`` (CVirtualGridCtrl);
- ``dialogs.Dialogs`` — 委托确认, 提示, 撤单确认, 申购确认, 风险提示, 退出确认;
- ``captcha_dialog.CaptchaDialog`` — the copy captcha; ``lock.LockScreen`` — the lock screen;
- ``hooks.Hooks`` — the test hooks behind the control socket (``control.py``).

IDs, titles, texts and column names come from the Linux fake client's model of the real builds
(``ashare_gateway.simulators.xiadan.builds`` / ``texts`` / ``grids``), so both fakes describe one world.
"""

from __future__ import annotations

import logging
import queue
import sys
import time
import traceback
from collections.abc import Callable

import numpy as np
import win32con
import win32gui

from ashare_gateway.simulators.xiadan import builds

from . import compact, control
from . import win as w
from .backend import Backend
from .captcha_dialog import CaptchaDialog
from .config import Config
from .dialogs import Dialogs
from .grid import Grid
from .hooks import Hooks
from .ids import WM_APP_ACTION, WM_APP_CONTROL
from .lock import LockScreen
from .login import LoginWindow
from .mainframe import MainFrame
from .save_dialog import SaveDialog
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
            "saves": 0,
            "results_shown": 0,  # 提示 after a successful order/cancel
            "results_skipped": 0,  # … not shown because result_popups is off
            "menu_fills": 0,  # lazy tree items filled on TVN_ITEMEXPANDING (menu_lazy.py)
        }
        self.last_input = time.monotonic()
        self.dialogs = Dialogs(self)
        self.captcha = CaptchaDialog(self)
        self.lock = LockScreen(self)
        self.save_dialog = SaveDialog(self)
        self.strays = Strays(self)
        self.login = LoginWindow(self)
        self.frame = MainFrame(self)
        self.hooks = Hooks(self)
        self.msgwnd = 0
        self.actions: queue.Queue[Callable[[], object]] = queue.Queue()
        self.requests: queue.Queue = queue.Queue()
        self.server: control.Server | None = None
        self.exit_code = 0

    def run(self) -> int:
        w.init_common_controls()
        self._register_classes()
        self.msgwnd = win32gui.CreateWindowEx(
            0, "AshareStandinMsg", "", 0, 0, 0, 0, 0, win32con.HWND_MESSAGE, 0, w.HINST, None
        )
        if self.config.control_port >= 0:
            self.server = control.Server(self.config.control_port, self._remote)
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
        register("AshareStandinMsg", self._msg_proc)

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

    def _msg_proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == WM_APP_CONTROL:
            self.hooks.drain(self.requests)
            return 0
        if msg == WM_APP_ACTION:
            try:
                action = self.actions.get_nowait()
            except queue.Empty:
                return 0
            try:
                action()
            except Exception:
                log.exception("deferred action")
            return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def later(self, action: Callable[[], object]) -> None:
        """Run ``action`` on the GUI thread once the current message is done (modal pop-ups nest)."""
        self.actions.put(action)
        win32gui.PostMessage(self.msgwnd, WM_APP_ACTION, 0, 0)

    def _remote(self, request: dict) -> dict:
        """Called on the control server's thread: hand the request to the GUI thread and wait."""
        reply: queue.Queue = queue.Queue()
        self.requests.put((request, reply))
        win32gui.PostMessage(self.msgwnd, WM_APP_CONTROL, 0, 0)
        return reply.get(timeout=20)


def _plain_proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
    return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)


def run(config: Config) -> int:
    handlers: list[logging.Handler] = []
    if config.log:
        handlers.append(logging.FileHandler(config.log, encoding="utf-8"))
    elif sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.INFO,
        handlers=handlers,
        datefmt="%H:%M:%S",
        format="%(asctime)s.%(msecs)03d standin %(levelname)s %(message)s",
    )
    app = App(config)
    try:
        return app.run()
    except Exception:
        log.error("stand-in crashed:\n%s", traceback.format_exc())
        return 1
    finally:
        if app.server:
            app.server.stop()
        logging.shutdown()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Win32 stand-in for xiadan.exe")
    parser.add_argument("--config", required=True, help="standin.json")
    ns = parser.parse_args(argv)
    return run(Config.load(ns.config))
