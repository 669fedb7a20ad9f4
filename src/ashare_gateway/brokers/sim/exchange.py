"""The paper exchange: one market (clock, calendar, quotes, matching) and the accounts trading on it.

Nothing runs in the background: every call first catches the market up to the clock's "now" (fills of
resting orders, auctions, orders going live, the end of the day) in a transaction of its own, then
judges the request in a second one, so a refused request never undoes what the market did before it
(and the in-memory book and the database always agree). A test that moves a
:class:`~ashare_gateway.domain.clock.ManualClock` sees exactly what a live market would have done.

The jobs live in their own modules: :mod:`.accounts` (accounts, logins), :mod:`.business_day` (which
trading day "now" belongs to), :mod:`.catch_up` (the market), :mod:`.orders` (order entry, cancels),
:mod:`.projections` (balances, positions, 当日 views, quotes) and :mod:`.ipo` (新股申购).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy import and_, select

from ...domain import messages as msg
from ...domain.clock import Clock, SystemClock
from ...domain.errors import GatewayError, InvalidParameter, OrderRejected
from ...domain.fees import FeeSchedule
from ...domain.instruments import Market, Security
from ...domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Trade
from ...domain.repo import RepoLoan, is_repo
from ...domain.rules import LimitBand, price_band
from ...domain.sessions import MarketState, TradingCalendar
from ...domain.statuses import OrderStatus
from ...store import migrations
from ...store.db import open_engine
from . import ledger as t
from . import orders, projections, reservations
from .accounts import DEMO_CASH, DEMO_HOLDINGS, DEMO_PASSWORD, DEMO_USER, Accounts
from .business_day import BusinessDay
from .catch_up import AUCTION_VOLUME, PaperMarket
from .ipo import Ipo, ipo_lottery, ipo_quota
from .orders import CONTRACT_BASE, cage_benchmark
from .quotes import OfflineQuotes, QuoteSource, Reference, Snapshot
from .repo_desk import RepoDesk
from .timeline import snapshot_index_at

# Re-exported: the fake clients' factories and older imports use these names from this module.
__all__ = [
    "AUCTION_VOLUME",
    "CONTRACT_BASE",
    "DEMO_CASH",
    "DEMO_HOLDINGS",
    "DEMO_PASSWORD",
    "DEMO_USER",
    "SimExchange",
    "cage_benchmark",
    "ipo_lottery",
    "ipo_quota",
]

R = TypeVar("R")


class SimExchange:
    def __init__(
        self,
        db_path: Path | str,
        *,
        clock: Clock | None = None,
        calendar: TradingCalendar | None = None,
        quotes: QuoteSource | None = None,
        fees: FeeSchedule | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.clock = clock or SystemClock()
        self.calendar = calendar or TradingCalendar()
        self.quotes = quotes or OfflineQuotes()
        self.fees = fees or FeeSchedule()
        self.db = open_engine(self.db_path)
        migrations.upgrade(self.db, migrations.Database.PAPER)
        reservations.upgrade(self.db, self.fees, self.security)  # data dirs from before the reservations
        self._lock = threading.RLock()
        self.business = BusinessDay(self.calendar)
        self.accounts = Accounts(self.db, self.clock.now, self.reference)
        self.ipo = Ipo(self)
        self.repo = RepoDesk(self)
        self.market = PaperMarket(self)
        self.market.reload()

    # ------------------------------------------------------------------ accounts
    def create_account(
        self,
        user: str,
        password: str,
        comm_password: str | None = None,
        *,
        cash: Decimal = DEMO_CASH,
        holdings: tuple[tuple[str, int, Decimal], ...] = (),
    ) -> None:
        """Open a paper account; ``holdings`` are (code, shares, cost price) bought before today."""
        with self._lock:
            self.accounts.create(user, password, comm_password, cash=cash, holdings=holdings)

    def ensure_demo_account(self) -> str:
        if not self.has_account(DEMO_USER):
            self.create_account(DEMO_USER, DEMO_PASSWORD, holdings=DEMO_HOLDINGS)
        return DEMO_USER

    def has_account(self, user: str) -> bool:
        return self.accounts.exists(user)

    def check_login(self, user: str, password: str, comm_password: str | None) -> bool:
        return self.accounts.check_login(user, password, comm_password)

    def broker(self, user: str):
        from .broker import SimBroker

        return SimBroker(self, self.accounts.account_id(user), user)

    # ------------------------------------------------------------------ time and reference data
    def state(self, now: dt.datetime | None = None) -> MarketState:
        return self.calendar.state(now or self.clock.now())

    def business_date(self, now: dt.datetime | None = None) -> dt.date:
        """The trading day orders and 当日 records belong to now (see :mod:`.business_day`)."""
        return self.business.date(now or self.clock.now())

    def reference(self, code: str) -> Reference:
        ref = self.quotes.reference(code)
        if ref is None:
            raise OrderRejected(msg.UNKNOWN_SECURITY.format(code=code))
        return ref

    _reference = reference  # the name the GUI fakes knew

    def security(self, code: str) -> Security:
        return self.reference(code).security

    def band(self, ref: Reference, day: dt.date) -> LimitBand:
        index = None
        if (day - ref.listed).days < 15:
            index = self.calendar.trading_days_between(ref.listed, day)
        return price_band(
            ref.security,
            ref.prev_close,
            day,
            is_st=ref.is_st,
            wide_fund=ref.wide_fund,
            trading_day_index=index,
        )

    def snapshot_now(self, ref: Reference, now: dt.datetime) -> Snapshot:
        state = self.state(now)
        return self.quotes.snapshot(ref.code, now.date(), snapshot_index_at(state, now.time()))

    # ------------------------------------------------------------------ transactions
    def sync(self) -> None:
        """Bring every open order up to the clock: day rolls, orders going live, fills, auctions."""
        with self._lock:
            self._catch_up()

    def _catch_up(self) -> dt.datetime:
        """The market up to now, committed on its own before any request is judged."""
        now = self.clock.now()
        if self.market.is_current(now):
            return now  # nothing moved since the last catch-up: no empty transaction
        try:
            with self.db.begin() as conn:
                self.market.sync(conn, now)
        except Exception:
            self.market.reload()  # the transaction rolled back: the book must not keep its fills
            raise
        return now

    def _request(self, work: Callable[..., R], *, writes_book: bool = False) -> R:
        """Catch up, then run ``work(conn, now)`` in its own transaction."""
        with self._lock:
            now = self._catch_up()
            try:
                with self.db.begin() as conn:
                    return work(conn, now)
            except GatewayError:
                raise  # refusals come before the book is touched
            except Exception:
                if writes_book:
                    self.market.reload()
                raise

    # ------------------------------------------------------------------ orders
    def place_order(self, account_id: int, req: OrderRequest) -> OrderAck:
        ack = self._request(
            lambda conn, now: orders.place(self, conn, account_id, req, now), writes_book=True
        )
        if ack.status is OrderStatus.REJECTED:
            raise OrderRejected(ack.message)  # after the commit: the 废单 stays in 当日委托, as at a broker
        return ack

    def cancel(self, account_id: int, contract_no: str) -> None:
        self._request(
            lambda conn, now: orders.cancel(self, conn, account_id, contract_no, now), writes_book=True
        )

    def open_contracts(self, account_id: int) -> list[str]:
        with self.db.connect() as conn:
            return [
                r[0]
                for r in conn.execute(
                    select(t.orders.c.contract_no)
                    .where(and_(t.orders.c.account_id == account_id, t.orders.c.is_open))
                    .order_by(t.orders.c.id)
                )
            ]

    # ------------------------------------------------------------------ reads
    def available_cash(self, conn, account_id: int) -> Decimal:
        return projections.available_cash(self, conn, account_id)

    def available_shares(self, conn, account_id: int, code: str, bdate: dt.date) -> int:
        return projections.available_shares(self, conn, account_id, code, bdate)

    def last_price(self, code: str, now: dt.datetime | None = None) -> Decimal:
        return projections.last_price(self, code, now or self.clock.now())

    def balance(self, account_id: int) -> Balance:
        return self._request(lambda conn, now: projections.balance(self, conn, account_id, now))

    def positions(self, account_id: int) -> list[Position]:
        return self._request(lambda conn, now: projections.positions(self, conn, account_id, now))

    def entrusts(self, account_id: int, *, open_only: bool = False) -> list[Entrust]:
        return self._request(
            lambda conn, now: projections.entrusts(self, conn, account_id, now, open_only=open_only)
        )

    def entrusts_page(self, account_id: int, since: str | None, limit: int | None) -> list[Entrust]:
        """Today's entrusts after the one numbered ``since`` (see ``service/entrust_pages.py``)."""

        def work(conn, now: dt.datetime) -> list[Entrust]:
            after = 0
            if since is not None:
                found = projections.order_id_of(conn, account_id, since)
                if found is None:
                    raise InvalidParameter(msg.ENTRUST_SINCE_UNKNOWN.format(since=since))
                after = found
            return projections.entrusts_after(self, conn, account_id, now, after, limit)

        return self._request(work)

    def trades(self, account_id: int) -> list[Trade]:
        return self._request(lambda conn, now: projections.trades(self, conn, account_id, now))

    def quote(self, code: str) -> Quote:
        if is_repo(code):
            return self.repo.quote(code, self.clock.now())
        return projections.quote(self, code, self.clock.now())

    # ------------------------------------------------------------------ 国债逆回购
    def repo_loans(self, account_id: int) -> list[RepoLoan]:
        return self._request(lambda conn, now: self.repo.loans(conn, account_id, now))

    # ------------------------------------------------------------------ IPO
    def auto_ipo(self, account_id: int, codes: frozenset[str] | None = None) -> IpoResult:
        return self._request(lambda conn, now: self.ipo.subscribe(conn, account_id, now, codes))

    def ipo_market_values(self, account_id: int) -> dict[Market, Decimal]:
        """Per market, the 20-trading-day average value ending T-2 that IPO quotas come from (for the
        fake clients' 新股申购 page, so it shows the quota the exchange will grant)."""
        return self._request(
            lambda conn, now: self.ipo.average_values(conn, account_id, self.business_date(now))
        )

    def ipo_subscriptions(self, account_id: int) -> list[dict]:
        return self._request(lambda conn, now: self.ipo.subscriptions(conn, account_id))
