"""XiadanBroker: the Broker protocol, carried out by driving a 同花顺-family xiadan.exe through a driver.

How an order goes (each step waits on a condition with a deadline, never a fixed pause):
navigate to the page → wait for its code edit → close stray pop-ups → type the code (``entry.py``;
read back) → wait for the client's lookup (the name field fills, and only then the price, which the
lookup would overwrite) → type price/amount (read back) → submit → answer the confirm/risk dialogs
(the confirm must show *our* code, price and amount: ``confirms.py``) → the success pop-up's 合同编号,
or, when the client shows no result pop-up (a setting), the new row in 当日委托 (``outcome.py``); any
other result text is the broker's rejection, raised as ``OrderRejected`` verbatim. A workstation locked
part-way (after ``require_input`` passed) is met before each field (``entry.py``), before the submit
click and at the confirm (answered 否): ``InputLost``, the order not sent (docs/clients.md row 35).

Cancel (``cancel_page.py``): read 可撤, filter it by the order's code (3348 + 3349), read again, select
the row whose 合同编号 matches, and check the 撤单确认's code/price/amount against that row before 是; a
lock part-way is met as an order's is (``InputLost``, ``LOCKED_MID_CANCEL``: nothing is cancelled).

Reads navigate to the page (or F5 when it is already shown), wait for the grid, copy or export it
(captcha solved offline), and check the header names the expected table before parsing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import MappingProxyType

from ...desktop.driver import DesktopDriver
from ...domain import messages as msg
from ...domain.clock import Clock, SystemClock
from ...domain.errors import (
    BrokerUnavailable,
    GatewayError,
    InputLost,
    NotConnected,
    NotSupported,
    OperationTimeout,
    OrderRejected,
    OutcomeUnknown,
)
from ...domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Side, Trade
from ..base import Capabilities, ConnectInfo, Credentials, Operation
from ..client_state import ClientState, driver_state
from . import tables
from .cancel_page import CancelPageMixin
from .confirms import order_confirm_mismatch
from .dialogs import DialogKind
from .entry import OrderEntry, price_text
from .fingerprint import FingerprintMixin, Trigger
from .gridread import GridReader
from .ipo import IpoSubscriber
from .keepalive import KeepAlive
from .layouts import DATA_PAGES, HT, Layout, layout_for
from .outcome import FlowEnd, late_result, new_rows, run_flow
from .popups import Popup
from .session import ClientSession, answer_one
from .timeouts import Timeouts

log = logging.getLogger(__name__)
NO_QUOTES = "同花顺下单程序不提供行情查询"

UNKNOWN_OUTCOME = "，委托结果未知，请查询当日委托核对"


def _default_recognizer() -> object:
    from .captcha import CaptchaRecognizer

    return CaptchaRecognizer.default()


class XiadanBroker(CancelPageMixin, FingerprintMixin):
    """One xiadan.exe client (one account). An internal lock serialises calls and the keep-alive."""

    kind = "xiadan"
    # xiadan.exe has no quotes (the gateway's quote source answers instead) and may show a copy captcha.
    capabilities = Capabilities(
        quote=False, captcha=True, refusals=MappingProxyType({Operation.QUOTE: NO_QUOTES})
    )

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
        self.session.recognizer = self.grids._get_recognizer  # one recogniser for copy and login captchas
        self.session.after_restart = self.fingerprint_after_restart  # a restart may bring another build
        self.entry = OrderEntry(driver, self.session, self.timeouts)
        self.ipo = IpoSubscriber(driver, self.session, self.timeouts, self._parse)
        self._known: set[str] = set()  # every 合同编号 seen in 当日委托/可撤, and every one returned
        self._entrusts_read = False
        # The client's 提示-after-an-order setting, learnt from the flows (None: not seen yet).
        self.result_popups: bool | None = None
        self.keepalive_interval = keepalive_interval
        self.keepalive: KeepAlive | None = None
        self._lock = threading.RLock()

    def use_layout(self, layout: Layout) -> None:
        """Switch to another layout (a client build that differs) without reconnecting."""
        self.layout = self.session.layout = self.popups.layout = self.grids.layout = layout
        self.grids.forget_preference()

    # =========================================================== lifecycle

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        with self._op("连接客户端"):
            info = self.session.connect(exe_path)
            self.fingerprint_client()  # fingerprint.py: what differs from the layout refuses trading
        self._start_keepalive()
        return info

    def login(self, credentials: Credentials) -> ConnectInfo:
        with self._op("登录"):
            info = self.session.login(credentials)
            self.fingerprint_client(Trigger.LOGIN)
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

    def client_state(self) -> ClientState:
        """The client's pid and whether the desktop takes input (``brokers/client_state.py``)."""
        return driver_state(self.driver)

    def quote(self, code: str) -> Quote:
        raise NotSupported(NO_QUOTES)

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
            return self._read_entrusts()

    def today_trades(self) -> list[Trade]:
        with self._op("查询当日成交"):
            return tables.trades(self._read_table("trades", "trades"), self._today())

    def cancelable_entrusts(self) -> list[Entrust]:
        with self._op("查询可撤委托"):
            return self._cancel_rows("")

    # =========================================================== orders

    def place_order(self, request: OrderRequest) -> OrderAck:
        with self._op("委托"):
            self.session.require_input("委托")  # every build types the order fields (entry.py)
            ids = self.layout.order
            page = ("market_" if request.is_market else "") + ("buy" if request.side is Side.BUY else "sell")
            code_edit = self.session.navigate(page, ids.code)
            self.entry.empty_left_over((ids.price, ids.amount))
            self.entry.enter_code(code_edit, request.code)
            if request.is_market:
                self.entry.choose_market_type(request)
            elif request.price is not None:
                self.entry.write(ids.price, price_text(request.price, request.code), "委托价格")
            self.entry.write(ids.amount, str(request.amount), "委托数量")
            # What is known before the submit: a row not among these can be this order.
            known = frozenset(self._known) if self._entrusts_read else None
            mark = self.popups.noted
            submit = self.session.control(ids.submit, "委托按钮")
            self.entry.require_input()  # a lock since the last field: the fields may not hold the order
            self.driver.click(submit)
            return self._order_outcome(request, known, mark)

    def auto_ipo(self) -> IpoResult:
        with self._op("新股申购"):
            return self.ipo.subscribe()  # only the rows with a quota (ipo.py)

    # =========================================================== outcomes

    def _order_outcome(self, request: OrderRequest, known: frozenset[str] | None, mark: int) -> OrderAck:
        def check(popup: Popup) -> None:
            if popup.kind is DialogKind.CONFIRM:
                self.popups.decline_if_input_lost(popup)  # 否 before any other check
                wrong = order_confirm_mismatch(popup.classified.text, request)
                if wrong is not None:
                    self.popups.decline(popup)
                    raise OrderRejected(f"{wrong}，已取消委托")

        quiet = self.timeouts.result_quiet if self.result_popups is False else None
        try:
            end = run_flow(self.popups, self.session, self.timeouts, "委托", check, after_confirm=quiet)
        except InputLost:
            raise  # the confirm was answered 否 (a lock): nothing was sent, the outcome is known
        except OperationTimeout as exc:
            raise OutcomeUnknown(exc.message + UNKNOWN_OUTCOME) from exc
        self._learn(end)
        contract = end.popup.classified.contract_no if end.popup is not None else None
        if contract:
            self._known.add(contract)
            return OrderAck(contract_no=contract, entrust_no=contract, message=end.popup.classified.message)
        # No result pop-up (a client setting), or one without a 合同编号: 当日委托 says what happened.
        return self._order_from_entrusts(request, known, mark)

    def _learn(self, end: FlowEnd) -> None:
        """What the client's result pop-up setting is, from how a confirmed flow ended."""
        if end.popup is not None:
            self.result_popups = True
        elif end.confirm is not None:
            self.result_popups = False

    def _order_from_entrusts(
        self, request: OrderRequest, known: frozenset[str] | None, mark: int
    ) -> OrderAck:
        try:
            found = self.timeouts.wait(
                lambda: new_rows(self._read_entrusts(), request, known),
                self.timeouts.query,
                "委托出现在当日委托中",
            )
        except OperationTimeout:
            late = late_result(self.popups.since(mark))
            if late is not None and late.kind is DialogKind.REJECTED:
                raise OrderRejected(late.message) from None
            raise OutcomeUnknown("委托已提交，但当日委托中未找到该笔委托" + UNKNOWN_OUTCOME) from None
        if len(found) > 1:
            numbers = "、".join(e.contract_no for e in found)
            raise OutcomeUnknown(f"当日委托中有多笔相同的委托（合同编号{numbers}）" + UNKNOWN_OUTCOME)
        contract = found[0].contract_no
        self._known.add(contract)
        return OrderAck(
            contract_no=contract, entrust_no=contract, message=f"委托已提交，合同编号：{contract}"
        )

    def _read_entrusts(self) -> list[Entrust]:
        rows = tables.entrusts(self._read_table("entrusts", "entrusts"), self._today())
        self._remember(rows)
        self._entrusts_read = True
        return rows

    def _remember(self, rows: list[Entrust]) -> None:
        """Every 合同编号 seen in a table: an order placed later is a row not among these."""
        self._known.update(e.contract_no for e in rows)

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
            if main is not None and self.session.find(self.layout.grid_id) == grid:
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
