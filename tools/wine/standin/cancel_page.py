"""The 撤单 page: 撤单 1099, 全撤 30001, 撤买 30002, 撤卖 30003 above the grid of cancelable orders;
Enter or a double-click on a row cancels it, after the 撤单确认."""

from __future__ import annotations

import logging

import win32con

from ashare_gateway.desktop.fake import texts
from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.models import Side

from . import win as w
from .ids import ID_TEXT_CONFIRM, ID_YES
from .page import Page

log = logging.getLogger("standin")

CANCEL_BUTTONS: dict[int, Side | None] = {30001: None, 30002: Side.BUY, 30003: Side.SELL}


class CancelPage(Page):
    kind = "cancel"
    grid_top = 40

    def controls(self) -> list[list]:
        return [
            w.button("撤单", 1099, (10, 8, 40, 14)),
            w.button("全撤(Z /)", 30001, (55, 8, 50, 14)),
            w.button("撤买(X)", 30002, (110, 8, 45, 14)),
            w.button("撤卖(C)", 30003, (160, 8, 45, 14)),
        ]

    def create(self, parent: int) -> None:
        super().create(parent)
        self.grid.on_activate = lambda row: self.app.later(lambda: self.cancel_row(row))

    def on_command(self, cid: int, code: int) -> bool:
        if code != win32con.BN_CLICKED:
            return False
        if cid == 1099:
            self.cancel_row(self.grid.selected if self.grid else -1)
            return True
        if cid in CANCEL_BUTTONS:
            self.cancel_many(CANCEL_BUTTONS[cid])
            return True
        return False

    def cancel_row(self, row: int) -> None:
        dialogs = self.app.dialogs
        if not (0 <= row < len(self.rows)):
            dialogs.message(texts.NOTHING_TO_CANCEL)
            return
        e = self.rows[row]
        text = texts.CANCEL_ONE.format(
            code=e.code, name=e.name, side=e.side.label, amount=e.quantity, contract_no=e.contract_no
        )
        if dialogs.modal(texts.CANCEL_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        try:
            self.app.backend.cancel(e.contract_no)
        except GatewayError as exc:
            self.refresh()
            dialogs.message(exc.message)
            return
        self.refresh()
        dialogs.message(texts.CANCEL_OK.format(contract_no=e.contract_no))

    def cancel_many(self, side: Side | None) -> None:
        dialogs = self.app.dialogs
        self.refresh()
        targets = [e for e in self.rows if side is None or e.side is side]
        if not targets:
            dialogs.message(texts.NOTHING_TO_CANCEL)
            return
        text = texts.CANCEL_ALL.format(n=len(targets))
        if dialogs.modal(texts.CANCEL_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        done = 0
        for e in targets:
            try:
                self.app.backend.cancel(e.contract_no)
                done += 1
            except GatewayError as exc:
                log.info("cancel %s refused: %s", e.contract_no, exc.message)
        self.refresh()
        dialogs.message(texts.CANCEL_ALL_OK.format(n=done))
