"""The service as the session-less dialects (ths_http_trader, easytrader remote) see it.

Those dialects have no session ids: one process drives one client, so every call goes to the auto-login
session. Why a facade rather than passing ``None`` around in the routes: when that session is missing
(the client was not running at start-up, or a caller sent /exit), these dialects have no login call to
recover with, so the facade attaches again by itself (config.ini credentials if any, else the running
client) before it answers. It also owns the one operation only they have: an order whose price may be
left to the client and whose amount may be "max" (see :mod:`.sizing`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..brokers.base import Credentials
from ..domain import messages as msg
from ..domain.errors import NotConnected
from ..domain.fees import FeeSchedule
from ..domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Side, Trade
from .sizing import MAX, parse_flex_order, resolve
from .trader import TraderService


class SessionlessTrader:
    def __init__(
        self,
        service: TraderService,
        *,
        credentials: Credentials | None = None,
        fees: FeeSchedule | None = None,
        account: str | None = None,
    ) -> None:
        self.service = service
        self.account = service.account_name(account)  # the gateway account this facade trades on
        self.credentials = credentials  # config.ini's, used to log in again when the auto session is gone
        self.fees = fees or FeeSchedule()
        self._lock = threading.Lock()

    def _session(self) -> str:
        """The account's auto-login session id, attaching again first if there is none."""
        sessions, name = self.service.sessions, self.account
        sid = sessions.auto_for(name)
        if sid is None:
            with self._lock:
                sid = sessions.auto_for(name)
                if sid is None:
                    session = self.service.auto_login(self.credentials, account=name)
                    if session is None:
                        error = self.service.auto_login_errors.get(name)
                        raise NotConnected(f"{msg.NOT_CONNECTED}（{error}）")
                    sid = session.session_id
        return sid

    # ------------------------------------------------------------------ login and exit
    def prepare(self, credentials: Credentials | None, exe_path: str | None = None) -> None:
        """easytrader's /prepare: log in with ``credentials``, or (None) attach to the running client.

        The session it makes becomes the auto-login session, which every later call uses. The body is
        checked by the dialect's model (``api/models/easytrader.py``) before it gets here.
        """
        if credentials is None:
            self.service.connect(exe_path, auto=True, account=self.account)
            return
        self.service.login(credentials, auto=True, account=self.account)

    def exit(self) -> None:
        self.service.exit(self._session())

    # ------------------------------------------------------------------ queries
    def balance(self) -> Balance:
        return self.service.balance(self._session())

    def positions(self) -> list[Position]:
        return self.service.positions(self._session())

    def today_entrusts(self) -> list[Entrust]:
        return self.service.today_entrusts(self._session())

    def today_trades(self) -> list[Trade]:
        return self.service.today_trades(self._session())

    def cancelable_entrusts(self) -> list[Entrust]:
        return self.service.cancelable_entrusts(self._session())

    # ------------------------------------------------------------------ orders
    def limit_order(self, side: Side, body: Mapping[str, Any], *, key: str | None = None) -> OrderAck:
        return self.service.limit_order(self._session(), side, body, key=key)

    def market_order(self, side: Side, body: Mapping[str, Any], *, key: str | None = None) -> OrderAck:
        return self.service.market_order(self._session(), side, body, key=key)

    def flexible_order(
        self, side: Side, body: Mapping[str, Any], *, key: str | None = None, code_field: str = "stock_code"
    ) -> OrderAck:
        """An order whose price may be absent (the client's default) and whose amount may be "max".

        The open parts are settled first, in one step on the client's lane (the reads they need belong
        together); the concrete order then goes the usual way: journal, risk limits, lane.
        """
        order = parse_flex_order(side, body, code_field=code_field)
        session_id = self._session()
        if order.price is not None and order.amount is not None:
            request = OrderRequest(
                code=order.security.code, side=side, amount=order.amount, price=order.price
            )
            return self.service.place(session_id, request, key=key)
        handle = self.service.handle_for(session_id)
        today = self.service.clock.now().date()

        def work_out() -> OrderRequest:  # only for a new key: a retry replays the first answer
            return handle.lane.run(
                lambda: resolve(
                    handle.broker,
                    order,
                    fees=self.fees,
                    on=today,
                    quote=lambda code: self.service.client_quote(handle, code),
                ),
                label=f"计算委托 {order.label}",
                deadline=self.service.deadline,
            )

        terms = {
            "code": order.security.code,
            "side": str(side),
            "price": str(order.price) if order.price is not None else None,
            "amount": order.amount if order.amount is not None else MAX,
        }
        return self.service.place(session_id, work_out, key=key, terms=terms)

    def cancel(self, entrust_no: object) -> str:
        return self.service.cancel(self._session(), entrust_no)

    def auto_ipo(self) -> IpoResult:
        return self.service.auto_ipo(self._session())
