"""The 撤单 page: cancel one / cancel all, its code filter, the 撤单确认 check, and proof of a cancel.

A mixin of :class:`~ashare_gateway.brokers.ths.adapter.XiadanBroker` (it uses the broker's driver,
session, order entry and table reading), kept apart so the adapter stays one screen of flows. The
filter (Edit 3348 + 查询 3349, easyths order_cancel.py:101-109) narrows 可撤 to one code before a
row is selected, and is emptied again afterwards so every later read lists all codes.

Why the desktop is asked again before the filter, before each selection key, before the proof copy,
before the 撤单 click and at the 撤单确认 (docs/clients.md row 35): a workstation locked part-way swallows
the keys that follow, so the selected line stays where it was (the first row after the filter's reload)
while the 撤单 click, a message, still lands and cancels *that* order; the 撤单确认 check cannot tell a
twin (same code, price, amount) apart. The cancel stops there (``InputLost``, ``LOCKED_MID_CANCEL``),
the 撤单确认 answered 否; the filter is then left as it is (no key into a locked desktop) and the next
read of every code empties it, by ``WM_SETTEXT`` while the desktop is still locked.
"""

from __future__ import annotations

import logging

from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable, InputLost, OperationTimeout, OrderRejected, OutcomeUnknown
from ...domain.models import Entrust
from ..client_state import driver_state, lost_during, send_unless_lost, stop_if_input_lost
from . import tables
from .confirms import cancel_confirm_mismatch, cancel_confirm_shown, cancel_many_count
from .dialogs import DialogKind
from .outcome import run_flow
from .popups import Popup

log = logging.getLogger(__name__)


class CancelPageMixin:
    def cancel(self, contract_no: str) -> None:
        with self._op("撤单"), lost_during(msg.LOCKED_MID_CANCEL):
            self.session.require_input("撤单")  # the row is selected and proven by keys
            rows = self._cancel_rows("")
            row = next((e for e in rows if e.contract_no == contract_no), None)
            if row is None:
                raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
            try:
                # The peers' way (easyths order_cancel.py:101-109): list only this code's orders, read
                # again, and select the row whose 合同编号 matches (rows may have moved meanwhile).
                stop_if_input_lost(self.driver)  # the filter is typed
                rows = self._cancel_rows(row.code)
                index = next((i for i, e in enumerate(rows) if e.contract_no == contract_no), None)
                if index is None:
                    raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
                row = rows[index]
                grid = self.session.control(self.layout.grid_id, "撤单表格")
                self._select_row(grid, index)
                stop_if_input_lost(self.driver)  # the proof copy is keys too
                self._prove_selected(grid, contract_no)
                button = self.session.control(self.layout.cancel_one_id, "撤单按钮")
                stop_if_input_lost(self.driver)  # the click would act on a selection no one proved
                self.driver.click(button)
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
                else:
                    self._check_cancel_result(end.popup, contract_no)
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

    def _select_row(self, grid: int, index: int) -> None:
        """Select row ``index`` with the keyboard (no screen coordinates: DPI and row heights differ), one
        key at a time with the desktop asked before each: a lock between two would leave the line above
        the target selected, and its twin cancelled."""
        keys = self.layout.keys
        for key in (keys.row_first, *[keys.row_next] * index):
            send_unless_lost(self.driver, lambda key=key: self.driver.type_keys(grid, key))

    def _prove_selected(self, grid: int, contract_no: str) -> None:
        """The selection keys have been handled, and the selected row is this order, before 撤单.

        The keys are queued input; the click is a posted message, which the client handles first: sent
        at once, it could act on the row selected before. A Ctrl+C queued behind the keys proves they
        landed; a one-row copy also names the selected row, so a grid that changed under the keys (an
        order listed on top, a row filled away: clients.md row 32) is caught too, even when the line now
        shows a twin the 撤单确认 cannot tell apart. A build that refuses copy proves nothing here: the
        撤单确认 check (code, price, amount) is then the only guard.
        """
        try:
            table = tables.parse_grid(self.grids.copy_selection(grid))
        except (OperationTimeout, BrokerUnavailable, tables.TableError) as exc:
            log.info("the selected row could not be copied (%s): relying on the 撤单确认 check", exc)
            return
        rows = tables.entrusts(table, self._today()) if table.kind == "entrusts" else []
        if len(rows) == 1 and rows[0].contract_no != contract_no:
            raise OrderRejected(
                f"选中的是合同编号{rows[0].contract_no}的委托，不是{contract_no}"
                "（按键未送达表格，或表格在选择时有变动），未点击撤单，请重试"
            )

    def _check_cancel_result(self, popup: Popup, contract_no: str) -> None:
        """The 提示 names the 合同编号 it cancelled: another one means the grid changed as 撤单 landed.

        Nothing on the client side can prove the selection between the proof copy and the click
        (clients.md row 32), and the 撤单确认 cannot tell two identical orders apart; the result is the
        last place where a wrong row shows. Then the cancel is not reported done.
        """
        said = popup.classified.contract_no
        if said is not None and said != contract_no:
            raise OutcomeUnknown(
                f"撤单结果提示的合同编号为{said}，不是{contract_no}：点击撤单时表格可能刚有变动，"
                "撤销的可能是另一笔委托，请查询当日委托核对"
            )

    def _check_cancel(self, popup: Popup, row: Entrust) -> None:
        self.popups.decline_if_input_lost(popup)  # 否 before any other check
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
        edit = self.session.find(self.layout.cancel_filter_id)
        if edit is not None and (code or self.driver.get_text(edit)):
            if code:
                self.entry.write(self.layout.cancel_filter_id, code, "撤单代码筛选")
            else:
                self._empty_filter(edit)
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

    def _empty_filter(self, edit: int) -> None:
        """Empty the filter before a read of every code: by keys while the desktop takes them, else (a
        cancel stopped by a lock left it) by ``WM_SETTEXT``, a message, which lands where keys are lost.
        A filter that keeps its code is an error: 可撤 and 全部撤单 would act on that code's orders alone."""
        if driver_state(self.driver).locked is None:
            try:
                self.entry.write(self.layout.cancel_filter_id, "", "撤单代码筛选")
                return
            except InputLost:
                log.info("the desktop locked as the cancel filter was emptied: emptying it by message")
        self.driver.set_text(edit, "")
        try:
            self.timeouts.wait(
                lambda: not self.driver.get_text(edit), self.timeouts.field, "撤单代码筛选清空"
            )
        except OperationTimeout:
            left = self.driver.get_text(edit)
            raise BrokerUnavailable(f"撤单代码筛选仍为{left}，工作站锁定时无法清空，可撤列表不完整") from None

    def _clear_cancel_filter(self) -> None:
        """Empty the filter after a cancel; left as it is while the desktop takes no keys (the next read
        of every code empties it by message: :meth:`_cancel_rows`)."""
        if self.session.main is None or driver_state(self.driver).locked is not None:
            return
        edit = self.session.find(self.layout.cancel_filter_id)
        if edit is not None and self.driver.get_text(edit):
            try:
                self.entry.write(self.layout.cancel_filter_id, "", "撤单代码筛选")
            except InputLost:  # locked as the keys went: the cancel's own outcome stands
                log.info("the desktop locked as the cancel filter was emptied: left for the next read")
