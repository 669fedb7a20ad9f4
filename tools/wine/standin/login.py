"""The login window ``用户登录``: Edits in tab order (资金账号, 交易密码, 通讯密码 on ht), 确定/取消."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .ids import ID_CANCEL, ID_OK, LOGIN_EDIT_IDS, LOGIN_LABELS
from .login_captcha import ID_LOGIN_CAPTCHA_IMAGE, LoginCaptcha

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")


class LoginWindow:
    def __init__(self, app: App) -> None:
        self.app = app
        self.hwnd = 0
        self._procs: list = []

    def run(self) -> bool:
        """Show the login window until a login succeeds (True) or the user cancels (False)."""
        fields = self.app.build.login_fields
        controls: list[list] = []
        y = 30
        for name in fields:
            controls.append(w.label(LOGIN_LABELS[name], (12, y + 2, 50, 10)))
            controls.append(w.edit(LOGIN_EDIT_IDS[name], (66, y, 110, 13), password=name != "user"))
            y += 20
        captcha = LoginCaptcha(self.app) if self.app.config.login_captcha else None
        captcha_y = y
        if captcha is not None:
            controls += captcha.controls(y)
            y += 34
        controls.append(w.label("网上股票交易系统5.0", (12, 10, 160, 12)))
        # "确定", or "确定(Y)" / "登录(Y)" on other builds: drivers find it by ID 1, not by its text.
        controls.append(w.button(self.app.config.login_button, ID_OK, (50, y + 6, 50, 15), default=True))
        controls.append(w.button("取消", ID_CANCEL, (110, y + 6, 50, 15)))
        template = w.dialog(self.app.build.login_title, (200, y + 30), controls)

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                self.hwnd = hwnd
                if captcha is not None:
                    captcha.create(hwnd, captcha_y)
                for name, text in self.app.config.login_saved.items():
                    w.set_text(win32gui.GetDlgItem(hwnd, LOGIN_EDIT_IDS[name]), text)  # 记住账号/密码
                if self.app.config.key_lag_ms > 0:
                    for name in fields:
                        self._slow(win32gui.GetDlgItem(hwnd, LOGIN_EDIT_IDS[name]))
                if self.app.config.login_saved_password and "password" in fields:
                    # The saved password, shown masked in a disabled edit (easytrader
                    # universal_clienttrader.py:45-48 types only the account).
                    edit = win32gui.GetDlgItem(hwnd, LOGIN_EDIT_IDS["password"])
                    w.set_text(edit, self.app.config.accounts[0]["password"])
                    win32gui.EnableWindow(edit, False)
                return True
            if msg == win32con.WM_COMMAND:
                cid = w.loword(wparam)
                clicked = w.hiword(wparam) == w.STN_CLICKED
                if cid == ID_LOGIN_CAPTCHA_IMAGE and clicked and captcha is not None:
                    captcha.new_image(hwnd)
                    return True
                if cid == ID_OK:
                    if captcha is not None and not captcha.check(hwnd):
                        self.app.dialogs.message(texts.LOGIN_CAPTCHA_WRONG, parent=hwnd)
                        return True
                    values = {n: w.get_text(win32gui.GetDlgItem(hwnd, LOGIN_EDIT_IDS[n])) for n in fields}
                    self._try(hwnd, values)
                    return True
                if cid == ID_CANCEL:
                    win32gui.EndDialog(hwnd, ID_CANCEL)
                    return True
            if msg == win32con.WM_CLOSE:
                win32gui.EndDialog(hwnd, ID_CANCEL)
                return True
            return False

        result = win32gui.DialogBoxIndirect(w.HINST, template, 0, proc)
        self.hwnd = 0
        return result == ID_OK

    def _slow(self, edit: int) -> None:
        """A login edit the busy client takes ``key_lag_ms`` over every key (clients.md row 34)."""
        previous: dict[int, int] = {}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
            if msg in (win32con.WM_KEYDOWN, win32con.WM_CHAR):
                w.busy(self.app.config.key_lag_ms)
            return win32gui.CallWindowProc(previous[hwnd], hwnd, msg, wparam, lparam)

        self._procs.append(proc)  # kept alive while the window lives
        previous[edit] = win32gui.SetWindowLong(edit, win32con.GWL_WNDPROC, proc)

    def _try(self, hwnd: int, values: dict[str, str]) -> None:
        app = self.app
        if not values.get("user") or not values.get("password"):
            app.dialogs.message(texts.LOGIN_FAILED.format(reason="请输入账号和密码"), parent=hwnd)
            return
        if "comm_password" in values and not values["comm_password"]:
            app.dialogs.message(texts.NEED_COMM, parent=hwnd)
            return
        if app.backend.login(values["user"], values["password"], values.get("comm_password")):
            log.info("login %s", values["user"])
            win32gui.EndDialog(hwnd, ID_OK)
        else:
            app.dialogs.message(texts.LOGIN_FAILED.format(reason="账号或密码错误"), parent=hwnd)
