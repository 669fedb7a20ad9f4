"""The 撤单 page: cancel one / cancel all, its code filter, the 撤单确认 check, and proof of a cancel.

A mixin of :class:`~ashare_gateway.brokers.ths.adapter.XiadanBroker` (it uses the broker's driver,
session, order entry and table reading), kept apart so the adapter stays one screen of flows. The
filter (Edit 3348 + 查询 3349, easyths order_cancel.py:101-109) narrows 可撤 to one code before a
row is selected, and is emptied again afterwards so every later read lists all codes.
"""

from __future__ import annotations

from ...domain import messages as msg
from ...domain.errors import OperationTimeout, OrderRejected, OutcomeUnknown
from ...domain.models import Entrust
from . import tables
from .confirms import cancel_confirm_mismatch, cancel_confirm_shown, cancel_many_count
from .dialogs import DialogKind
from .outcome import run_flow
from .popups import Popup


class CancelPageMixin:
    def cancel(self, contract_no: str) -> None:
        with self._op("撤单"):
            rows = self._cancel_rows("")
            row = next((e for e in rows if e.contract_no == contract_no), None)
            if row is None:
                raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
            try:
                # The peers' way (easyths order_cancel.py:101-109): list only this code's orders, read
                # again, and select the row whose 合同编号 matches (rows may have moved meanwhile).
                rows = self._cancel_rows(row.code)
                index = next((i for i, e in enumerate(rows) if e.contract_no == contract_no), None)
                if index is None:
                    raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
                row = rows[index]
                grid = self.session.control(self.layout.grid_id, "撤单表格")
                keys = self.layout.keys
                # Select the row with the keyboard: no screen coordinates (DPI and row heights differ).
                self.driver.type_keys(grid, keys.row_first + keys.row_next * index)
                self.driver.click(self.session.control(self.layout.cancel_one_id, "撤单按钮"))
                quiet = self.timeouts.result_quiet if self.result_popups is False else None
                end = run_flow(
                    self.popups,
                    self.session,
                    self.timeouts,
                    "撤单",
                    lambda p: self._check_cancel(p, row),
                    after_confirm=quiet,
                )
                self._learn(end)
                if end.popup is None:
                    self._prove_cancelled(contract_no, confirmed=end.confirm is not None)
            finally:
                self._clear_cancel_filter()

    def cancel_all(self) -> int:
        with self._op("全部撤单"):
            rows = self._cancel_rows("")
            if not rows:
                return 0
            self.driver.click(self.session.control(self.layout.cancel_all_id, "全撤按钮"))
            end = run_flow(self.popups, self.session, self.timeouts, "全部撤单", lambda popup: None)
            said = cancel_many_count(end.confirm.classified.text) if end.confirm is not None else None
            return said if said is not None else len(rows)

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
