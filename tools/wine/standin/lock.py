"""The lock screen ``请输入您的交易密码`` (Edit 1039): only the right password closes it, not WM_CLOSE."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .ids import ID_LOCK_EDIT, ID_OK, ID_TEXT_TIP

if TYPE_CHECKING:
    from .app import App


class LockScreen:
    def __init__(self, app: App) -> None:
        self.app = app
        self.locked = False

    def show(self) -> None:
        if self.locked:
            return
        self.locked = True
        app = self.app
        width = 200
        caption, controls = app.dialogs.title_controls("系统锁定", width)
        controls += [
            w.label(texts.LOCK, (10, 20, width - 20, 12), ID_TEXT_TIP),
            w.label("交易密码", (10, 40, 35, 10)),
            w.edit(ID_LOCK_EDIT, (50, 38, 90, 13), password=True),
            w.button("确定", ID_OK, (width // 2 - 25, 60, 50, 14), default=True),
        ]
        template = w.dialog(caption, (width, 82), controls)
        record = {"title": "系统锁定", "text": texts.LOCK, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                return True
            if msg == win32con.WM_COMMAND and w.loword(wparam) == ID_OK:
                if app.backend.check_password(w.get_text(win32gui.GetDlgItem(hwnd, ID_LOCK_EDIT))):
                    win32gui.EndDialog(hwnd, ID_OK)
                else:
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_TEXT_TIP), texts.LOCK_WRONG)
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_LOCK_EDIT), "")
                return True
            # WM_CLOSE is swallowed: the lock screen cannot be closed, only unlocked.
            return msg == win32con.WM_CLOSE

        try:
            app.dialogs.run(template, proc, record, None)
        finally:
            self.locked = False
