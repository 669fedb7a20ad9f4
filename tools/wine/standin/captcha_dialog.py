"""The copy captcha: Static 2405 with a 92×38 image, Edit 2404, OK 1, Cancel 2, status 2406.

A wrong code shows ``验证码错误！！``, a new image and an empty edit; clicking the image gives a new one.
Images come from the project's own ``compose_captcha`` so the recogniser is tested on what it will read.
"""

from __future__ import annotations

import ctypes
import logging
import time
from ctypes import wintypes
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import captcha_cover
from . import win as w
from .ids import ID_CANCEL, ID_CAPTCHA_EDIT, ID_CAPTCHA_IMAGE, ID_CAPTCHA_STATUS, ID_OK, ID_TEXT_TIP

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")


class CaptchaDialog:
    def __init__(self, app: App) -> None:
        self.app = app
        self.answer: str | None = None
        self.count = 0

    def passed(self, text: str = texts.CAPTCHA_COPY) -> bool:
        """Whether a copy (or save) may go ahead: no captcha configured, or the right code typed."""
        mode = self.app.config.captcha
        if mode == "off" or (mode == "once" and self.app.stats["captcha_ok"] > 0):
            return True
        return self.show(text) == ID_OK

    def _new_image(self, dlg: int) -> None:
        from ashare_gateway.simulators.captcha_compose import compose_captcha

        self.count += 1
        self.app.stats["captchas"] += 1
        digits = f"{int(self.app.rng.integers(0, 10000)):04d}"
        self.answer = digits
        image = compose_captcha(digits, self.app.rng)
        hbmp = w.bitmap_from_pil(image)
        old = win32gui.SendMessage(
            win32gui.GetDlgItem(dlg, ID_CAPTCHA_IMAGE), w.STM_SETIMAGE, win32con.IMAGE_BITMAP, hbmp
        )
        if old:
            win32gui.DeleteObject(old)

    def show(self, text: str = texts.CAPTCHA_COPY) -> int:
        app = self.app
        width, height = 200, 100
        caption, controls = app.dialogs.title_controls("提示", width)
        controls += [
            w.label(text, (10, 18, width - 20, 20), ID_TEXT_TIP),
            w.label("验证码", (10, 46, 30, 10)),
            w.edit(ID_CAPTCHA_EDIT, (42, 44, 50, 13)),
            w.label("", (10, 64, width - 20, 10), ID_CAPTCHA_STATUS),
            w.button("确定", ID_OK, (width // 2 - 55, 80, 50, 14), default=True),
            w.button("取消", ID_CANCEL, (width // 2 + 5, 80, 50, 14)),
        ]
        template = w.dialog(caption, (width, height), controls)
        record = {"title": "验证码", "text": text, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            try:
                return self._proc(hwnd, msg, wparam)
            except Exception:
                log.exception("captcha dialog")
                return False

        return app.dialogs.run(template, proc, record, None)

    def _proc(self, hwnd: int, msg: int, wparam: int) -> bool:
        if msg == win32con.WM_INITDIALOG:
            x = wintypes.RECT(100, 40, 0, 0)
            ctypes.windll.user32.MapDialogRect(hwnd, ctypes.byref(x))
            win32gui.CreateWindowEx(
                0,
                "Static",
                "",
                w.CHILD | w.SS_BITMAP | w.SS_NOTIFY,
                x.left,
                x.top,
                92,
                38,
                hwnd,
                ID_CAPTCHA_IMAGE,
                w.HINST,
                None,
            )
            self._new_image(hwnd)
            captcha_cover.cover(self.app, win32gui.GetDlgItem(hwnd, ID_CAPTCHA_IMAGE))
            win32gui.SetFocus(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT))
            return False
        if msg == win32con.WM_COMMAND:
            cid, code = w.loword(wparam), w.hiword(wparam)
            if cid == ID_CAPTCHA_IMAGE and code == w.STN_CLICKED:
                self._new_image(hwnd)
                return True
            if cid == ID_OK:
                config, stats = self.app.config, self.app.stats
                answer = w.get_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT)).strip()
                if answer == self.answer and config.captcha_rejects <= 0:
                    stats["captcha_ok"] += 1
                    win32gui.EndDialog(hwnd, ID_OK)
                else:
                    config.captcha_rejects = max(0, config.captcha_rejects - 1)
                    stats["captcha_wrong"] += 1
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_STATUS), texts.CAPTCHA_WRONG)
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT), "")
                    self._new_image(hwnd)
                return True
            if cid == ID_CANCEL:
                win32gui.EndDialog(hwnd, ID_CANCEL)
                return True
        if msg == win32con.WM_CLOSE:
            win32gui.EndDialog(hwnd, ID_CANCEL)
            return True
        return False
