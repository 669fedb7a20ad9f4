"""Read the client's data grid as text: clipboard copy or save-as export, solving the captcha on the way.

Why both: some builds refuse one of them, and both can be guarded by a 4-digit captcha
(client-automation.md §3). Copy: empty the clipboard first (so stale text can never be mistaken for the
table), Ctrl+A Ctrl+C, wait for text or a captcha; the IME can swallow the keys, so a copy that yields
nothing is retried. Save: Ctrl+S, type a fresh temp path into the save dialog, 保存, wait for the file.
The caller checks the header to know the table is the one it asked for.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from ...desktop.driver import DesktopDriver
from ...domain.errors import BrokerUnavailable, OperationTimeout
from .dialogs import DialogKind
from .layouts import Layout
from .popups import Popup, Popups
from .tables import decode_bytes
from .timeouts import Timeouts

log = logging.getLogger(__name__)

CAPTCHA_ATTEMPTS = 6
COPY_ATTEMPTS = 3


ID_EDIT_COPY = 0xE122  # MFC's Edit→Copy command id


class CaptchaFailed(BrokerUnavailable):
    """The copy/save captcha could not be solved in a few tries."""


class CopyRefused(BrokerUnavailable):
    """This way of reading the grid produced nothing usable: the next way is tried."""


class ReadMethod(StrEnum):
    COMMAND = "0xE122复制"
    KEYS = "Ctrl+C复制"
    SAVE = "另存为导出"


class GridReader:
    def __init__(
        self,
        driver: DesktopDriver,
        layout: Layout,
        popups: Popups,
        timeouts: Timeouts,
        recognizer: Callable[[], object],
        export_dir: str | None = None,
    ) -> None:
        self.driver = driver
        self.layout = layout
        self.popups = popups
        self.timeouts = timeouts
        self._recognizer_factory = recognizer
        self._recognizer: object | None = None
        self.export_dir = export_dir
        self.captchas_solved = 0
        self._preferred: ReadMethod | None = None  # the way that worked last; None: the layout's order

    def read(self, grid: int) -> str:
        """The grid as text, by the first way that works this time, falling back within this one read.

        Order: ``WM_COMMAND 0xE122`` posted to the grid (no keys: focus, IME and Ctrl timing cannot
        lose it; easytrader WMCopy, grid_strategies.py:160), then Ctrl+A / Ctrl+C as keys, then the
        save-as export (builds that refuse copy). The way that worked is tried first next time.
        """
        order = self._order()
        methods = [m for m in (self._preferred, *order) if m is not None]
        methods = list(dict.fromkeys(methods))
        failures: list[str] = []
        for method in methods:
            try:
                text = self._by(method, grid)
            except (OperationTimeout, CopyRefused) as exc:
                log.info("grid read by %s failed (%s): falling back", method.value, exc)
                failures.append(f"{method.value}：{exc}")
                continue
            self._preferred = method
            return text
        raise OperationTimeout("读取表格失败（" + "；".join(failures) + "）")

    def forget_preference(self) -> None:
        """Start again from the layout's order (after the layout changed)."""
        self._preferred = None

    def _order(self) -> list[ReadMethod]:
        if self.layout.grid_read == "save":
            return [ReadMethod.SAVE, ReadMethod.COMMAND, ReadMethod.KEYS]
        return [ReadMethod.COMMAND, ReadMethod.KEYS, ReadMethod.SAVE]

    def _by(self, method: ReadMethod, grid: int) -> str:
        if method is ReadMethod.COMMAND:
            return self.copy_by_command(grid)
        if method is ReadMethod.KEYS:
            return self.copy(grid)
        return self.save(grid)

    # --- copy ------------------------------------------------------------------------------------
    def copy_by_command(self, grid: int) -> str:
        """Post Edit→Copy (0xE122) to the grid and wait for the clipboard (or the copy captcha)."""
        self.driver.clear_clipboard()
        self.driver.send_command(grid, ID_EDIT_COPY)
        return self._await_clipboard("表格复制到剪贴板（0xE122）")

    def copy(self, grid: int) -> str:
        """Ctrl+A, then Ctrl+C, as two separate sends (one burst loses the second chord: the client
        reads Ctrl with GetAsyncKeyState); the IME can eat the first Ctrl+C, so a copy that yields
        nothing is sent again."""
        keys = self.layout.keys
        for attempt in range(COPY_ATTEMPTS):
            self.driver.clear_clipboard()
            self.driver.type_keys(grid, keys.select_all)
            self.driver.type_keys(grid, keys.copy)
            try:
                return self._await_clipboard("表格复制到剪贴板")
            except OperationTimeout:
                log.info("copy attempt %d produced nothing (keys lost?), retrying", attempt + 1)
        raise OperationTimeout(f"复制表格失败（已尝试{COPY_ATTEMPTS}次）")

    def copy_selection(self, grid: int) -> str:
        """Ctrl+C alone: the selected row (or, on builds that copy everything, the whole grid).

        Keys are queued input, handled in order: once this copy arrives, every key sent to the grid
        before it has been handled. How a cancel proves its row is selected before it clicks 撤单.
        """
        for attempt in range(COPY_ATTEMPTS):
            self.driver.clear_clipboard()
            self.driver.type_keys(grid, self.layout.keys.copy)
            try:
                return self._await_clipboard("所选行复制到剪贴板")
            except OperationTimeout:
                log.info("selection copy attempt %d produced nothing, retrying", attempt + 1)
        raise OperationTimeout(f"复制所选行失败（已尝试{COPY_ATTEMPTS}次）")

    def _await_clipboard(self, what: str) -> str:
        got = self.timeouts.wait(
            lambda: self.driver.get_clipboard() or self._captcha_popup(), self.timeouts.copy, what
        )
        if isinstance(got, Popup):
            self.solve_captcha(got)
            got = self.timeouts.wait(self.driver.get_clipboard, self.timeouts.copy, "验证码通过后表格复制")
        return got

    # --- save ------------------------------------------------------------------------------------
    def save(self, grid: int) -> str:
        folder = Path(self.export_dir or tempfile.gettempdir())
        path = folder / f"ashare-grid-{uuid.uuid4().hex}.xls"
        self.driver.type_keys(grid, self.layout.keys.save)
        popup = self.popups.next(self.timeouts.dialog, "另存为对话框出现")
        if popup.kind is DialogKind.CAPTCHA:
            self.solve_captcha(popup)
            popup = self.popups.next(self.timeouts.dialog, "另存为对话框出现")
        if popup.kind is not DialogKind.SAVE_AS:
            self.popups.dismiss(popup)
            raise BrokerUnavailable(f"保存表格时出现意外对话框：{popup.classified.message}")
        d = self.layout.dialogs
        # The classic dialog's name edit is 1152; the Vista-style one has none: take its first Edit
        # (easytrader's Xls strategy types into Edit1, grid_strategies.py:195).
        name = self.driver.find_control(popup.handle, control_id=d.save_filename)
        if name is None:
            name = self.driver.find_control(popup.handle, class_name="Edit")
        if name is None:
            self.popups.decline(popup)
            raise BrokerUnavailable("另存为对话框中找不到文件名输入框")
        self.driver.set_text(name, str(path))
        self.timeouts.wait(lambda: self.driver.get_text(name) == str(path), self.timeouts.field, "文件名写入")
        self.driver.click(popup.buttons[d.save_button])
        try:
            self.timeouts.wait(
                lambda: _size(path) > 0 and popup.handle not in self.popups.handles(),
                self.timeouts.save,
                "导出文件写入",
            )
            return decode_bytes(path.read_bytes())
        finally:
            if path.exists():
                path.unlink()

    # --- captcha ---------------------------------------------------------------------------------
    def solve_captcha(self, popup: Popup) -> None:
        """Read the image, type the digits, OK; on a refusal the client shows a new image: try again."""
        d = self.layout.dialogs
        recognizer = self._get_recognizer()
        image = self.driver.find_control(popup.handle, control_id=d.captcha_image)
        edit = self.driver.find_control(popup.handle, control_id=d.captcha_edit)
        if image is None or edit is None:
            self.popups.decline(popup)
            raise CaptchaFailed("验证码对话框缺少图片或输入框")
        from .captcha import CaptchaUnreadable

        for attempt in range(CAPTCHA_ATTEMPTS):
            png = self.driver.capture_image(image)
            try:
                code = recognizer.read(png)  # type: ignore[attr-defined]
            except CaptchaUnreadable:
                self.driver.click(image)  # a new image
                self.timeouts.wait(
                    lambda png=png: self.driver.capture_image(image) != png, self.timeouts.field, "新验证码"
                )
                continue
            self.driver.set_text(edit, code)
            self.timeouts.wait(
                lambda code=code: self.driver.get_text(edit) == code, self.timeouts.field, "验证码写入"
            )
            self.driver.click(popup.buttons[d.ok])
            outcome = self.timeouts.wait(
                lambda: self._captcha_outcome(popup.handle, edit), self.timeouts.dialog_close, "验证码结果"
            )
            if outcome == "ok":
                self.captchas_solved += 1
                return
            log.info("captcha %s refused (attempt %d)", code, attempt + 1)
            _keep_failure(recognizer, png, code)
        self.popups.decline(popup)
        raise CaptchaFailed(f"验证码识别失败（已尝试{CAPTCHA_ATTEMPTS}次）")

    def _captcha_outcome(self, dialog: int, edit: int) -> str | None:
        """'ok' once the dialog is gone; 'retry' when it is still up with its input cleared (refused).

        The edit is read *before* the dialog is listed: if the client closes the dialog in between, the
        dead edit reads "" but the dialog is then seen gone, so an accepted answer is never taken for a
        refusal (a race seen under Wine on most reads).
        """
        try:
            cleared = self.driver.get_text(edit) == ""
        except BrokerUnavailable:  # the edit is already destroyed: the dialog is closing or gone
            cleared = False
        if dialog not in self.popups.handles():
            return "ok"
        return "retry" if cleared else None

    def _captcha_popup(self) -> Popup | None:
        for handle in self.popups.handles():
            popup = self.popups.read(handle)
            if popup.kind is DialogKind.CAPTCHA:
                return popup
        return None

    def _get_recognizer(self) -> object:
        if self._recognizer is None:
            self._recognizer = self._recognizer_factory()
        return self._recognizer


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _keep_failure(recognizer: object, png: bytes, guess: str) -> None:
    """Keep a refused captcha for retraining when the recogniser has a failures folder."""
    save = getattr(recognizer, "save_failure", None)
    if save is None:
        return
    try:
        save(png, "refused", guess=guess)
    except Exception:
        log.debug("could not keep the refused captcha", exc_info=True)
