"""The 撤单 page: 撤单 1099, 全撤 30001, 撤买 30002, 撤卖 30003, the code filter Edit 3348 and its 查询
3349 above the grid of cancelable orders; Enter or a double-click on a row cancels it, after the 撤单确认.

The real 撤单确认 shows the row's code, price and amount in statics 0x412/0x413/0x414 and a tip in 0x6E8,
never its 合同编号 (easyths order_cancel.py:63-68); 全撤 asks "您确认要撤销这( N )笔委托吗？" in 1040
(xiadan-gateway trading_service.py:223). ``Config.cancel_confirm = "text"`` brings back the old kind
dialog that names the 合同编号.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import win32con

from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.models import Side
from ashare_gateway.simulators.xiadan import grids, texts

from . import reorder
from . import win as w
from .ids import ID_TEXT_CONFIRM, ID_YES
from .page import Page

log = logging.getLogger("standin")

CANCEL_BUTTONS: dict[int, Side | None] = {30001: None, 30002: Side.BUY, 30003: Side.SELL}


class CancelPage(Page):
    kind = "cancel"
    grid_top = 40

    def controls(self) -> list[list]:
        ids = self.app.build.cancel_ids
        return [
            w.button("撤单", 1099, (10, 8, 40, 14)),
            w.button("全撤(Z /)", 30001, (55, 8, 50, 14)),
            w.button("撤买(X)", 30002, (110, 8, 45, 14)),
            w.button("撤卖(C)", 30003, (160, 8, 45, 14)),
            w.label("证券代码", (215, 10, 35, 10)),
            w.edit(ids["filter"], (252, 8, 50, 13)),
            w.button("查询", ids["query"], (306, 8, 35, 14)),
        ]

    def refresh(self) -> None:
        """The cancelable orders whose code starts with the filter (applied on 查询 and on F5)."""
        backend = self.app.backend
        if backend is None or backend.broker is None or self.grid is None:
            return
        try:
            code_filter = w.get_text(self.ctrl(self.app.build.cancel_ids["filter"])).strip()
            self.rows = [e for e in backend.cancelable() if e.code.startswith(code_filter)]
            cols = self.app.build.columns["cancel"]
            cells = [grids.entrust_cells(e, cols, backend.account_label) for e in self.rows]
            self.grid.set_data(cols, cells)
        except Exception:
            log.exception("refresh %s", self.name)

    def create(self, parent: int) -> None:
        super().create(parent)
        self.grid.on_activate = lambda row: self.app.later(lambda: self.cancel_row(row))
        self.grid.on_select_key = lambda vk: reorder.after_key(self, vk)  # the cancel race (knob)

    def on_command(self, cid: int, code: int) -> bool:
        if code != win32con.BN_CLICKED:
            return False
        if cid == self.app.build.cancel_ids["query"]:
            self.refresh()
            return True
        if cid == 1099:
            reorder.before_click(self)  # the cancel race at the click (knob)
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
        if self.confirm_one(e) != ID_YES:
            return
        try:
            self.app.backend.cancel(e.contract_no)
        except GatewayError as exc:
            self.refresh()
            dialogs.message(exc.message)
            return
        self.refresh()
        dialogs.result(texts.CANCEL_OK.format(contract_no=e.contract_no))

    def confirm_one(self, e) -> int:
        dialogs = self.app.dialogs
        if self.app.config.cancel_confirm == "text":
            text = texts.CANCEL_ONE.format(
                code=e.code, name=e.name, side=e.side.label, amount=e.quantity, contract_no=e.contract_no
            )
            return dialogs.modal(texts.CANCEL_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM)
        ids = self.app.build.cancel_confirm_ids
        price = f"{e.price:.3f}" if e.price % Decimal("0.01") else f"{e.price:.2f}"
        values = (e.code, price, str(e.quantity - e.filled_quantity))
        roles = ("code", "price", "amount")
        fields = [
            (label_text, ids[role], value)
            for label_text, role, value in zip(texts.CANCEL_ONE_LABELS, roles, values, strict=True)
        ]
        return dialogs.modal(
            texts.CANCEL_TITLE, texts.CANCEL_ONE_TIP, "yesno", text_id=ids["tip"], fields=fields
        )

    def cancel_many(self, side: Side | None) -> None:
        dialogs = self.app.dialogs
        self.refresh()
        targets = [e for e in self.rows if side is None or e.side is side]
        if not targets:
            dialogs.message(texts.NOTHING_TO_CANCEL)
            return
        if self.app.config.cancel_confirm == "text":
            title, text = texts.CANCEL_TITLE, texts.CANCEL_ALL.format(n=len(targets))
        else:
            title, text = texts.RESULT_TITLE, texts.CANCEL_MANY.format(n=len(targets), total=len(self.rows))
        if dialogs.modal(title, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        done = 0
        for e in targets:
            try:
                self.app.backend.cancel(e.contract_no)
                done += 1
            except GatewayError as exc:
                log.info("cancel %s refused: %s", e.contract_no, exc.message)
        self.refresh()
        dialogs.result(texts.CANCEL_ALL_OK.format(n=done))
