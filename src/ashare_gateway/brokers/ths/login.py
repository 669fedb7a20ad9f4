"""The login window: type the account and passwords, solve a login captcha, click 确定/登录, read the answer.

Why apart from the session: the login window differs most between brokers. What is handled here:

- every field is *typed* (``{HOME}+{END}{BACKSPACE}`` then the keys): some builds ignore WM_SETTEXT in
  their login edits (easytrader types them: ht_clienttrader.py:46-47, gf_clienttrader.py:46-47);
  passwords are never logged and never sent by WM_SETTEXT;
- universal builds that keep the saved password show it in a disabled edit: nothing is typed into a
  disabled edit, the login goes on with what the client holds (easytrader universal_clienttrader.py
  types only the account, :45-48);
- 国金/广发 show a captcha on the login window (image 0x5db, Edit 0x3eb: easytrader
  gj_clienttrader.py:47-80, gf_clienttrader.py:48-84). It is read with the shipped recogniser and
  typed; a pop-up naming the 验证码 means a wrong reading: it is answered, a new image is asked for
  (a click on the image, as easytrader does) and the code read again, ``LoginCaptchaIds.attempts``
  times at most. Any other pop-up is the broker's refusal (401).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...desktop.driver import ControlInfo, literal_keys
from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable, ClientBusy, OperationTimeout
from ..base import Credentials

if TYPE_CHECKING:
    from .session import ClientSession

log = logging.getLogger(__name__)

DIALOG_CLASS = "#32770"  # the Win32 dialog-box window class: message boxes, the login window
LOGIN_CAPTCHA_FAILED = "登录验证码识别失败（已尝试{n}次）"


def button_label(text: str) -> str:
    """A button's caption without its accelerator: "确定(Y)", "登录(&Y)", "确定" → "确定"/"登录"."""
    return re.sub(r"\s*[(（]&?[A-Za-z][)）]\s*$|&", "", text).strip()


