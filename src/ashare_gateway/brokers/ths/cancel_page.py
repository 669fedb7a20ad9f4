"""The 撤单 page: its code filter, the 撤单确认 check, and proof that a cancel went through.

A mixin of :class:`~ashare_gateway.brokers.ths.adapter.XiadanBroker` (it uses the broker's driver,
session, order entry and table reading), kept apart so the adapter stays one screen of flows. The
filter (Edit 3348 + 查询 3349, easyths order_cancel.py:101-109) narrows 可撤 to one code before a
row is selected, and is emptied again afterwards so every later read lists all codes.
"""

from __future__ import annotations

from ...domain.errors import OperationTimeout, OrderRejected, OutcomeUnknown
from ...domain.models import Entrust
from . import tables
from .confirms import cancel_confirm_mismatch, cancel_confirm_shown
from .dialogs import DialogKind
from .popups import Popup


class CancelPageMixin:
    def _check_cancel(self, popup: Popup, row: Entrust) -> None:
        if popup.kind is not DialogKind.CANCEL_CONFIRM:
            self.popups.decline(popup)
            raise OrderRejected(f"撤单时出现的不是撤单确认框（{popup.classified.message}），已取消撤单")
        shown = cancel_confirm_shown(popup.statics, popup.classified.text, self.layout.cancel_confirm)
        wrong = cancel_confirm_mismatch(shown, row)
        if wrong is not None:
            self.popups.decline(popup)
            raise OrderRejected(f"{wrong}，已取消撤单")

    def _prove_cancelled(self, contract_no: str, *, confirmed: bool) -> None:
        """No result pop-up came: the cancel went through once the order has left 可撤."""
        try:
            self.timeouts.wait(
                lambda: all(e.contract_no != contract_no for e in self._cancel_rows("")),
                self.timeouts.query,
                "委托从可撤列表中消失",
            )
        except OperationTimeout:
            said = "撤单已确认" if confirmed else "撤单已提交"
            raise OutcomeUnknown(
                f"{said}，但该委托仍在可撤列表中，撤单结果未知，请查询当日委托核对"
            ) from None

    def _cancel_rows(self, code: str) -> list[Entrust]:
        """The 撤单 grid's rows, filtered by ``code`` ("" = all) where the page has the code filter."""
        self.session.navigate("cancel", self.layout.grid_id)
        main = self.session.main
        edit = self.driver.find_control(main, control_id=self.layout.cancel_filter_id) if main else None
        if edit is not None and (code or self.driver.get_text(edit)):
            self.entry.write(self.layout.cancel_filter_id, code, "撤单代码筛选")
            self.driver.click(self.session.control(self.layout.cancel_query_id, "撤单查询按钮"))
        table = self.timeouts.wait(
            lambda: self._filtered(code), self.timeouts.query, f"撤单列表只显示{code or '全部'}委托"
        )
        rows = tables.entrusts(table, self._today())
        self._remember(rows)
        return rows

    def _filtered(self, code: str) -> tables.Table | None:
        table = self._try_table(self.session.control(self.layout.grid_id, "撤单表格"), "entrusts")
        if table is None or (
            code and any(tables.to_code(r.get("证券代码", code)) != code for r in table.rows)
        ):
            return None
        return table

    def _clear_cancel_filter(self) -> None:
        main = self.session.main
        edit = self.driver.find_control(main, control_id=self.layout.cancel_filter_id) if main else None
        if edit is not None and self.driver.get_text(edit):
            self.entry.write(self.layout.cancel_filter_id, "", "撤单代码筛选")
