"""A Win32 stand-in for 同花顺 hexin.exe (8.x / 9.x), backed by the same paper exchange as the xiadan one.

It runs as ``C:\\同花顺软件\\同花顺\\hexin.exe`` (``hexin_install``), beside a xiadan stand-in as its
trading client, so the hexin adapter finds the sibling by folder as it must on a real install.

- the main window ``同花顺(v8.90.73) - 首页`` (the build's ``Afx:`` class) with its 键盘精灵: digits
  read from WM_KEYDOWN *virtual-key codes* + Enter; ``21``/``23`` open 闪电买入/闪电卖出, six digits show
  that stock. A digit sent as VK_PACKET (pywinauto's default for a character) reaches the window as
  WM_KEYDOWN 0xE7 and is counted in ``stats["vk_packet_ignored"]``, never taken for a digit;
- the flash-order dialog (``hexin_flash``), empty caption on 9.x;
- the pop-ups (委托确认, 提示) are the xiadan stand-in's ``Dialogs``;
- a locked or disconnected session, at once or landing mid-order (after N key-downs, at the flash
  order's 委托确认): the xiadan stand-in's ``SessionLock`` (``session_lock.py``), same knobs and stats;
- F12 starts the xiadan.exe beside it when none runs (``hexin_f12``);
- test hooks on the control port (``hexin_hooks``), reaching the GUI thread through ``pump.Inbox``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace

import win32con
import win32gui

from ashare_gateway.domain.models import Side
from ashare_gateway.simulators.hexin import BUILDS
from ashare_gateway.simulators.xiadan import builds as xiadan_builds

from . import control, hexin_f12, runner
from . import win as w
from .backend import Backend
from .dialogs import Dialogs
from .hexin_config import HexinConfig
from .hexin_flash import FlashDialog
from .hexin_hooks import HexinHooks
from .pump import Inbox
from .session_lock import SessionLock

log = logging.getLogger("standin")

VK_PACKET = 0xE7
DIGIT_KEYS = {**{0x30 + d: str(d) for d in range(10)}, **{0x60 + d: str(d) for d in range(10)}}  # + numpad


class HexinApp:
    def __init__(self, config: HexinConfig) -> None:
        self.config = config
        self.hexin = BUILDS[config.version]
        # Dialogs (委托确认/提示) are drawn as the universal xiadan build draws them: caption, Static 1004.
        self.build = xiadan_builds.BUILDS["universal"]
        self.backend: Backend | None = None
        self.stats = {"orders": 0, "lookups": 0, "vk_packet_ignored": 0, "quick_codes": 0, "results_shown": 0}
        self.stats["results_skipped"] = 0
        # What a locked session swallowed, and the key-downs passed before a mid-order lock (session_lock.py).
        self.stats.update(keys_lost=0, keys_before_lock=0, mouse_lost=0)
        self.keys: list[str] = []  # what the 键盘精灵 read, one entry per Enter ("21↵")
        self.main = 0
        self.frame = SimpleNamespace(main=0)  # what Dialogs reads: the owner of its pop-ups
        self.login = SimpleNamespace(hwnd=0)
        self.dialogs = Dialogs(self)  # type: ignore[arg-type]
        self.flash: FlashDialog | None = None
        self.session_lock = SessionLock(self)  # type: ignore[arg-type]  # Dialogs lands at_confirm on it
        self.sprite = ""
        self.hooks = HexinHooks(self)
        self.inbox = Inbox("AshareHexinMsg", self.hooks)
        self.server: control.Server | None = None

    @property
    def vk_only(self) -> bool:
        value = self.config.vk_only
        return self.hexin.sprite_virtual_keys_only if value is None else bool(value)

    def title(self, page: str) -> str:
        return f"{self.hexin.main_title_prefix} - {page}"

    def touch(self) -> None:
        """Dialogs calls it on input (the xiadan stand-in's idle lock; hexin has none)."""

    # --- start-up ---------------------------------------------------------------------------------------
    def run(self) -> int:
        self._register_classes()
        self.inbox.create()
        if self.config.control_port >= 0:
            self.server = control.Server(self.config.control_port, self.inbox.remote)
            self.server.start()
        self.backend = Backend(
            self.config.db, self.build, clock=self.config.clock, accounts=self.config.accounts
        )
        first = self.config.accounts[0]
        if not self.backend.login(first["user"], first["password"], first.get("comm_password")):
            log.error("hexin stand-in: login failed for %s", first["user"])
            return 3
        style = win32con.WS_OVERLAPPEDWINDOW | win32con.WS_CLIPCHILDREN
        self.main = win32gui.CreateWindowEx(
            0,
            self.hexin.main_class,
            self.title(self.hexin.home_page),
            style,
            40,
            40,
            900,
            600,
            0,
            0,
            w.HINST,
            None,
        )
        self.frame.main = self.main
        win32gui.ShowWindow(self.main, win32con.SW_SHOW)
        win32gui.UpdateWindow(self.main)
        win32gui.SetForegroundWindow(self.main)
        log.info("hexin main window %#x (%s)", self.main, self.title(self.hexin.home_page))
        self.session_lock.apply()  # a session locked from the start when the knob says so
        self._loop()
        return 0

    def _register_classes(self) -> None:
        wc = win32gui.WNDCLASS()
        wc.hInstance = w.HINST
        wc.lpszClassName = self.hexin.main_class
        wc.lpfnWndProc = self._main_proc
        wc.hCursor = win32gui.LoadCursor(0, win32con.IDC_ARROW)
        wc.hbrBackground = win32con.COLOR_WINDOW + 1
        win32gui.RegisterClass(wc)

    def _loop(self) -> None:
        while True:
            rc, msg = win32gui.GetMessage(None, 0, 0)
            if rc in (0, -1):
                break
            if msg[1] == win32con.WM_KEYDOWN and (
                self._sprite_key(msg[0], msg[2]) or hexin_f12.on_key(self, msg[0], msg[2])
            ):
                continue
            win32gui.TranslateMessage(msg)
            win32gui.DispatchMessage(msg)

    # --- the 键盘精灵 ---------------------------------------------------------------------------------
    def _sprite_key(self, hwnd: int, vk: int) -> bool:
        """A key pressed in the main window (True: the 键盘精灵 took it)."""
        if not self.main or not (hwnd == self.main or win32gui.IsChild(self.main, hwnd)):
            return False
        if vk in DIGIT_KEYS:
            self.sprite += DIGIT_KEYS[vk]
        elif vk == VK_PACKET:
            # The character is in the WM_CHAR that follows; the 键盘精灵 reads key codes only.
            if self.vk_only:
                self.stats["vk_packet_ignored"] += 1
                return True
            return False
        elif vk == win32con.VK_RETURN:
            typed, self.sprite = self.sprite, ""
            self.keys.append(f"{typed}↵")
            self._quick_code(typed)
        elif vk == win32con.VK_ESCAPE:
            self.sprite = ""
        else:
            return False
        return True

    def char_typed(self, char: str) -> None:
        """WM_CHAR of a VK_PACKET character, on a build that reads characters too (vk_only off)."""
        if char.isdigit():
            self.sprite += char

    def _quick_code(self, typed: str) -> None:
        page = self.hexin.quick_codes.get(typed)
        if page is not None:
            self.stats["quick_codes"] += 1
            self.open_flash(Side.BUY if page == "buy" else Side.SELL)
        elif len(typed) == 6 and typed.isdigit() and self.backend and self.backend.lookup(typed):
            self.stock = typed
            win32gui.SetWindowText(self.main, self.title(f"{typed} {self.backend.lookup(typed).name}"))

    stock: str | None = None

    def open_flash(self, side: Side) -> None:
        if self.flash is not None:  # one at a time: the old one goes away
            self.flash.close()
        self.flash = FlashDialog(self, side, self.stock)

    def flash_closed(self, flash: FlashDialog) -> None:
        flash.close()
        if self.flash is flash:
            self.flash = None

    # --- window procedures -----------------------------------------------------------------------------
    def _main_proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == win32con.WM_CHAR and not self.vk_only:
            self.char_typed(chr(wparam))
            return 0
        if msg == win32con.WM_CLOSE:
            win32gui.DestroyWindow(hwnd)
            return 0
        if msg == win32con.WM_DESTROY:
            win32gui.PostQuitMessage(0)
            return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def later(self, action: Callable[[], object]) -> None:
        self.inbox.later(action)


def run_file(path: str) -> int:
    """Entry point from ``standin.boot`` when the exe is ``hexin.exe``: ``hexin.json`` beside it."""
    config = HexinConfig.load(path)
    runner.setup_logging(config.log, "hexin")
    return runner.run_app(HexinApp(config), "hexin stand-in")