class LoginWindow:
    """Fill and submit the client's login window once; the main window's handle on success."""

    def __init__(self, session: ClientSession, recognizer: Callable[[], object] | None) -> None:
        self.session = session
        self.driver = session.driver
        self.layout = session.layout
        self.timeouts = session.timeouts
        self.recognizer = recognizer

    def _try_keys(self, handle: int, keys: str) -> bool:
        """Send keys to a login field; False while the window is too busy to take them."""
        try:
            self.driver.type_keys(handle, keys)
        except ClientBusy:
            return False
        return True

    def _try_write(self, handle: int, text: str) -> bool:
        """Type into a login field. Password edits cannot be read back from another process, so this
        only says the keys went out; False while the window is too busy to take them."""
        return self._try_keys(handle, self.layout.keys.clear_edit + literal_keys(text))

    def _responds(self, handle: int) -> bool:
        """Whether the window answers a sent message (WM_GETTEXTLENGTH) in time."""
        try:
            self.driver.text_length(handle)
        except ClientBusy:
            return False
        return True

    def _empty(self, handle: int, what: str) -> None:
        """Empty a field that holds anything (a saved account or password) and wait until it reads empty.

        Why: typed keys are queued input and a read-back is answered before them, so over a saved account
        equal to ours (or a saved password of the same length) the read-back would pass at once, and the
        keys still queued would land in the next field or the captcha edit once that has the focus. From
        an empty field the read-back can only pass once the keys have landed. The length, not the text:
        a password edit tells another process only its length (WM_GETTEXTLENGTH).
        """
        if self.driver.text_length(handle) == 0:
            return
        clear = self.layout.keys.clear_edit
        self.timeouts.wait(lambda: self._try_keys(handle, clear), self.timeouts.login, "登录窗口响应")
        self.timeouts.wait(lambda: self.driver.text_length(handle) == 0, self.timeouts.field, f"{what}清空")

    def _write(self, edit: ControlInfo, text: str, name: str) -> None:
        what = "账号" if name == "user" else "密码"
        # A client is often busy for seconds after showing its login window (network checks): a write
        # it does not answer in time is retried until the login deadline.
        self.timeouts.wait(lambda: self._responds(edit.handle), self.timeouts.login, "登录窗口响应")
        self._empty(edit.handle, what)
        self.timeouts.wait(lambda: self._try_write(edit.handle, text), self.timeouts.login, "登录窗口响应")
        # Typed keys are input, handled after any sent or posted message: before the next field takes
        # the focus (or the button is clicked) the client must have taken these. The account reads
        # back; a password edit only tells its length.
        if name == "user":
            self.timeouts.wait(
                lambda: self.driver.get_text(edit.handle) == text, self.timeouts.field, "账号写入"
            )
        else:
            self.timeouts.wait(
                lambda: self.driver.text_length(edit.handle) == len(text), self.timeouts.field, "密码写入"
            )

    def run(self, credentials: Credentials) -> int:
        pattern = re.compile(self.layout.login_title_re)
        window = self.timeouts.wait_for_start(
            lambda: next((w.handle for w in self.driver.top_windows() if pattern.search(w.title)), None),
            self.timeouts.start,
            "登录窗口出现",
        )
        self.session._login_window = window
        try:
            return self._fill(window, credentials)
        finally:
            self.session._login_window = None

    def _fill(self, window: int, credentials: Credentials) -> int:
        ids = self.layout.login_captcha
        fields = self.layout.login_fields
        edits = self.timeouts.wait(
            lambda: (
                (
                    e := [
                        c
                        for c in self.driver.children(window)
                        if c.class_name == "Edit" and c.control_id != ids.edit
                    ]
                )
                and len(e) >= len(fields)
                and e
            ),
            self.timeouts.control,
            "登录输入框出现",
        )
        values = {
            "user": credentials.user,
            "password": credentials.password,
            "comm_password": credentials.comm_password or "",
        }
        for name, edit in zip(fields, edits, strict=False):
            if not edit.enabled:
                log.info("login field %s is disabled (a saved password): left as the client holds it", name)
                continue
            self._write(edit, values[name], name)
        button = next(
            (
                c.handle
                for c in self.driver.children(window)
                if c.class_name == "Button" and button_label(c.text) in self.layout.login_button_titles
            ),
            None,
        )
        if button is None:
            raise BrokerUnavailable("登录窗口中找不到确定按钮")
        captcha = self._captcha_controls(window)
        for attempt in range(ids.attempts if captcha else 1):
            if captcha:
                self._enter_captcha(*captcha, fresh=attempt > 0)
            self.driver.click(button)
            what, handle = self.timeouts.wait(self._outcome, self.timeouts.login, "登录完成")
            if what == "main":
                return handle
            popup = self.session.popups.read(handle)
            self.session.popups.acknowledge(popup)
            text = popup.classified.message
            if not (captcha and any(word in text for word in ids.wrong_words)):
                raise BrokerUnavailable(f"{msg.LOGIN_FAILED}（{text}）", status_code=401)
            log.info("login captcha refused (attempt %d)", attempt + 1)
        raise BrokerUnavailable(LOGIN_CAPTCHA_FAILED.format(n=ids.attempts), status_code=401)

    def _outcome(self) -> tuple[str, int] | None:
        main = self.session.find_main()
        if main is not None:
            return ("main", main)
        # Only real dialog boxes count as the login's answer: a main window not yet showing its title
        # must never be taken for a pop-up (and closed).
        dialogs = {w.handle for w in self.driver.top_windows() if w.class_name == DIALOG_CLASS}
        popups = [h for h in self.session.popups.handles() if h in dialogs]
        return ("popup", popups[0]) if popups else None

    def _captcha_controls(self, window: int) -> tuple[int, int] | None:
        ids = self.layout.login_captcha
        image = self.driver.find_control(window, control_id=ids.image)
        edit = self.driver.find_control(window, control_id=ids.edit)
        return (image, edit) if image is not None and edit is not None else None

    def _enter_captcha(self, image: int, edit: int, *, fresh: bool) -> None:
        """Read the login captcha and type it; ``fresh``: ask for a new image first (after a refusal)."""
        if self.recognizer is None:
            raise BrokerUnavailable("登录窗口要求输入验证码，但没有可用的验证码识别器")
        from .captcha import CaptchaUnreadable

        recognizer = self.recognizer()
        old = self.driver.capture_image(image) if fresh else None
        for _ in range(self.layout.login_captcha.attempts):
            if old is not None:
                self.driver.click(image)  # a new image (easytrader clicks it before every capture)
                # The client may have drawn it already after the refusal: then read what is shown.
                with contextlib.suppress(OperationTimeout):
                    self.timeouts.wait(
                        lambda old=old: self.driver.capture_image(image) != old,
                        self.timeouts.field,
                        "新验证码",
                    )
            png = self.driver.capture_image(image)
            try:
                code = recognizer.read(png)  # type: ignore[attr-defined]
            except CaptchaUnreadable:
                old = png
                continue
            self._write_code(edit, code)
            return
        raise BrokerUnavailable(
            LOGIN_CAPTCHA_FAILED.format(n=self.layout.login_captcha.attempts), status_code=401
        )

    def _write_code(self, edit: int, code: str) -> None:
        self.timeouts.wait(lambda: self._responds(edit), self.timeouts.login, "登录窗口响应")
        self._empty(edit, "验证码")
        self.timeouts.wait(lambda: self._try_write(edit, code), self.timeouts.login, "登录窗口响应")
        self.timeouts.wait(lambda: self.driver.get_text(edit) == code, self.timeouts.field, "验证码写入")
