"""The flash-order dialog (闪电买入/闪电卖出): hexin's one way to trade from its own window.

How an order goes (each wait is a condition with a deadline): quick keys ``21``/``23`` + Enter in the main
window, as virtual-key codes (the 键盘精灵 ignores VK_PACKET characters) → wait for the dialog, found as a
``#32770`` owned by the main window holding the code/amount edits and a submit button captioned with our
side (its caption is empty on current builds, so never by title) → type the code over whatever the dialog
shows (select-all first: the dialog opens with the current page's stock) → wait for the client's lookup
(stock name; the client also fills its default price, which is why a given price is written only after it) →
price when given, else the client's own → amount, or for "max" 刷新 (1528) and read 可用 from the amount
field → 买入/卖出 (1006) → answer the confirm (checking it shows *our* code and amount) → the result 提示:
合同编号 from its text, any other text is the broker's rejection, passed through. The dialog is closed on
the way out, whatever happened, so the next order starts from a fresh one.

Why the desktop is asked again before each step (the quick keys, the code, the price, the amount, 1006)
and at the confirm (answered 否 when locked): a workstation locked part-way swallows the keys that follow,
while the ``WM_SETTEXT`` of price and amount and the click would still land, filling in and sending an
order on a desktop nobody watches (docs/clients.md row 35). The order stops there (``InputLost``, as the
xiadan order entry's: ``client_state.input_lost``); the dialog is closed by clicks, which land locked.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ...desktop.driver import VirtualKeyDriver
from ...desktop.waiting import wait_until
from ...domain.errors import BrokerUnavailable, GatewayError, OperationTimeout, OrderRejected
from ...domain.instruments import resolve_code
from ...domain.models import OrderAck, Side
from ...domain.rules import tick_size
from ..client_state import send_unless_lost, stop_if_input_lost
from ..ths.dialogs import DialogKind
from ..ths.popups import DIALOG_CLASS, Popup, Popups
from ..ths.timeouts import Timeouts
from . import texts
from .layouts import HexinLayout

log = logging.getLogger(__name__)

FLOW_STEPS = 12  # pop-ups one order may meet before the flow is declared stuck
_CODE_IN_TEXT = re.compile(r"证券代码\s*[:：]\s*(\d{6})")
_AMOUNT_IN_TEXT = re.compile(r"数量\s*[:：]\s*(\d+)")
_DIGITS = re.compile(r"^\d+$")


class FlashOrders:
    """Drives the flash-order dialog of one hexin.exe. ``own`` holds the handles that are not pop-ups."""

    def __init__(self, driver: VirtualKeyDriver, popups: Popups, timeouts: Timeouts, own: set[int]) -> None:
        self.driver = driver
        self.popups = popups
        self.timeouts = timeouts
        self._own = own

    # ------------------------------------------------------------------ the two operations
    def place(
        self, main: int, layout: HexinLayout, side: Side, code: str, price: Decimal | None, amount: int
    ) -> OrderAck:
        with self._dialog(main, layout, side) as dialog:
            self._fill(dialog, layout, code, price)
            self._write(dialog, layout.flash.amount, str(amount), "委托数量")
            submit = self._control(dialog, layout.flash.submit, "委托按钮")
            stop_if_input_lost(self.driver)  # a lock since the amount: the fields may not hold the order
            self.driver.click(submit)
            return self._outcome(code, amount)

    def max_amount(self, main: int, layout: HexinLayout, side: Side, code: str, price: Decimal | None) -> int:
        """可用: what the client says can be traded at this price (刷新, then the amount field)."""
        with self._dialog(main, layout, side) as dialog:
            self._fill(dialog, layout, code, price)
            ids = layout.flash
            amount = self._control(dialog, ids.amount, "委托数量输入框")
            self.driver.set_text(amount, "")
            self.driver.click(self._control(dialog, ids.refresh, "刷新按钮"))
            try:
                text = self._wait(
                    lambda: (t := self.driver.get_text(amount).strip()) and _DIGITS.match(t) and t,
                    self.timeouts.query,
                    "刷新后可用数量出现",
                )
            except OperationTimeout:
                raise BrokerUnavailable(texts.NO_MAX.format(side=side.label)) from None
            return int(text)

    # ------------------------------------------------------------------ steps
    @contextmanager
    def _dialog(self, main: int, layout: HexinLayout, side: Side) -> Iterator[int]:
        title = layout.flash_titles[side]
        send_unless_lost(self.driver, lambda: self.driver.press_keys(main, layout.quick_keys[side]))
        try:
            dialog = self._wait(
                lambda: self._find_dialog(main, layout, side),
                self.timeouts.control,
                f"{title}对话框出现",
            )
        except OperationTimeout:
            raise BrokerUnavailable(
                texts.NO_FLASH_DIALOG.format(title=title, keys=layout.quick_keys[side])
            ) from None
        self._own.add(dialog)
        try:
            yield dialog
        finally:
            self._close(dialog, layout)
            self._own.discard(dialog)

    def _find_dialog(self, main: int, layout: HexinLayout, side: Side) -> int | None:
        """The flash dialog for ``side``: owner, class and controls, whatever its caption says.

        The submit button's caption names the side (买入/卖出): a dialog of the other side (one left open,
        or the wrong quick code) is not ours, so a sell is never placed from a 闪电买入.
        """
        ids = layout.flash
        for w in self.driver.top_windows():
            if w.class_name != DIALOG_CLASS or w.owner != main:
                continue
            if any(self.driver.find_control(w.handle, control_id=i) is None for i in (ids.code, ids.amount)):
                continue
            submit = self.driver.find_control(w.handle, control_id=ids.submit)
            if submit is not None and side.label in self.driver.get_text(submit):
                return w.handle
        return None

    def _close(self, dialog: int, layout: HexinLayout) -> None:
        """Close the dialog if the client left it open (it does after a rejection), never raising."""
        try:
            if not any(w.handle == dialog for w in self.driver.top_windows()):
                return
            for handle in self.popups.handles():  # a stray 提示 above it would swallow the click
                self.popups.dismiss(self.popups.read(handle))
            cancel = self.driver.find_control(dialog, control_id=layout.flash.cancel)
            if cancel is not None:
                self.driver.click(cancel)
            else:
                self.driver.close_window(dialog)
            self._wait(
                lambda: all(w.handle != dialog for w in self.driver.top_windows()),
                self.timeouts.dialog_close,
                "闪电下单对话框关闭",
            )
        except GatewayError:
            log.warning("the flash-order dialog did not close", exc_info=True)

    def _fill(self, dialog: int, layout: HexinLayout, code: str, price: Decimal | None) -> None:
        ids = layout.flash
        edit = self._control(dialog, ids.code, "证券代码输入框")
        # Typed keys start the client's lookup; select-all first replaces the code the dialog opened with.
        send_unless_lost(self.driver, lambda: self.driver.type_keys(edit, "^a" + code))
        self._wait_typed(lambda: self.driver.get_text(edit) == code, self.timeouts.field, "证券代码写入")
        try:
            name = self._control(dialog, ids.name, "证券名称")
            self._wait_typed(lambda: self.driver.get_text(name).strip(), self.timeouts.lookup, "证券名称出现")
        except OperationTimeout:
            raise OrderRejected(texts.BAD_CODE.format(code=code)) from None
        if price is not None:
            self._write(dialog, ids.price, _price_text(price, code), "委托价格")

    def _write(self, dialog: int, control_id: int, text: str, what: str) -> None:
        handle = self._control(dialog, control_id, f"{what}输入框")
        stop_if_input_lost(self.driver)
        self.driver.set_text(handle, text)
        self._wait(lambda: self.driver.get_text(handle) == text, self.timeouts.field, f"{what}写入")

    def _outcome(self, code: str, amount: int) -> OrderAck:
        deadline = time.monotonic() + self.timeouts.dialog
        for _ in range(FLOW_STEPS):
            try:
                popup = self.popups.next(max(0.0, deadline - time.monotonic()), "委托结果对话框出现")
            except OperationTimeout as exc:
                raise OperationTimeout(exc.message + texts.UNKNOWN_OUTCOME) from exc
            kind = popup.kind
            if kind is DialogKind.CONFIRM:
                self._check_confirm(popup, code, amount)
                self.popups.accept(popup)
            elif kind is DialogKind.RISK:
                self.popups.accept(popup)
            elif kind is DialogKind.SUCCESS:
                self.popups.acknowledge(popup)
                contract = popup.classified.contract_no
                if not contract:
                    raise OperationTimeout(texts.NO_CONTRACT.format(text=popup.classified.message))
                return OrderAck(contract_no=contract, entrust_no=contract, message=popup.classified.message)
            elif kind is DialogKind.REJECTED:
                self.popups.acknowledge(popup)
                raise OrderRejected(popup.classified.message)
            else:
                log.warning("unexpected pop-up during a flash order: %s", popup.classified.message)
                self.popups.dismiss(popup)
        raise OperationTimeout(texts.TOO_MANY_POPUPS + texts.UNKNOWN_OUTCOME)

    def _check_confirm(self, popup: Popup, code: str, amount: int) -> None:
        self.popups.decline_if_input_lost(popup)  # 否 before any other check
        text = popup.classified.text
        shown_code = _CODE_IN_TEXT.search(text)
        shown_amount = _AMOUNT_IN_TEXT.search(text)
        wrong_code = shown_code is not None and shown_code.group(1) != code
        wrong_amount = shown_amount is not None and int(shown_amount.group(1)) != amount
        if wrong_code or wrong_amount:
            self.popups.decline(popup)
            raise OrderRejected(texts.CONFIRM_MISMATCH.format(text=popup.classified.message))

    # ------------------------------------------------------------------ helpers
    def _control(self, dialog: int, control_id: int, what: str) -> int:
        return self._wait(
            lambda: self.driver.find_control(dialog, control_id=control_id),
            self.timeouts.control,
            f"{what}（{control_id}）出现",
        )

    def _wait(self, probe: Callable[[], object], timeout: float, what: str) -> Any:
        return wait_until(probe, timeout=timeout, what=what, max_interval=self.timeouts.poll_max)

    def _wait_typed(self, probe: Callable[[], object], timeout: float, what: str) -> Any:
        """``_wait`` for what typed keys should bring about, before the order is submitted: a lock that
        landed part-way through the keys swallowed the rest, so the code never reads back (or is looked
        up as another one); then the lock is the answer (``InputLost``: nothing was sent), not a
        timeout or a code refused. Never used after 1006: a lock then does not mean nothing was sent."""
        try:
            return self._wait(probe, timeout, what)
        except OperationTimeout:
            stop_if_input_lost(self.driver)
            raise


def _price_text(price: Decimal, code: str) -> str:
    places = 3 if tick_size(resolve_code(code)) < Decimal("0.01") else 2
    return f"{price:.{places}f}"
