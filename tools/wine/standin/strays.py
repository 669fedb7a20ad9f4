"""Windows that are not pop-ups but show up beside the client (issue 14 "Stray windows"): the 悬浮工具栏
(a tool window owned by the main window, never closed), 成交回报 toasts (owned ``#32770`` that close
themselves after a moment, possibly while a driver is handling them), and 条件单 tips that ignore
WM_CLOSE. A driver must treat only ``#32770`` dialogs owned by the main window as pop-ups, log the rest,
and never fail an operation because one of them exists or vanished.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import win32con
import win32gui

from . import win as w

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

STRAY_CLASS = "Afx:00400000:8:00010003:00000000:00000000"
TOAST_TIMER = 9


class Strays:
    def __init__(self, app: App) -> None:
        self.app = app
        self.windows: dict[int, dict] = {}  # hwnd → {"kind", "title", "closes_ignored"}

    def show(self, kind: str, *, title: str | None = None, text: str = "", ms: int = 400) -> int:
        owner = self.app.frame.main
        if kind == "toast":
            return self._toast(title or "成交回报", text or "您的委托已有成交，请及时查询当日成交。", ms)
        title = title or {"toolbar": "悬浮工具栏", "sticky": "条件单提示"}[kind]
        ex = win32con.WS_EX_TOOLWINDOW | win32con.WS_EX_TOPMOST if kind == "toolbar" else 0
        style = win32con.WS_POPUP | win32con.WS_CAPTION | win32con.WS_SYSMENU | win32con.WS_VISIBLE
        hwnd = win32gui.CreateWindowEx(
            ex, STRAY_CLASS, title, style, 900, 60, 220, 90, owner, 0, w.HINST, None
        )
        self.windows[hwnd] = {"kind": kind, "title": title, "closes_ignored": 0}
        log.info("stray %s %#x", kind, hwnd)
        return hwnd

    def _toast(self, title: str, text: str, ms: int) -> int:
        """A modeless #32770 owned by the main window that goes away on its own after ``ms``."""
        template = w.dialog(title, (180, 40), [w.label(text, (8, 10, 164, 20), 1004)])
        record = {"title": title, "text": text, "shown": time.time(), "toast": True}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                w.set_timer(hwnd, TOAST_TIMER, max(1, ms))
                return False  # a toast does not take the focus
            if (msg == win32con.WM_TIMER and wparam == TOAST_TIMER) or msg == win32con.WM_CLOSE:
                win32gui.DestroyWindow(hwnd)
                return True
            if msg == win32con.WM_DESTROY:
                self.windows.pop(hwnd, None)
                record["answer"] = "closed itself" if msg != win32con.WM_CLOSE else "closed"
                self.app.dialogs.log.append(record)
                return False
            return False

        hwnd = win32gui.CreateDialogIndirect(w.HINST, template, self.app.frame.main, proc)
        win32gui.ShowWindow(hwnd, win32con.SW_SHOWNOACTIVATE)
        self.windows[hwnd] = {"kind": "toast", "title": title, "closes_ignored": 0}
        return hwnd

    def proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        info = self.windows.get(hwnd)
        if msg == win32con.WM_CLOSE and info is not None:
            # Neither the toolbar nor a 条件单 tip goes on WM_CLOSE (only their own buttons close them).
            info["closes_ignored"] += 1
            log.info("stray %s ignored WM_CLOSE", info["kind"])
            return 0
        if msg == win32con.WM_DESTROY:
            self.windows.pop(hwnd, None)
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def state(self) -> list[dict]:
        return [{"hwnd": h, **info} for h, info in self.windows.items() if win32gui.IsWindow(h)]

    def close_all(self) -> None:
        for hwnd in list(self.windows):
            if win32gui.IsWindow(hwnd):
                win32gui.DestroyWindow(hwnd)
        self.windows.clear()
