"""The flash-order dialog (闪电买入/闪电卖出) of the hexin stand-in: a modeless ``#32770`` owned by the main
window, caption empty on 9.x, controls as the builds record them (1032 code, 1036 name, 1033 price,
1034 amount, 1528 刷新, 1006 买入/卖出, 2 取消, 12092–12095 fractions).

What it does, as the Linux fake (``simulators.hexin.client``) does: typing a 6-digit code looks it up
(name, then the client's default price: 对手价); 刷新 puts 可用 into the amount field; 买入/卖出 asks 委托确认
(owned by this dialog), places the order on the paper exchange and shows the broker's own 提示.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.hexin import texts

from . import win as w
from .ids import ID_TEXT_CONFIRM, ID_YES, LOOKUP_TIMER

if TYPE_CHECKING:
    from .hexin_app import HexinApp

log = logging.getLogger("standin")


class FlashDialog:
    def __init__(self, app: HexinApp, side: Side, code: str | None) -> None:
        self.app = app
        self.side = side
        self.ids = app.hexin.flash_ids
        self.looked_up: str | None = None
        self.hwnd = 0
        caption_on = app.config.flash_caption
        caption_on = app.hexin.flash_caption if caption_on is None else caption_on
        self.caption = app.hexin.flash_titles[side.value] if caption_on else ""
        self._create(code)

    # --- window ---------------------------------------------------------------------------------------
    def _create(self, code: str | None) -> None:
        i = self.ids
        controls = [
            w.label("证券代码", (8, 8, 40, 10)),
            w.edit(i["code"], (52, 6, 60, 12)),
            w.label("", (116, 8, 60, 10), i["name"]),
            w.label(f"{self.side.label}价格", (8, 24, 40, 10)),
            w.edit(i["price"], (52, 22, 60, 12)),
            w.label(f"{self.side.label}数量", (8, 40, 40, 10)),
            w.edit(i["amount"], (52, 38, 60, 12)),
            w.button("刷新", i["refresh"], (116, 38, 30, 12)),
            w.button("全仓", i["full"], (8, 56, 26, 12)),
            w.button("1/2", i["half"], (38, 56, 26, 12)),
            w.button("1/3", i["third"], (68, 56, 26, 12)),
            w.button("1/4", i["quarter"], (98, 56, 26, 12)),
            w.button(self.side.label, i["submit"], (30, 76, 50, 14), default=True),
            w.button("取消", i["cancel"], (90, 76, 50, 14)),
        ]
        template = w.dialog(self.caption, (180, 98), controls)
        self.hwnd = win32gui.CreateDialogIndirect(w.HINST, template, self.app.main, self._proc)
        if code:
            win32gui.SetWindowText(self.ctrl(i["code"]), code)  # EN_CHANGE → looked up like a typed one
        win32gui.SetForegroundWindow(self.hwnd)
        win32gui.SetFocus(self.ctrl(i["code"]))

    def ctrl(self, cid: int) -> int:
        return win32gui.GetDlgItem(self.hwnd, cid)

    def close(self) -> None:
        if self.hwnd and win32gui.IsWindow(self.hwnd):
            win32gui.DestroyWindow(self.hwnd)
        self.hwnd = 0

    def _proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
        try:
            if msg == win32con.WM_INITDIALOG:
                self.hwnd = hwnd
                return True
            if msg == win32con.WM_COMMAND:
                return self._command(w.loword(wparam), w.hiword(wparam))
            if msg == win32con.WM_TIMER and wparam == LOOKUP_TIMER:
                w.kill_timer(hwnd, LOOKUP_TIMER)
                self._lookup()
                return True
            if msg == win32con.WM_CLOSE:
                self.app.flash_closed(self)
                return True
        except Exception:
            log.exception("flash dialog message %#x", msg)
        return False

    def _command(self, cid: int, code: int) -> bool:
        i = self.ids
        if cid == i["code"] and code == win32con.EN_CHANGE:
            self._schedule_lookup()
            return True
        if code != win32con.BN_CLICKED:
            return False
        if cid == i["cancel"]:
            self.app.flash_closed(self)
        elif cid == i["refresh"]:
            self._fill_max(Decimal(1))
        elif cid in (i["full"], i["half"], i["third"], i["quarter"]):
            share = {i["full"]: 1, i["half"]: 2, i["third"]: 3, i["quarter"]: 4}[cid]
            self._fill_max(Decimal(1) / share)
        elif cid == i["submit"]:
            self._submit()
        else:
            return False
        return True

    # --- lookup and 可用 --------------------------------------------------------------------------------
    def _schedule_lookup(self) -> None:
        self.looked_up = None
        for cid in (self.ids["name"], self.ids["price"], self.ids["amount"]):
            win32gui.SetWindowText(self.ctrl(cid), "")
        code = w.get_text(self.ctrl(self.ids["code"])).strip()
        if len(code) != 6 or not code.isdigit():
            return
        delay = self.app.config.lookup_delay_ms
        if delay > 0:
            w.set_timer(self.hwnd, LOOKUP_TIMER, delay)
        else:
            self._lookup()

    def _lookup(self) -> None:
        backend = self.app.backend
        code = w.get_text(self.ctrl(self.ids["code"])).strip()
        info = backend.lookup(code)
        if info is None:
            return
        self.app.stats["lookups"] += 1
        quote = backend.exchange.quote(code)
        book = quote.asks if self.side is Side.BUY else quote.bids  # 对手价
        price = book[0].price if book else info.last
        places = 3 if price.as_tuple().exponent <= -3 else 2
        win32gui.SetWindowText(self.ctrl(self.ids["price"]), f"{price:.{places}f}")
        self.looked_up = code
        win32gui.SetWindowText(self.ctrl(self.ids["name"]), info.name)  # last: what callers wait for

    def _price(self) -> Decimal | None:
        try:
            price = Decimal(w.get_text(self.ctrl(self.ids["price"])).strip())
        except InvalidOperation:
            return None
        return price if price.is_finite() and price > 0 else None

    def _fill_max(self, share: Decimal) -> None:
        code = self.looked_up
        if code is None:
            most = 0
        elif self.side is Side.SELL:
            most = self.app.backend.sellable(code)
        else:
            price = self._price()
            most = self.app.backend.buyable(price) if price else 0
        amount = int(most * share) // 100 * 100 if share != 1 else most
        win32gui.SetWindowText(self.ctrl(self.ids["amount"]), str(amount))

    # --- submit -----------------------------------------------------------------------------------------
    def _submit(self) -> None:
        app = self.app
        dialogs = app.dialogs
        code = w.get_text(self.ctrl(self.ids["code"])).strip()
        name = w.get_text(self.ctrl(self.ids["name"]))
        if self.looked_up != code or not name:
            dialogs.message(texts.NO_CODE, parent=self.hwnd)
            return
        amount_text = w.get_text(self.ctrl(self.ids["amount"])).strip()
        if not amount_text.isdigit() or int(amount_text) <= 0:
            dialogs.message(texts.BAD_AMOUNT, parent=self.hwnd)
            return
        price = self._price()
        if price is None:
            dialogs.message(texts.BAD_PRICE, parent=self.hwnd)
            return
        amount = int(amount_text)
        if app.config.confirm:
            text = texts.CONFIRM.format(
                side=self.side.label,
                code=code,
                name=name,
                price=w.get_text(self.ctrl(self.ids["price"])).strip(),
                amount=amount,
            )
            answer = dialogs.modal(
                texts.CONFIRM_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM, parent=self.hwnd
            )
            if answer != ID_YES:
                return
        try:
            ack = app.backend.place(OrderRequest(code=code, side=self.side, amount=amount, price=price))
        except GatewayError as exc:
            log.info("flash order refused: %s", exc.message)
            dialogs.message(exc.message, parent=self.hwnd)
            return
        app.stats["orders"] += 1
        text = texts.ORDER_OK.format(side=self.side.label, contract_no=ack.contract_no)
        if app.config.close_after_order:
            app.flash_closed(self)
            dialogs.result(text)
        else:
            self.app.dialogs.result(text)
