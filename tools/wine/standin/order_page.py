"""The order pages (买入, 卖出, 市价委托 买入/卖出): code 1032, price 1033, amount 1034, submit 1006,
name 1036, 可买 1018 / 可卖 1038, exchange combo 1003, market-type combo 1541.

The code lookup fills the name, the price and 可买/可卖 (the name last: it is what callers wait for). The
ht build starts it on typed keys only (WM_SETTEXT does not trigger it), the universal build on any change.
Submitting walks the client's own checks, the 风险提示, the 委托确认 and the result 提示.
"""

from __future__ import annotations

import logging
from typing import Any

import win32con
import win32gui

from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.instruments import Board, Market
from ashare_gateway.domain.market_orders import match_label
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .backend import parse_decimal, side_of
from .dialogs import ID_TEXT_CONFIRM
from .ids import ID_EXCHANGE_COMBO, ID_YES, LOOKUP_TIMER
from .page import Page

log = logging.getLogger("standin")

ORDER_EDITS = (1032, 1033, 1034)  # code, price (保护限价 on market pages), amount


class OrderPage(Page):
    kind = "order"
    grid_top = 150

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.side = side_of(self.name)
        self.looked_up: str | None = None  # the code the name/price/可买 currently describe
        self._subclassed: dict[int, Any] = {}
        self._internal = False  # the client itself is writing into an edit

    @property
    def quantity_id(self) -> int:
        return 1018 if self.side is Side.BUY else 1038

    def controls(self) -> list[list]:
        verb = self.side.label
        controls = [
            w.label("证券代码", (10, 12, 40, 10)),
            w.edit(1032, (55, 10, 70, 13)),
            w.label("", (130, 12, 80, 10), 1036),
            w.label(self.price_label(), (10, 30, 40, 10)),
            w.edit(1033, (55, 28, 70, 13)),
            w.label("可买(股)" if self.side is Side.BUY else "可卖(股)", (10, 48, 40, 10)),
            w.label("", (55, 48, 70, 10), self.quantity_id),
            w.label(f"{verb}数量", (10, 66, 40, 10)),
            w.edit(1034, (55, 64, 70, 13)),
            w.label("交易市场", (10, 84, 40, 10)),
            w.combo(ID_EXCHANGE_COMBO, (55, 82, 70, 60)),
            *self.extra_controls(),
            w.button(verb, 1006, (55, 120, 60, 15), default=True),
        ]
        return controls

    def price_label(self) -> str:
        return f"{self.side.label}价格"

    def extra_controls(self) -> list[list]:
        return []

    def after_create(self) -> None:
        w.combo_fill(self.ctrl(ID_EXCHANGE_COMBO), ["上海Ａ股", "深圳Ａ股"], 0)
        for cid in ORDER_EDITS:
            self._subclass_edit(cid)

    def focus_target(self) -> int:
        return self.ctrl(1032)

    def on_command(self, cid: int, code: int) -> bool:
        if cid == 1032 and code == win32con.EN_CHANGE:
            if self.app.build.settext_triggers_lookup:
                self.schedule_lookup()
            elif self.looked_up and w.get_text(self.ctrl(1032)) != self.looked_up:
                self.clear_lookup()
            return True
        if cid == 1006 and code == win32con.BN_CLICKED:
            self.submit()
            return True
        return False

    def on_timer(self, timer_id: int) -> bool:
        if timer_id != LOOKUP_TIMER:
            return False
        w.kill_timer(self.hwnd, LOOKUP_TIMER)
        self.lookup()
        return True

    # --- code lookup ---------------------------------------------------------------------------------
    @property
    def settext_ignored(self) -> bool:
        value = self.app.config.settext_ignored
        return bool(getattr(self.app.build, "settext_ignored", False) if value is None else value)

    @property
    def edit_ctrl_a(self) -> bool:
        value = self.app.config.edit_ctrl_a
        return bool(getattr(self.app.build, "edit_ctrl_a", True) if value is None else value)

    def set_field(self, cid: int, text: str) -> None:
        """The client's own writes into its edits (price fill, clearing after an order) always land."""
        self._internal = True
        try:
            w.set_text(self.ctrl(cid), text)
        finally:
            self._internal = False

    def _subclass_edit(self, cid: int) -> None:
        """How the real edits differ from plain ones: typed characters trigger the code lookup on the ht
        build (WM_SETTEXT alone does not); newer universal builds ignore WM_SETTEXT/EM_REPLACESEL from
        other programs altogether (easytrader #447/#449: only typed keys change a field) and some
        ignore Ctrl+A ("某些控件不支持 Ctrl+A", xiadan-gateway window_service.py:568)."""
        edit = self.ctrl(cid)
        lookup_on_char = cid == 1032 and not self.app.build.settext_triggers_lookup

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
            if msg in (win32con.WM_KEYDOWN, win32con.WM_CHAR):
                w.busy(self.app.config.key_lag_ms)
            from_outside = msg in (win32con.WM_SETTEXT, win32con.EM_REPLACESEL) and not self._internal
            if from_outside and self.settext_ignored:
                self.app.stats["settext_ignored"] += 1
                return 1 if msg == win32con.WM_SETTEXT else 0
            if not self.edit_ctrl_a and (
                (msg == win32con.WM_CHAR and wparam == 1)
                or (msg == win32con.WM_KEYDOWN and wparam == ord("A") and w.ctrl_down())
            ):
                return 0
            result = win32gui.CallWindowProc(self._subclassed[hwnd], hwnd, msg, wparam, lparam)
            if msg == win32con.WM_CHAR and lookup_on_char:
                self.schedule_lookup()
            return result

        self._subclassed[edit] = win32gui.SetWindowLong(edit, win32con.GWL_WNDPROC, proc)

    def schedule_lookup(self) -> None:
        code = w.get_text(self.ctrl(1032)).strip()
        if len(code) != 6:
            self.clear_lookup()
            return
        delay = self.app.config.lookup_delay_ms
        if delay > 0:
            w.set_timer(self.hwnd, LOOKUP_TIMER, delay)
        else:
            self.lookup()

    def clear_lookup(self) -> None:
        self.looked_up = None
        w.set_text(self.ctrl(1036), "")
        w.set_text(self.ctrl(self.quantity_id), "")

    def lookup(self) -> None:
        backend = self.app.backend
        code = w.get_text(self.ctrl(1032)).strip()
        info = backend.lookup(code)
        if info is None:
            self.clear_lookup()
            return
        self.app.stats["lookups"] += 1
        price = info.last
        price_text = f"{price:.3f}" if price.as_tuple().exponent <= -3 else f"{price:.2f}"
        self.fill_price(price_text)
        win32gui.SendMessage(
            self.ctrl(ID_EXCHANGE_COMBO), win32con.CB_SETCURSEL, 0 if info.market is Market.SH else 1, 0
        )
        if self.side is Side.BUY:
            w.set_text(self.ctrl(1018), str(backend.buyable(price)))
        else:
            w.set_text(self.ctrl(1038), str(backend.sellable(code)))
        self.after_lookup(code)
        self.looked_up = code
        w.set_text(self.ctrl(1036), info.name)  # last: the name is what callers wait for

    def fill_price(self, price_text: str) -> None:
        self.set_field(1033, price_text)

    def after_lookup(self, code: str) -> None:
        """Market pages fill their order-type combo here."""

    # --- submit ----------------------------------------------------------------------------------------
    def order_terms(self, code: str, info) -> tuple[dict, str] | None:
        """(OrderRequest keyword arguments, the confirm's detail lines), or None after a refusal pop-up."""
        message = self.app.dialogs.message
        price = parse_decimal(w.get_text(self.ctrl(1033)))
        if price is None or price <= 0:
            message(texts.BAD_PRICE)
            return None
        detail = texts.CONFIRM_PRICE.format(side=self.side.label, price=w.get_text(self.ctrl(1033)).strip())
        return {"price": price}, detail

    def submit(self) -> None:
        app = self.app
        dialogs = app.dialogs
        code = w.get_text(self.ctrl(1032)).strip()
        name = w.get_text(self.ctrl(1036))
        if not code or self.looked_up != code or not name:
            dialogs.message(texts.NO_CODE)
            return
        amount_text = w.get_text(self.ctrl(1034)).strip()
        if not amount_text.isdigit() or int(amount_text) <= 0:
            dialogs.message(texts.BAD_AMOUNT)
            return
        amount = int(amount_text)
        terms = self.order_terms(code, app.backend.lookup(code))
        if terms is None:
            return
        kwargs, detail = terms
        dialogs.show_pending()
        if (
            code in app.config.risk_codes
            and dialogs.modal(texts.RISK_TITLE, texts.RISK.format(code=code), "yesno") != ID_YES
        ):
            return
        if app.config.confirm:
            text = texts.CONFIRM.format(
                side=self.side.label,
                account=app.backend.account_label,
                code=code,
                name=name,
                detail=detail,
                amount=amount,
            )
            if dialogs.modal(texts.CONFIRM_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
                return
        request = OrderRequest(code=code, side=self.side, amount=amount, **kwargs)
        try:
            ack = app.backend.place(request)
        except GatewayError as exc:
            log.info("order refused: %s", exc.message)
            dialogs.message(exc.message)
            return
        except Exception as exc:
            log.exception("order failed")
            dialogs.message(f"委托失败：{exc}")
            return
        app.stats["orders"] += 1
        for cid in ORDER_EDITS:
            self.set_field(cid, "")
        self.clear_lookup()
        self.refresh()
        dialogs.result(app.build.order_ok.format(side=self.side.label, contract_no=ack.contract_no))


class MarketPage(OrderPage):
    """市价委托: the order type in combo 1541 (labels per board from the build), 保护限价 in 1033."""

    kind = "market"

    def price_label(self) -> str:
        return "保护限价"

    def extra_controls(self) -> list[list]:
        return [w.label("报价方式", (10, 102, 40, 10)), w.combo(1541, (55, 100, 130, 90))]

    def fill_price(self, price_text: str) -> None:
        """The market page leaves 保护限价 to the user."""

    def after_lookup(self, code: str) -> None:
        labels = list(self.app.backend.market_labels(code)) or ["不支持市价委托"]
        w.combo_fill(self.ctrl(1541), labels, 0)

    def order_terms(self, code: str, info) -> tuple[dict, str] | None:
        message = self.app.dialogs.message
        label_text = w.combo_text(self.ctrl(1541))
        mtype = match_label(label_text)
        if mtype is None:
            message(texts.NO_MARKET)
            return None
        detail = texts.CONFIRM_MARKET.format(mtype=label_text)
        protect = None
        if info and info.board in (Board.STAR, Board.BSE):
            protect = parse_decimal(w.get_text(self.ctrl(1033)))
            if protect is None or protect <= 0:
                message(texts.NO_PROTECT)
                return None
            detail += texts.CONFIRM_PROTECT.format(price=protect)
        return {"market_type": mtype, "protect_price": protect}, detail
