"""The save-as dialog behind Ctrl+S on a grid, Vista-style: ``另存为`` with a file-name Edit that is NOT
id 1152 (the old common dialog's), 保存(&S) 1 and 取消 2. Drivers must take the first Edit.

Wine's own GetSaveFileName would show the old-style dialog with 1152, so the stand-in draws its own. It
writes what the real client exports (``grids.to_export``: GBK, tab-separated, codes as ="600000" on
builds that quote them) and refuses a path whose folder does not exist with ``SAVE_BAD_PATH``.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .ids import ID_CANCEL, ID_OK, ID_SAVE_EDIT

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")


class SaveDialog:
    def __init__(self, app: App) -> None:
        self.app = app

    def show(self, export: bytes) -> int:
        app = self.app
        width = 260
        controls = [
            w.label("文件名(&N):", (10, 14, 45, 10)),
            w.edit(ID_SAVE_EDIT, (58, 12, width - 70, 13)),
            w.label("保存类型(&T):", (10, 32, 45, 10)),
            w.label("Excel 文件 (*.xls)", (58, 32, 120, 10)),
            w.button("保存(&S)", ID_OK, (width - 120, 52, 50, 14), default=True),
            w.button("取消", ID_CANCEL, (width - 62, 52, 50, 14)),
        ]
        template = w.dialog(texts.SAVE_TITLE, (width, 74), controls)
        record = {"title": texts.SAVE_TITLE, "text": "", "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                w.set_text(win32gui.GetDlgItem(hwnd, ID_SAVE_EDIT), "table.xls")
                return True
            if msg == win32con.WM_COMMAND and w.loword(wparam) == ID_OK:
                path = w.get_text(win32gui.GetDlgItem(hwnd, ID_SAVE_EDIT)).strip()
                folder = os.path.dirname(path)
                if not os.path.isabs(path) or not os.path.isdir(folder):
                    app.dialogs.modal(texts.SAVE_TITLE, texts.SAVE_BAD_PATH.format(path=path), parent=hwnd)
                    return True
                with open(path, "wb") as fh:
                    fh.write(export)
                app.stats["saves"] += 1
                log.info("saved %d bytes to %s", len(export), path)
                win32gui.EndDialog(hwnd, ID_OK)
                return True
            if (msg == win32con.WM_COMMAND and w.loword(wparam) == ID_CANCEL) or msg == win32con.WM_CLOSE:
                win32gui.EndDialog(hwnd, ID_CANCEL)
                return True
            return False

        return app.dialogs.run(template, proc, record, None)
