"""XiadanBroker: the Broker protocol, carried out by driving a 同花顺-family xiadan.exe through a driver.

How an order goes (each step waits on a condition with a deadline, never a fixed pause):
navigate to the page → wait for its code edit → close stray pop-ups → enter the code (typed keys or
WM_SETTEXT per layout, read back) → wait for the client's lookup (the name field fills, and only then
the price, which the lookup would overwrite) → price/amount (read back) → submit → answer the
confirm/risk dialogs (checking the confirm shows *our* code) → success dialog: 合同编号 from its text;
any other result text is the broker's rejection, raised as ``OrderRejected`` verbatim.

Reads navigate to the page (or F5 when it is already shown), wait for the grid, copy or export it
(captcha solved offline), and check the header names the expected table before parsing.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from ...desktop.driver import DesktopDriver
from ...domain import messages as msg
from ...domain.clock import Clock, SystemClock
from ...domain.errors import (
    BrokerUnavailable,
    GatewayError,
    InvalidParameter,
    NotConnected,
    NotSupported,
    OperationTimeout,
    OrderRejected,
    OutcomeUnknown,
)
from ...domain.instruments import resolve_code
from ...domain.market_orders import match_label, needs_protect_price
from ...domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Side, Trade
from ...domain.rules import tick_size
from ..base import ConnectInfo, Credentials
from . import tables
from .dialogs import DialogKind, parse_contract_no
from .gridread import GridReader
from .layouts import DATA_PAGES, HT, Layout, layout_for
from .popups import ClientGone, Popup
from .session import ClientSession, KeepAlive, answer_one
from .timeouts import Timeouts

log = logging.getLogger(__name__)

FLOW_STEPS = 12  # pop-ups one order/cancel/IPO may meet before the flow is declared stuck
_CODE_IN_TEXT = re.compile(r"证券代码\s*[:：]\s*(\d{6})")
_AMOUNT_IN_TEXT = re.compile(r"数量\s*[:：]\s*(\d+)")
_COUNT_IN_TEXT = re.compile(r"共\s*(\d+)\s*笔")
UNKNOWN_OUTCOME = "，委托结果未知，请查询当日委托核对"


def _default_recognizer() -> object:
    from .captcha import CaptchaRecognizer

    return CaptchaRecognizer.default()


class XiadanBroker:
    """One xiadan.exe client (one account). An internal lock serialises calls and the keep-alive."""

    kind = "xiadan"

    def __init__(
        self,
        driver: DesktopDriver,
        layout: Layout | str = HT,
        *,
        timeouts: Timeouts | None = None,
        kind: str = "xiadan",
        path_exists: Callable[[str], bool] = os.path.exists,
        recognizer: Callable[[], object] = _default_recognizer,
        export_dir: str | None = None,
        keepalive_interval: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.kind = kind
        self.driver = driver
        self.layout = layout_for(layout) if isinstance(layout, str) else layout
        self.timeouts = timeouts or Timeouts()
        self.clock = clock or SystemClock()
        self.session = ClientSession(driver, self.layout, self.timeouts, path_exists=path_exists)
        self.popups = self.session.popups
        self.grids = GridReader(driver, self.layout, self.popups, self.timeouts, recognizer, export_dir)
        self.keepalive_interval = keepalive_interval
        self.keepalive: KeepAlive | None = None
        self._lock = threading.RLock()

    def use_layout(self, layout: Layout) -> None:
        """Switch to another layout (a client build that differs) without reconnecting."""
        self.layout = self.session.layout = self.popups.layout = self.grids.layout = layout

    # =========================================================== lifecycle

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        with self._op("连接客户端"):
            info = self.session.connect(exe_path)
        self._start_keepalive()
        return info

    def login(self, credentials: Credentials) -> ConnectInfo:
        with self._op("登录"):
            info = self.session.login(credentials)
        self._start_keepalive()
        return info

    def exit(self) -> None:
        if self.keepalive is not None:
            self.keepalive.stop()
            self.keepalive = None
        with self._lock:
            self.session.exit()

    def refresh(self) -> None:
        with self._op("刷新"):
            main = self.session.ensure_ready()
            self.driver.type_keys(main, self.layout.keys.refresh)
            page = self.session.page
            if page in DATA_PAGES:
                self.session.control(self.layout.grid_id, "刷新后表格出现", self.timeouts.query)

    def has_pop_dialog(self) -> bool:
        with self._op("检查弹出对话框"):
            self._require_connection()
            return bool(self.popups.handles())

    def close_pop_dialog(self) -> bool:
        with self._op("关闭弹出对话框"):
            self._require_connection()
            return answer_one(self.popups, self.session.answer_stray)

    def quote(self, code: str) -> Quote:
        raise NotSupported("同花顺下单程序不提供行情查询")

    # =========================================================== queries

    def balance(self) -> Balance:
        with self._op("查询资金"):
            ids = self.layout.balance_ids
            first = next(iter(ids.values()))
            self.session.navigate("balance", first)
            values = {}
            for field, cid in ids.items():
                handle = self.session.control(cid, f"资金控件{cid}出现", self.timeouts.query)
                values[field] = self.timeouts.wait(
                    lambda h=handle: self.driver.get_text(h).strip(),
                    self.timeouts.query,
                    f"资金控件{cid}显示数值",
                )
            return tables.balance_from_statics(values)

    def positions(self) -> list[Position]:
        with self._op("查询持仓"):
            return tables.positions(self._read_table("balance", "positions"))

    def today_entrusts(self) -> list[Entrust]:
        with self._op("查询当日委托"):
            return tables.entrusts(self._read_table("entrusts", "entrusts"), self._today())

    def today_trades(self) -> list[Trade]:
        with self._op("查询当日成交"):
            return tables.trades(self._read_table("trades", "trades"), self._today())

    def cancelable_entrusts(self) -> list[Entrust]:
        with self._op("查询可撤委托"):
            return tables.entrusts(self._read_table("cancel", "entrusts"), self._today())

    # =========================================================== orders

    def place_order(self, request: OrderRequest) -> OrderAck:
        with self._op("委托"):
            ids = self.layout.order
            page = ("market_" if request.is_market else "") + ("buy" if request.side is Side.BUY else "sell")
            code_edit = self.session.navigate(page, ids.code)
            self._enter_code(code_edit, request.code)
            if request.is_market:
                self._choose_market_type(request)
            elif request.price is not None:
                self._write(ids.price, _price_text(request.price, request.code), "委托价格")
            self._write(ids.amount, str(request.amount), "委托数量")
            self.driver.click(self.session.control(ids.submit, "委托按钮"))
            return self._order_outcome(request)

    def cancel(self, contract_no: str) -> None:
        with self._op("撤单"):
            grid = self.session.navigate("cancel", self.layout.grid_id)
            rows = tables.entrusts(tables.expect(self._parse(grid), "entrusts"), self._today())
            index = next((i for i, e in enumerate(rows) if e.contract_no == contract_no), None)
            if index is None:
                raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
            keys = self.layout.keys
            # Select the row with the keyboard: no screen coordinates (DPI and row heights differ).
            self.driver.type_keys(grid, keys.row_first + keys.row_next * index)
            self.driver.click(self.session.control(self.layout.cancel_one_id, "撤单按钮"))
            self._flow_outcome("撤单", lambda popup: self._check_cancel_confirm(popup, contract_no))

    def cancel_all(self) -> int:
        with self._op("全部撤单"):
            grid = self.session.navigate("cancel", self.layout.grid_id)
            rows = tables.entrusts(tables.expect(self._parse(grid), "entrusts"), self._today())
            if not rows:
                return 0
            self.driver.click(self.session.control(self.layout.cancel_all_id, "全撤按钮"))
            popup = self._flow_outcome("全部撤单", lambda popup: None)
            found = _COUNT_IN_TEXT.search(popup.classified.text)
            return int(found.group(1)) if found else len(rows)

    def auto_ipo(self) -> IpoResult:
        with self._op("新股申购"):
            grid = self.session.navigate("ipo", self.layout.grid_id)
            offers = tables.ipo_offers(self._parse(grid))
            if not offers:
                return IpoResult(entitled=0, applied=[])
            self.driver.click(self.session.control(self.layout.ipo_submit_id, "申购按钮"))
            self._flow_outcome("新股申购", lambda popup: None)
            return IpoResult(entitled=len(offers), applied=offers)

    # =========================================================== order entry steps

    def _enter_code(self, edit: int, code: str) -> None:
        """Enter the code and wait for the client's lookup (the name field fills).

        Some builds start the lookup only on typed keys, others on WM_SETTEXT too: the layout's method
        goes first, the other is the fallback, so a build that changed its mind still trades.
        """
        name_id = self.layout.order.name
        methods = [self.layout.code_entry, "set_text" if self.layout.code_entry == "type" else "type"]
        for method in methods:
            if method == "type":
                self.driver.type_keys(edit, self.layout.keys.select_all + code)
            else:
                self.driver.set_text(edit, code)
            self.timeouts.wait(
                lambda: self.driver.get_text(edit) == code, self.timeouts.field, "证券代码写入"
            )
            try:
                name = self.session.control(name_id, "证券名称控件出现")
                self.timeouts.wait(
                    lambda n=name: self.driver.get_text(n).strip(), self.timeouts.lookup, "证券名称出现"
                )
                return
            except OperationTimeout:
                log.info("no lookup for %s after %s: trying the other entry method", code, method)
        raise OrderRejected(f"证券代码{code}无效，或客户端未能查询到该证券")

    def _write(self, control_id: int, text: str, what: str) -> None:
        """WM_SETTEXT, then read it back; a pop-up that ate the write is closed and the write repeated."""
        handle = self.session.control(control_id, f"{what}输入框出现")
        for _ in range(3):
            self.driver.set_text(handle, text)
            try:
                self.timeouts.wait(
                    lambda: self.driver.get_text(handle) == text, self.timeouts.field, f"{what}写入"
                )
                return
            except OperationTimeout:
                self.session.settle_popups()
        raise BrokerUnavailable(f"无法写入{what}（客户端未接受输入）")

    def _choose_market_type(self, request: OrderRequest) -> None:
        ids = self.layout.order
        combo = self.session.control(ids.market_type, "市价类型下拉框出现")
        items = self.timeouts.wait(
            lambda: self.driver.combo_items(combo), self.timeouts.lookup, "市价类型选项出现"
        )
        if any(self.layout.no_market_order_label in item for item in items):
            raise NotSupported("该客户端不支持市价委托")
        index = next((i for i, item in enumerate(items) if match_label(item) is request.market_type), None)
        if index is None:
            raise NotSupported(f"客户端不支持市价类型“{request.market_type}”（可选：{'、'.join(items)}）")
        self.driver.select_combo(combo, index)
        self.timeouts.wait(
            lambda: self.driver.get_text(combo) == items[index], self.timeouts.field, "市价类型选择"
        )
        if needs_protect_price(resolve_code(request.code)):
            if request.protect_price is None:
                raise InvalidParameter(msg.MISSING_PARAM.format(name="protect_price"))
            self._write(ids.protect_price, _price_text(request.protect_price, request.code), "保护限价")

    def _order_outcome(self, request: OrderRequest) -> OrderAck:
        def check(popup: Popup) -> None:
            text = popup.classified.text
            code = _CODE_IN_TEXT.search(text)
            amount = _AMOUNT_IN_TEXT.search(text)
            wrong_code = code is not None and code.group(1) != request.code
            if wrong_code or (amount is not None and int(amount.group(1)) != request.amount):
                self.popups.decline(popup)
                raise OrderRejected(f"委托确认内容与请求不符（{popup.classified.message}），已取消委托")

        try:
            popup = self._flow_outcome("委托", check)
        except OperationTimeout as exc:
            raise OutcomeUnknown(exc.message + UNKNOWN_OUTCOME) from exc
        contract = popup.classified.contract_no
        if not contract:
            shown = popup.classified.message
            raise OutcomeUnknown(f"委托已提交但未返回合同编号（{shown}）" + UNKNOWN_OUTCOME)
        return OrderAck(contract_no=contract, entrust_no=contract, message=popup.classified.message)

    def _check_cancel_confirm(self, popup: Popup, contract_no: str) -> None:
        shown = parse_contract_no(popup.classified.text)
        if shown is not None and shown != contract_no:
            self.popups.decline(popup)
            raise OrderRejected(f"撤单确认框的合同编号（{shown}）与请求（{contract_no}）不符，已取消撤单")

    def _flow_outcome(self, what: str, check_confirm: Callable[[Popup], None]) -> Popup:
        """Answer the pop-ups of one submitted action until its result; return the success pop-up."""
        deadline = time.monotonic() + self.timeouts.dialog
        for _ in range(FLOW_STEPS):
            try:
                popup = self.popups.next(max(0.0, deadline - time.monotonic()), f"{what}结果对话框出现")
            except ClientGone:
                raise OperationTimeout(f"客户端在{what}过程中退出") from None
            kind = popup.kind
            if kind in (DialogKind.CONFIRM, DialogKind.CANCEL_CONFIRM):
                check_confirm(popup)
                self.popups.accept(popup)
            elif kind is DialogKind.RISK:
                self.popups.accept(popup)
            elif kind is DialogKind.SUCCESS:
                self.popups.acknowledge(popup)
                return popup
            elif kind is DialogKind.REJECTED:
                self.popups.acknowledge(popup)
                raise OrderRejected(popup.classified.message)
            elif kind is DialogKind.LOCK:
                self.session.unlock(popup)
                raise OperationTimeout(f"{what}过程中客户端被锁定")
            elif kind is DialogKind.IDLE_TIMEOUT:
                self.popups.acknowledge(popup)
                self.session.settle_popups()
                raise OperationTimeout(f"{what}过程中客户端提示请求超时")
            else:
                log.warning("unexpected pop-up during %s: %s", what, popup.classified.message)
                self.popups.dismiss(popup)
        raise OperationTimeout(f"{what}过程中弹出的对话框过多")

    # =========================================================== helpers

    def _read_table(self, page: str, kind: str) -> tables.Table:
        grid_id = self.layout.grid_id
        grid = self.session.navigate(page, grid_id)
        table = self._try_table(grid, kind)
        if table is None:
            # A real client switches pages asynchronously: right after the switch the previous page's grid
            # (same control id) can still be the one found, and vanish while it is read. Read again, from
            # the grid now shown, until this page's own table appears.
            try:
                table = self.timeouts.wait(
                    lambda: self._try_table(self.session.control(grid_id, "表格"), kind),
                    self.timeouts.query,
                    f"{kind}表格出现",
                )
            except OperationTimeout:
                table = self._parse(self.session.control(grid_id, "表格"))  # say what is there instead
        return tables.expect(table, kind)

    def _try_table(self, grid: int, kind: str) -> tables.Table | None:
        """The grid's table if it is ``kind``; None while another page's grid is (or was just) showing."""
        try:
            table = self._parse(grid)
        except BrokerUnavailable:
            main = self.session.main
            if main is not None and self.driver.find_control(main, control_id=self.layout.grid_id) == grid:
                raise  # the grid on screen failed: a real error, not a page still switching
            return None
        return table if table.kind == kind else None

    def _parse(self, grid: int) -> tables.Table:
        try:
            return tables.parse_grid(self.grids.read(grid))
        except tables.TableError as exc:
            raise BrokerUnavailable(f"读取表格失败：{exc}") from exc

    def _today(self):
        return self.clock.now().date()

    def _require_connection(self) -> None:
        if self.session.main is None:
            raise NotConnected(msg.NOT_CONNECTED)

    @contextmanager
    def _op(self, what: str) -> Iterator[None]:
        """Serialise one operation; a failure caused by the client dying says so (it restarts next time)."""
        with self._lock:
            try:
                yield
            except tables.TableError as exc:
                raise BrokerUnavailable(f"读取表格失败：{exc}") from exc
            except GatewayError as exc:
                died = self.session.main is not None and not self.driver.is_alive()
                if died and not isinstance(exc, OperationTimeout | OrderRejected):
                    text = f"客户端在{what}时退出（{exc.message}），下次操作将自动重启"
                    raise BrokerUnavailable(text) from exc
                raise
            finally:
                self.session.last_input = time.monotonic()

    def _start_keepalive(self) -> None:
        if self.keepalive_interval and self.keepalive is None:
            self.keepalive = KeepAlive(self._keepalive_tick, self.keepalive_interval)
            self.keepalive.start()

    def _keepalive_tick(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # an operation is running: that is activity enough
        try:
            if time.monotonic() - self.session.last_input >= 0.5 * (self.keepalive_interval or 0):
                self.session.keep_alive()
        finally:
            self._lock.release()


def _price_text(price: Decimal, code: str) -> str:
    places = 3 if tick_size(resolve_code(code)) < Decimal("0.01") else 2
    return f"{price:.{places}f}"
