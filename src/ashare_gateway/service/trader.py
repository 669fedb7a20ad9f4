"""The trader service: every dialect's one entry point. Sessions in, domain objects out.

Dialects parse HTTP and render envelopes; this class owns what they share: which client a caller
drives, that every broker call goes through that client's lane, identical reads coalesced, and orders
placed through the journal (idempotency, risk, reconciliation). It knows no HTTP and no Win32.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..brokers.base import ConnectInfo, Credentials, Operation
from ..brokers.client_check import Guarded
from ..domain import messages as msg
from ..domain.clock import Clock, SystemClock
from ..domain.errors import (
    AccountClash,
    GatewayError,
    InvalidParameter,
    InvalidSession,
    NotConnected,
)
from ..domain.instruments import parse_security
from ..domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Side, Trade
from ..domain.sessions import MarketState
from . import client_guard, client_quotes, entrust_pages, validation
from .capabilities import require, supports
from .clients import ClientHandle, ClientRegistry
from .entrust_pages import EntrustPage, PagedEntrusts
from .lane import PRIORITY_CANCEL
from .lane_call import LaneCall
from .order_gate import DEFAULT_ORDERS_IN_FLIGHT, OrderGate
from .orders import OrderDesk
from .sessions import Session, SessionStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class TraderService:
    def __init__(
        self,
        clients: ClientRegistry,
        *,
        clock: Clock | None = None,
        deadline: float = 30.0,
        orders: OrderDesk | None = None,
        market_state: Callable[[], MarketState] | None = None,
        orders_in_flight: int = DEFAULT_ORDERS_IN_FLIGHT,
    ) -> None:
        self.clients = clients
        self.clock = clock or SystemClock()
        self.sessions = SessionStore(lambda: self.clock.now().replace(tzinfo=None))
        self.deadline = deadline
        self.orders = orders  # the journal-backed order path; None only in bare set-ups (benchmarks)
        self.order_gate = OrderGate(orders_in_flight, deadline)  # awaited by the HTTP order routes
        self.market_state = market_state
        self.quote_source: Callable[[str], Quote] | None = None  # quotes for brokers that have none
        self.auto_login_errors: dict[str, str | None] = {}  # per gateway account, None when it worked
        names = clients.names
        self.sessions.account_names = names
        self.sessions.default_account = names[0] if len(names) == 1 else None

    @property
    def accounts(self) -> list[str]:
        """The gateway accounts (config.ini [Account:NAME]; one, ``default``, without such sections)."""
        return self.clients.names

    @property
    def auto_login_error(self) -> str | None:
        """The only account's auto-login failure; with several, the first failing one, named."""
        if len(self.accounts) == 1:
            return self.auto_login_errors.get(self.accounts[0])
        failed = [(n, e) for n, e in self.auto_login_errors.items() if e is not None]
        return f"账户 {failed[0][0]}：{failed[0][1]}" if failed else None

    @property
    def auto_logged_in(self) -> bool:
        """Every account has its auto-login session (what /health's ``auto_login`` says)."""
        return all(self.sessions.auto_for(name) is not None for name in self.accounts)

    def account_name(self, name: str | None) -> str:
        """The gateway account a call is for: the one named (it must exist), else the only one."""
        if name is None:
            if self.sessions.default_account is None:
                raise InvalidParameter(msg.ACCOUNT_REQUIRED.format(names="、".join(self.accounts)))
            return self.sessions.default_account
        self.clients.provider_of(name)  # an unknown name is refused here, with the list of names
        return name

    def resolve(self, session_id: str | None, account: str | None) -> str | None:
        """The session a call runs on: the caller's (which must belong to ``account`` if one is named),
        else the named account's auto-login session. With neither, None (the default account's)."""
        if account is None:
            return session_id
        name = self.account_name(account)
        if session_id:
            owner = self.sessions.get(session_id, touch=False).account_name
            if owner != name:
                raise AccountClash(msg.SESSION_OTHER_ACCOUNT.format(owner=owner, name=name))
            return session_id
        auto = self.sessions.auto_for(name)
        if auto is None:
            raise InvalidSession(msg.INVALID_SESSION)
        return auto

    # ------------------------------------------------------------------ sessions
    def connect(
        self, exe_path: str | None, *, auto: bool = False, account: str | None = None
    ) -> tuple[Session, ConnectInfo]:
        handle = self.clients.connect(exe_path, account=self.account_name(account))
        return self._session_on(handle, auto), handle.info

    def login(
        self, credentials: Credentials, *, auto: bool = False, account: str | None = None
    ) -> tuple[Session, ConnectInfo]:
        handle = self.clients.login(credentials, account=self.account_name(account))
        log.info("logged in account %s on %s (%s)", credentials.user, handle.kind, handle.name)
        return self._session_on(handle, auto), handle.info

    def _session_on(self, handle: ClientHandle, auto: bool) -> Session:
        return self.sessions.create(handle.key, handle.account, auto=auto, account_name=handle.name)

    def auto_login(self, credentials: Credentials | None, *, account: str | None = None) -> Session | None:
        """Log in at start-up (config.ini) or attach to the account's client; failures are kept."""
        name = self.account_name(account)
        try:
            if credentials is None:
                session, _ = self.connect(None, auto=True, account=name)
            else:
                session, _ = self.login(credentials, auto=True, account=name)
        except GatewayError as exc:
            self.auto_login_errors[name] = exc.message
            log.warning("auto-login of account %s failed: %s", name, exc.message)
            return None
        self.auto_login_errors[name] = None
        return session

    def session(self, session_id: str | None) -> Session:
        return self.sessions.get(session_id)

    def session_status(self, session_id: str | None) -> Session:
        return self.sessions.get(session_id, touch=False)

    def exit(self, session_id: str | None) -> None:
        handle = self._handle(self.sessions.get(session_id))
        handle.lane.run(handle.broker.exit, label="退出", deadline=self.deadline)
        self.sessions.end_client(handle.key)
        self.clients.drop(handle.key)

    def _handle(self, session: Session) -> ClientHandle:
        handle = self.clients.get(session.client_key)
        if handle is None:
            raise NotConnected(msg.NOT_CONNECTED)
        return handle

    def handle_for(self, session_id: str | None) -> ClientHandle:
        return self._handle(self.sessions.get(session_id))

    def _call(
        self,
        session_id: str | None,
        label: str,
        fn: Callable[[ClientHandle], T],
        *,
        priority: int = 1,
        extra_time: float = 0.0,
    ) -> T:
        handle = self.handle_for(session_id)
        return handle.lane.run(
            lambda: fn(handle), label=label, deadline=self.deadline + extra_time, priority=priority
        )

    def _read(
        self,
        session_id: str | None,
        label: str,
        name: str,
        fn: Callable[[ClientHandle], T],
        needs: Operation | None = None,
    ) -> T:
        """A read through the lane, shared with identical reads inside the freshness window."""
        handle = self.handle_for(session_id)
        require(handle.broker, needs)
        return handle.reads.read(
            name, lambda: handle.lane.run(lambda: fn(handle), label=label, deadline=self.deadline)
        )

    # ------------------------------------------------------------------ queries
    def balance(self, session_id: str | None) -> Balance:
        return self._read(session_id, "查询资金", "balance", lambda h: h.broker.balance(), Operation.BALANCE)

    def positions(self, session_id: str | None) -> list[Position]:
        return self._read(
            session_id, "查询持仓", "positions", lambda h: h.broker.positions(), Operation.POSITIONS
        )

    def today_entrusts(self, session_id: str | None) -> list[Entrust]:
        return self._read(
            session_id,
            "查询当日委托",
            "entrusts",
            lambda h: h.broker.today_entrusts(),
            Operation.TODAY_ENTRUSTS,
        )

    def today_entrusts_page(self, session_id: str | None, page: EntrustPage) -> list[Entrust]:
        """Today's entrusts after ``page.since``, at most ``page.limit`` (``entrust_pages.py``)."""

        def read(h: ClientHandle) -> list[Entrust]:
            if isinstance(h.broker, PagedEntrusts):
                return h.broker.today_entrusts_page(page.since, page.limit)
            return entrust_pages.cut(h.broker.today_entrusts(), page)

        return self._read(session_id, "查询当日委托", page.key, read, Operation.TODAY_ENTRUSTS)

    def today_trades(self, session_id: str | None) -> list[Trade]:
        return self._read(
            session_id, "查询当日成交", "trades", lambda h: h.broker.today_trades(), Operation.TODAY_TRADES
        )

    def cancelable_entrusts(self, session_id: str | None) -> list[Entrust]:
        return self._read(
            session_id,
            "查询可撤委托",
            "cancelable",
            lambda h: h.broker.cancelable_entrusts(),
            Operation.CANCELABLE_ENTRUSTS,
        )

    def quote(self, session_id: str | None, security: object) -> Quote:
        self.sessions.get(session_id)
        sec = parse_security(security)
        return self._read(session_id, "查询行情", f"quote:{sec.code}", lambda h: self._quote(h, sec.code))

    def client_quote(self, handle: ClientHandle, code: str) -> Quote:
        """The broker's quote, or for a GUI client the gateway's quote source's (``client_quotes.py``)."""
        return client_quotes.quote(handle.broker, code, self.quote_source)

    _quote = client_quote

    # ------------------------------------------------------------------ orders
    def limit_order(
        self, session_id: str | None, side: Side, body: Mapping[str, Any], *, key: str | None = None
    ) -> OrderAck:
        self.sessions.get(session_id)
        return self.place(session_id, validation.limit_order(side, body), key=key)

    def market_order(
        self, session_id: str | None, side: Side, body: Mapping[str, Any], *, key: str | None = None
    ) -> OrderAck:
        self.sessions.get(session_id)
        return self.place(session_id, validation.market_order(side, body), key=key)

    def place(
        self,
        session_id: str | None,
        request: OrderRequest | Callable[[], OrderRequest],
        *,
        key: str | None = None,
        terms: Mapping[str, Any] | None = None,
    ) -> OrderAck:
        """Send one validated order through the journal (idempotency, risk, reconciliation) and the lane.

        ``request`` may be a function that works the order out (see :meth:`OrderDesk.place`); ``terms``
        then says what the caller asked, which is what a retry with the same key must repeat.
        """
        handle = self.handle_for(session_id)
        if isinstance(request, OrderRequest) and request.is_market:
            require(handle.broker, Operation.MARKET_ORDER)
        else:
            client_guard.refuse(handle.broker, Guarded.ORDERS)  # the client's fingerprint (409)
        try:
            if self.orders is None:
                concrete = request if isinstance(request, OrderRequest) else request()
                ack = handle.lane.run(
                    lambda: handle.broker.place_order(concrete),
                    label=_label(concrete),
                    deadline=self.deadline,
                )
            else:
                ack = self.orders.place(
                    handle,
                    request,
                    key=key,
                    market_state=self.market_state,
                    quote=lambda code: self._quote(handle, code),
                    terms=terms,
                )
        finally:
            handle.reads.invalidate()
        log.info("order %s → 合同编号 %s", key or "", ack.contract_no or "（演练）")
        return ack

    def reconcile_all(self) -> int:
        """Settle orders whose outcome was lost (e.g. the gateway was killed), on every connected client."""
        if self.orders is None:
            return 0
        settled = 0
        for handle in self.clients.all():
            try:
                settled += len(self.orders.reconcile(handle))
            except GatewayError as exc:  # the client is not answering yet: the next retry settles it
                log.warning("reconciliation on %s postponed: %s", handle.key, exc.message)
        return settled

    def cancel(self, session_id: str | None, entrust_no: object) -> str:
        contract_no, call = self.cancel_call(session_id, entrust_no)
        call.run()
        return contract_no

    def cancel_call(self, session_id: str | None, entrust_no: object) -> tuple[str, LaneCall[None]]:
        """The checked cancel of ``entrust_no``: its 合同编号 and the lane call, which an HTTP route awaits
        on the event loop (every check here is in memory: nothing blocks the loop)."""
        self.sessions.get(session_id)
        if entrust_no is None or not str(entrust_no).strip():
            raise InvalidParameter(msg.MISSING_PARAM.format(name="entrust_no"))
        contract_no = str(entrust_no).strip()
        if not (contract_no.isascii() and contract_no.isalnum()) or len(contract_no) > 32:
            raise InvalidParameter(msg.BAD_PARAM.format(name="entrust_no", detail=""))
        call = self._mutation(
            session_id,
            f"撤单 {contract_no}",
            lambda h: h.broker.cancel(contract_no),
            PRIORITY_CANCEL,
            Operation.CANCEL,
        )
        return contract_no, call

    def cancel_all(self, session_id: str | None) -> int:
        return self._mutation(
            session_id, "全部撤单", lambda h: h.broker.cancel_all(), PRIORITY_CANCEL, Operation.CANCEL_ALL
        ).run()

    def cancel_everything(self, account: str | None = None) -> int:
        """Cancel open orders on every connected client (the kill switch), or only on ``account``'s."""
        total = 0
        for handle in [h for h in self.clients.all() if account is None or h.account == account]:
            if not supports(handle.broker, Operation.CANCEL_ALL):
                log.error(
                    "kill switch cannot cancel on %s: %s",
                    handle.key,
                    handle.broker.capabilities.refusal(Operation.CANCEL_ALL),
                )
                continue
            try:
                total += handle.lane.run(
                    handle.broker.cancel_all,
                    label="紧急停止：全部撤单",
                    deadline=self.deadline,
                    priority=PRIORITY_CANCEL,
                )
            except GatewayError as exc:
                log.error("kill switch could not cancel on %s: %s", handle.key, exc.message)
            handle.reads.invalidate()
        return total

    def auto_ipo(self, session_id: str | None) -> IpoResult:
        return self._mutation(
            session_id, "新股申购", lambda h: h.broker.auto_ipo(), needs=Operation.AUTO_IPO
        ).run()

    def _mutation(
        self,
        session_id: str | None,
        label: str,
        fn: Callable[[ClientHandle], T],
        priority: int = 1,
        needs: Operation | None = None,
    ) -> LaneCall[T]:
        handle = self.handle_for(session_id)
        require(handle.broker, needs)
        return LaneCall(handle, lambda: fn(handle), label, self.deadline, priority)

    # ------------------------------------------------------------------ tools
    def refresh(self, session_id: str | None) -> None:
        self._mutation(session_id, "刷新", lambda h: h.broker.refresh()).run()

    def check_pop_dialog(self, session_id: str | None) -> bool:
        return self._call(session_id, "检查弹窗", lambda h: h.broker.has_pop_dialog())

    def close_pop_dialog(self, session_id: str | None) -> bool:
        return self._call(session_id, "关闭弹窗", lambda h: h.broker.close_pop_dialog())

    def wait(self, session_id: str | None, seconds: object) -> float:
        """Hold the client's lane for ``seconds`` (spec §5.4.2): later calls on it queue behind."""
        self.sessions.get(session_id)
        value = validation.wait_seconds(seconds)
        self._call(session_id, f"等待{value:g}秒", lambda h: time.sleep(value), extra_time=value)
        return value


def _label(request: OrderRequest) -> str:
    return f"{request.side.label} {request.code} {request.amount}"
