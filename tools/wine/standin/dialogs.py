"""Modal pop-ups owned by the main window: 委托确认, 提示, 撤单确认, 申购确认, 风险提示, 退出确认.

Every modal the stand-in shows goes through :meth:`Dialogs.run`, which records it (``open_dialogs`` while
it is up, ``dialog_log`` after) so the tests can check what the adapter saw and how it answered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .ids import ID_CANCEL, ID_NO, ID_OK, ID_TEXT_CONFIRM, ID_TEXT_TIP, ID_TITLE, ID_YES, WM_APP_HIDE

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

__all__ = ["ID_TEXT_CONFIRM", "Dialogs"]


class Dialogs:
    def __init__(self, app: App) -> None:
        self.app = app
        self.open: list[dict] = []
        self.log: list[dict] = []
        self.pending: list[dict] = []  # pop-ups to show before the next order's confirm (test hook)
        self.hidden: list[int] = []  # dialogs hidden because the main window was minimised

    def title_controls(self, title: str, width: int) -> tuple[str, list[list]]:
        """(caption, controls): builds that draw the title in Static 1365 leave the caption empty."""
        if self.app.build.caption_in_static:
            return "", [w.label(title, (8, 6, width - 16, 10), ID_TITLE)]
        return title, []

    def modal(
        self,
        title: str,
        text: str,
        buttons: str = "ok",
        *,
        text_id: int = ID_TEXT_TIP,
        parent: int | None = None,
        fields: Sequence[tuple[str, int, str]] = (),
    ) -> int:
        """A modal pop-up owned by the main window; returns the ID of the button that closed it.

        ``fields`` are (label, static ID, value) rows under the text, as the real 撤单确认 shows the
        order's code, price and amount in statics of their own."""
        lines = max(1, text.count("\n") + 1)
        width, height = 220, 44 + lines * 10 + len(fields) * 12
        caption, controls = self.title_controls(title, width)
        controls.append(w.label(text, (12, 20, width - 24, lines * 10 + 4), text_id))
        y = 24 + lines * 10
        for label_text, cid, value in fields:
            controls.append(w.label(label_text, (12, y, 50, 10)))
            controls.append(w.label(value, (64, y, width - 76, 10), cid))
            y += 12
        by = height - 20
        if buttons == "yesno":
            controls += [
                w.button("是(Y)", ID_YES, (width // 2 - 60, by, 50, 14), default=True),
                w.button("否(N)", ID_NO, (width // 2 + 10, by, 50, 14)),
            ]
            on_close = ID_NO
        else:
            controls.append(w.button("确定", ID_OK, (width // 2 - 25, by, 50, 14), default=True))
            on_close = ID_OK
        template = w.dialog(caption, (width, height), controls)
        record = {"title": title, "text": text, "hwnd": 0, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                record["hwnd"] = hwnd
                return True
            if msg == win32con.WM_COMMAND and w.loword(wparam) in (ID_OK, ID_CANCEL, ID_YES, ID_NO):
                cid = w.loword(wparam)
                win32gui.EndDialog(hwnd, on_close if cid == ID_CANCEL else cid)
                return True
            if msg == win32con.WM_CLOSE:
                win32gui.EndDialog(hwnd, on_close)
                return True
            return False

        return self.run(template, proc, record, parent)

    def run(self, template: list, proc, record: dict, parent: int | None) -> int:
        owner = parent if parent is not None else (self.app.frame.main or self.app.login.hwnd)
        main = self.app.frame.main

        def hiding_proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            # An owned dialog that comes up while the main window is minimised stays hidden until the
            # main window is restored (the captcha behind a minimised client, issue 14 "Window state").
            if msg == WM_APP_HIDE:
                if main and win32gui.IsIconic(main) and win32gui.IsWindow(hwnd):
                    win32gui.ShowWindow(hwnd, win32con.SW_HIDE)
                    self.hidden.append(hwnd)
                return True
            result = proc(hwnd, msg, wparam, lparam)
            if msg == win32con.WM_INITDIALOG:
                if main and win32gui.IsIconic(main):
                    win32gui.PostMessage(hwnd, WM_APP_HIDE, 0, 0)
                session = getattr(self.app, "session_lock", None)  # the hexin stand-in has none
                if session is not None:
                    session.dialog_shown(record.get("title", ""))  # a lock set to land at this dialog
            return result

        self.open.append(record)
        try:
            result = win32gui.DialogBoxIndirect(w.HINST, template, owner, hiding_proc)
        finally:
            self.open.remove(record)
        record["answer"] = result
        record.pop("hwnd", None)
        self.log.append(record)
        del self.log[:-50]
        log.info("dialog %s -> %s", record.get("title"), result)
        return result

    def restore_hidden(self) -> None:
        """The main window was restored: show the dialogs its minimised state kept hidden."""
        for hwnd in self.hidden:
            if win32gui.IsWindow(hwnd):
                win32gui.ShowWindow(hwnd, win32con.SW_SHOW)
        self.hidden.clear()

    def message(self, text: str, *, parent: int | None = None) -> int:
        return self.modal(texts.RESULT_TITLE, text, "ok", parent=parent)

    def result(self, text: str) -> None:
        """The 提示 after a successful order or cancel: shown only when the client's setting says so."""
        if self.app.config.result_popups:
            self.app.stats["results_shown"] += 1
            self.message(text)
        else:
            self.app.stats["results_skipped"] += 1
            log.info("result pop-up off: %s", text)

    def show_pending(self) -> None:
        """The pop-ups a test queued for "before the next order's confirm" (a toast mid-order)."""
        while self.pending:
            popup = self.pending.pop(0)
            self.modal(popup.get("title", "提示"), popup.get("text", ""), popup.get("buttons", "ok"))
