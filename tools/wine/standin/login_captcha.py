"""The login window's captcha (国金/广发 builds: easytrader gj_clienttrader.py:47-80): a 92×38 image in
Static 0x5db (a click draws a new one) and its Edit 0x3eb. A code is good for one try: after any answer
the image is drawn again. Images come from the project's ``compose_captcha``, as for the copy captcha.
"""

from __future__ import annotations

import ctypes
import logging
from ctypes import wintypes
from typing import TYPE_CHECKING

import win32con
import win32gui

from . import captcha_cover
from . import win as w

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

ID_LOGIN_CAPTCHA_IMAGE = 0x5DB
ID_LOGIN_CAPTCHA_EDIT = 0x3EB


class LoginCaptcha:
    def __init__(self, app: App) -> None:
        self.app = app
        self.answer = ""

    def controls(self, y: int) -> list[list]:
        """The label and the Edit, at dialog-unit row ``y`` (the image is created at WM_INITDIALOG)."""
        return [w.label("验证码", (12, y + 2, 50, 10)), w.edit(ID_LOGIN_CAPTCHA_EDIT, (66, y, 40, 13))]

    def create(self, dlg: int, y: int) -> None:
        rect = wintypes.RECT(110, y - 4, 0, 0)
        ctypes.windll.user32.MapDialogRect(dlg, ctypes.byref(rect))
        style = w.CHILD | w.SS_BITMAP | w.SS_NOTIFY
        win32gui.CreateWindowEx(
            0, "Static", "", style, rect.left, rect.top, 92, 38, dlg, ID_LOGIN_CAPTCHA_IMAGE, w.HINST, None
        )
        self.new_image(dlg)
        captcha_cover.cover(self.app, win32gui.GetDlgItem(dlg, ID_LOGIN_CAPTCHA_IMAGE))

    def new_image(self, dlg: int) -> None:
        from ashare_gateway.simulators.captcha_compose import compose_captcha

        self.answer = f"{int(self.app.rng.integers(0, 10000)):04d}"
        hbmp = w.bitmap_from_pil(compose_captcha(self.answer, self.app.rng))
        image = win32gui.GetDlgItem(dlg, ID_LOGIN_CAPTCHA_IMAGE)
        old = win32gui.SendMessage(image, w.STM_SETIMAGE, win32con.IMAGE_BITMAP, hbmp)
        if old:
            win32gui.DeleteObject(old)

    def check(self, dlg: int) -> bool:
        """Whether the typed code is right; either way the edit is emptied and a new image drawn."""
        config, stats = self.app.config, self.app.stats
        edit = win32gui.GetDlgItem(dlg, ID_LOGIN_CAPTCHA_EDIT)
        right = w.get_text(edit).strip() == self.answer and config.login_captcha_rejects <= 0
        config.login_captcha_rejects = max(0, config.login_captcha_rejects - 1)
        key = "login_captcha_ok" if right else "login_captcha_wrong"
        stats[key] = stats.get(key, 0) + 1
        w.set_text(edit, "")
        self.new_image(dlg)
        return right
