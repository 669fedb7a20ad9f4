"""The paper exchange: one market (clock, calendar, quotes, matching) and the accounts trading on it.

Nothing runs in the background: every call first catches the market up to the clock's "now" (fills of
resting orders, auctions, orders going live, the end of the day), so a test that moves a
:class:`~ashare_gateway.domain.clock.ManualClock` sees exactly what a live market would have done.
All state changes happen under one lock and in one SQLite transaction per call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, select

from ...domain import messages as msg
from ...domain.clock import Clock, SystemClock
from ...domain.errors import InvalidParameter, OrderRejected
from ...domain.fees import FeeSchedule
from ...domain.instruments import Board, Kind, Market, Security, ipo_stock_code, parse_security
from ...domain.market_orders import MarketType, allowed_types, needs_protect_price
from ...domain.models import (
    Balance,
    Entrust,
    IpoApplied,
    IpoResult,
    Level,
    OrderAck,
    OrderRequest,
    Position,
    Quote,
    Side,
    Trade,
)
from ...domain.rules import (
    LimitBand,
    cage_applies,
    cage_bounds,
    check_buy_amount,
    check_price,
    check_sell_amount,
    price_band,
    tick_size,
)
from ...domain.sessions import MarketState, Phase, TradingCalendar, has_after_hours
from ...domain.statuses import OrderStatus
from ...store.db import open_engine
from . import bookkeeping as bk
from . import ledger as t
from .matching import BookOrder, Fill, MatchingEngine
from .passwords import hash_password, verify_password
from .quotes import SNAPSHOTS_PER_DAY, OfflineQuotes, QuoteSource, Reference, Snapshot
from .timeline import (
    BEFORE_OPEN,
    CLOSE_AUCTION,
    CLOSING_AUCTION_START_K,
    DEMO_CATCH_UP,
    OPEN_AUCTION,
    snapshot_index_at,
    target_position,
)

log = logging.getLogger(__name__)

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_CASH = Decimal("1000000")
# Holdings of the demo account, bought before "today": they make sells, IPO quotas and the spec's
# example positions meaningful from the first request.
DEMO_HOLDINGS = (
    ("600000", 1000, Decimal("8.50")),
    ("000001", 1000, Decimal("10.80")),
    ("000858", 800, Decimal("120.00")),
    ("600519", 100, Decimal("1400.00")),
    ("510300", 10000, Decimal("3.900")),
)
CONTRACT_BASE = 10_000_000
AUCTION_VOLUME = 10_000_000


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
        t.metadata.create_all(self.db)
        self._lock = threading.RLock()
        self._book = MatchingEngine()
        self._marks: dict[tuple[str, dt.date], int] = {}
        self._reload_book()

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
        with self._lock, self.db.begin() as conn:
            if conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).first():
                raise InvalidParameter(f"账户已存在：{user}")
            now = self.clock.now()
            account_id = conn.execute(
                t.accounts.insert().values(
                    user=user,
                    password_hash=hash_password(password),
                    comm_password_hash=hash_password(comm_password) if comm_password else None,
                    cash=cash,
                    created_at=now.replace(tzinfo=None),
                )
            ).inserted_primary_key[0]
            for code, qty, cost in holdings:
                ref = self._reference(code)
                conn.execute(
                    t.positions.insert().values(
                        account_id=account_id,
                        code=code,
                        name=ref.name,
                        quantity=qty,
                        cost_amount=cost * qty,
                        last_change=now.date() - dt.timedelta(days=30),
                    )
                )

    def ensure_demo_account(self) -> str:
        if not self.has_account(DEMO_USER):
            self.create_account(DEMO_USER, DEMO_PASSWORD, holdings=DEMO_HOLDINGS)
        return DEMO_USER

    def has_account(self, user: str) -> bool:
        with self.db.connect() as conn:
            return conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).first() is not None

    def check_login(self, user: str, password: str, comm_password: str | None) -> bool:
        """Passwords against the stored hashes; an account with a 通讯密码 requires it."""
        with self.db.connect() as conn:
            row = conn.execute(select(t.accounts).where(t.accounts.c.user == user)).mappings().first()
        if row is None or not verify_password(password, row["password_hash"]):
            return False
        if row["comm_password_hash"]:
            return comm_password is not None and verify_password(comm_password, row["comm_password_hash"])
        return True

    def broker(self, user: str):
        from .broker import SimBroker

        return SimBroker(self, self._account_id(user), user)

    def _account_id(self, user: str) -> int:
        with self.db.connect() as conn:
            found = conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).scalar()
        if found is None:
            raise InvalidParameter(f"账户不存在：{user}")
        return int(found)

    # ------------------------------------------------------------------ time
    def state(self, now: dt.datetime | None = None) -> MarketState:
        return self.calendar.state(now or self.clock.now())

    def business_date(self, now: dt.datetime | None = None) -> dt.date:
        """The trading day orders placed now belong to: today until 15:30, else the next trading day."""
        now = now or self.clock.now()
        if self.calendar.always_open:
            return now.date()
        today = now.date()
        if self.calendar.is_trading_day(today) and now.time() < dt.time(15, 30):
            return today
        return self.calendar.next_trading_day(today)

    # ------------------------------------------------------------------ reference data
    def _reference(self, code: str) -> Reference:
        ref = self.quotes.reference(code)
        if ref is None:
            raise OrderRejected(msg.UNKNOWN_SECURITY.format(code=code))
        return ref

    def security(self, code: str) -> Security:
        return self._reference(code).security

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

    def _snapshot_now(self, ref: Reference, now: dt.datetime) -> Snapshot:
        state = self.state(now)
        return self.quotes.snapshot(ref.code, now.date(), snapshot_index_at(state, now.time()))

    # ------------------------------------------------------------------ catching the market up
    def sync(self) -> None:
        """Bring every open order up to the clock: day rolls, orders going live, fills, auctions."""
        with self._lock, self.db.begin() as conn:
            self._sync(conn, self.clock.now())

    def _sync(self, conn, now: dt.datetime) -> None:
        bdate = self.business_date(now)
        stale = conn.execute(
            select(t.orders).where(and_(t.orders.c.is_open, t.orders.c.trade_date < bdate))
        ).mappings()
        stale_orders = [dict(o) for o in stale]
        for day in sorted({o["trade_date"] for o in stale_orders}):
            self._finish_day(conn, day)
        state = self.state(now)
        if (state.trading_day and bdate == now.date()) or state.demo:
            self._release_pending(conn, bdate, state)
            self._run_market(conn, bdate, now, state)
        self._settle_ipos(conn, bdate)

    def _finish_day(self, conn, day: dt.date) -> None:
        """Run a past day's market to its close, then expire what is still open (orders are day orders)."""
        if not self.calendar.always_open:
            close = dt.datetime.combine(day, dt.time(15, 0, 1), tzinfo=self.clock.now().tzinfo)
            self._release_pending(conn, day, self.state(close))
            self._run_market(conn, day, close, self.state(close))
        rows = conn.execute(
            select(t.orders).where(and_(t.orders.c.is_open, t.orders.c.trade_date == day))
        ).mappings()
        for o in [dict(r) for r in rows]:
            self._book.remove(o["code"], o["id"])
            bk.close_order(conn, o, reason="当日未成交，已失效")
        for key in [k for k in self._marks if k[1] <= day]:
            del self._marks[key]

    def _release_pending(self, conn, day: dt.date, state: MarketState) -> None:
        """未报 orders of ``day`` go to the exchange once it takes orders."""
        if not (
            state.orders_go_to_exchange or state.demo or state.phase in (Phase.PRE_CONTINUOUS, Phase.LUNCH)
        ):
            return
        rows = conn.execute(
            select(t.orders).where(
                and_(t.orders.c.is_open, t.orders.c.trade_date == day, t.orders.c.status == "未报")
            )
        ).mappings()
        for o in [dict(r) for r in rows]:
            o["status"] = "已报"
            bk.save_order(conn, o)
            self._book.rest(
                BookOrder(
                    o["id"],
                    o["code"],
                    o["side"] == "buy",
                    self._ticks(o["code"], o["price"]),
                    o["quantity"] - o["filled"] - o["cancelled"],
                )
            )

    def _run_market(self, conn, day: dt.date, now: dt.datetime, state: MarketState) -> None:
        for code in self._book.codes_with_orders():
            ref = self._reference(code)
            key = (code, day)
            if state.demo:
                target = snapshot_index_at(state, now.time())
                mark = self._marks.get(key, target - 1)
                start = mark + 1 if mark < target else target  # the path loops: only look forward
                start = max(start, target - DEMO_CATCH_UP)
                for k in range(start, target + 1):
                    self._apply(
                        conn, self._book.on_snapshot(code, self.quotes.snapshot(code, day, k)), ref, day, now
                    )
                self._marks[key] = target
                continue
            target = target_position(state, now.time())
            mark = self._marks.get(key, BEFORE_OPEN)
            for pos in range(mark + 1, target + 1):
                if pos == OPEN_AUCTION:
                    price = self.quotes.snapshot(code, day, 0).last
                    fills = self._book.call_auction(code, price, AUCTION_VOLUME)
                elif pos == CLOSE_AUCTION:
                    price = self.quotes.snapshot(code, day, SNAPSHOTS_PER_DAY - 1).last
                    fills = self._book.call_auction(code, price, AUCTION_VOLUME)
                elif pos <= CLOSING_AUCTION_START_K:
                    fills = self._book.on_snapshot(code, self.quotes.snapshot(code, day, pos - 1))
                else:
                    fills = []
                self._apply(conn, fills, ref, day, now)
            self._marks[key] = max(mark, target)

    def _apply(self, conn, fills: list[Fill], ref: Reference, day: dt.date, now: dt.datetime) -> None:
        tick = tick_size(ref.security)
        for fill in fills:
            order = dict(
                conn.execute(select(t.orders).where(t.orders.c.id == fill.order_id)).mappings().one()
            )
            bk.apply_fill(
                conn,
                order=order,
                sec=ref.security,
                name=ref.name,
                price=tick * fill.price,
                quantity=fill.quantity,
                when=now,
                day=day,
                t0=ref.t0,
                fees=self.fees,
            )

    def _mark_now(self, code: str, day: dt.date, now: dt.datetime, state: MarketState) -> None:
        key = (code, day)
        if key not in self._marks:
            pos = snapshot_index_at(state, now.time()) if state.demo else target_position(state, now.time())
            self._marks[key] = pos

    def _ticks(self, code: str, price: Decimal) -> int:
        return int(price / tick_size(self.security(code)))

    def _reload_book(self) -> None:
        """After a restart: resting orders back in the book, each code replayed from its oldest order's time.

        The market did not stop while the gateway was down, so what would have filled meanwhile fills on the
        next call; what happened before an order existed never touches it.
        """
        tz = self.clock.now().tzinfo
        with self.db.connect() as conn:
            oldest = conn.execute(
                select(t.orders.c.code, t.orders.c.trade_date, t.orders.c.created_at)
                .where(and_(t.orders.c.is_open, t.orders.c.status != "未报"))
                .order_by(t.orders.c.id.desc())
            ).all()
            for code, day, created in oldest:  # newest first, so the oldest order's mark wins
                when = created.replace(tzinfo=tz)
                self._marks.pop((code, day), None)
                self._mark_now(code, day, when, self.state(when))
            rows = conn.execute(
                select(t.orders).where(and_(t.orders.c.is_open, t.orders.c.status != "未报"))
            ).mappings()
            for o in rows:
                self._book.rest(
                    BookOrder(
                        o["id"],
                        o["code"],
                        o["side"] == "buy",
                        self._ticks(o["code"], o["price"]),
                        o["quantity"] - o["filled"] - o["cancelled"],
                    )
                )

    # ------------------------------------------------------------------ orders
    def place_order(self, account_id: int, req: OrderRequest) -> OrderAck:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            ack = self._place(conn, account_id, req, now)
        if ack.status is OrderStatus.REJECTED:
            raise OrderRejected(ack.message)  # after the commit: the 废单 stays in 当日委托, as at a broker
        return ack

    def _place(self, conn, account_id: int, req: OrderRequest, now: dt.datetime) -> OrderAck:
        if parse_security(req.code).kind is Kind.IPO_SUBSCRIPTION:
            raise OrderRejected(msg.IPO_NOT_SUBSCRIBABLE)
        ref = self._reference(req.code)
        sec = ref.security
        state = self.state(now)
        bdate = self.business_date(now)
        band = self.band(ref, bdate)
        live = state.orders_go_to_exchange or state.demo
        after_hours = state.phase is Phase.AFTER_HOURS and has_after_hours(sec, bdate) and not state.demo
        snap = self._snapshot_now(ref, now)
        tick = tick_size(sec)

        if req.is_market:
            if not (state.accepts_market_orders or state.demo):
                raise OrderRejected(
                    msg.MARKET_ORDER_CLOSING
                    if state.phase is Phase.CLOSING_AUCTION
                    else msg.MARKET_ORDER_PHASE
                )
            if not band.has_limit:
                raise OrderRejected(msg.MARKET_ORDER_NO_LIMIT)
            if req.market_type not in allowed_types(sec):
                raise InvalidParameter(
                    msg.BAD_TTYPE.format(ttype=req.market_type, choices="、".join(allowed_types(sec)))
                )
            protect = req.protect_price
            if protect is None and needs_protect_price(sec):
                protect = self._default_protect(sec, snap, req.side, band)
            if protect is not None:
                check_price(sec, protect, band)
            price = protect if protect is not None else (band.up if req.side is Side.BUY else band.down)
            reserve = price
        else:
            assert req.price is not None
            price = reserve = req.price
            check_price(sec, price, band)
            protect = None

        if req.side is Side.BUY:
            check_buy_amount(sec, req.amount, market=req.is_market)
            need = bk.buy_reservation(self.fees, sec, reserve, req.amount, bdate)
            if need > self._available_cash(conn, account_id, bdate):
                raise OrderRejected(msg.INSUFFICIENT_CASH)
        else:
            available = self._available_shares(conn, account_id, req.code, bdate)
            if available <= 0:
                raise OrderRejected(msg.INSUFFICIENT_SHARES)
            check_sell_amount(sec, req.amount, available, market=req.is_market)
            if req.amount > available:
                raise OrderRejected(msg.INSUFFICIENT_SHARES_N.format(available=available))

        status = "已报" if (live or after_hours) else "未报"
        reason = ""
        continuous = state.phase is Phase.CONTINUOUS or state.demo
        if not req.is_market and continuous and cage_applies(sec):
            low, high = cage_bounds(sec, cage_benchmark(snap, req.side, tick))
            if (req.side is Side.BUY and price > high) or (req.side is Side.SELL and price < low):
                reason = msg.PRICE_CAGE.format(price=price, low=low, high=high)
                status = "废单"

        order = {
            "account_id": account_id,
            "trade_date": bdate,
            "created_at": now.replace(tzinfo=None),
            "code": req.code,
            "name": ref.name,
            "side": str(req.side),
            "market_type": str(req.market_type) if req.market_type else None,
            "price": price,
            "reserve_price": reserve,
            "quantity": req.amount,
            "filled": 0,
            "filled_amount": Decimal(0),
            "cancelled": 0,
            "commission_paid": Decimal(0),
            "status": status,
            "reason": reason,
            "is_open": status != "废单",
        }
        order["id"] = conn.execute(t.orders.insert().values(**order)).inserted_primary_key[0]
        contract_no = str(CONTRACT_BASE + order["id"])
        conn.execute(t.orders.update().where(t.orders.c.id == order["id"]).values(contract_no=contract_no))
        if status == "废单":
            text = f"{reason}，合同编号：{contract_no}（废单）"
            return OrderAck(contract_no, contract_no, text, OrderStatus.REJECTED)

        if status == "已报":
            self._execute_new(conn, order, ref, req, now, state, snap, after_hours, protect)
        side_label = req.side.label
        return OrderAck(
            contract_no=contract_no,
            entrust_no=contract_no,
            message=msg.ORDER_OK.format(side=side_label, contract_no=contract_no),
        )

    def _execute_new(
        self,
        conn,
        order: dict,
        ref: Reference,
        req: OrderRequest,
        now: dt.datetime,
        state: MarketState,
        snap: Snapshot,
        after_hours: bool,
        protect: Decimal | None,
    ) -> None:
        sec = ref.security
        tick = tick_size(sec)
        bdate = order["trade_date"]
        book = BookOrder(order["id"], req.code, req.side is Side.BUY, int(order["price"] / tick), req.amount)
        if after_hours:
            close = self.quotes.snapshot(req.code, bdate, SNAPSHOTS_PER_DAY - 1).last
            marketable = book.limit >= close if book.is_buy else book.limit <= close
            fills = [Fill(book.order_id, close, req.amount)] if marketable else []
            self._apply(conn, fills, ref, bdate, now)
            if not marketable:
                order = dict(
                    conn.execute(select(t.orders).where(t.orders.c.id == order["id"])).mappings().one()
                )
                bk.close_order(conn, order, reason="盘后固定价格未成交")
            return
        self._mark_now(req.code, bdate, now, state)  # a new order meets the market from now on, not before
        continuous = state.phase is Phase.CONTINUOUS or state.demo
        if not continuous:
            self._book.rest(book)  # auctions: matched at the auction price
            return
        if req.is_market:
            assert req.market_type is not None
            outcome = self._book.submit_market(
                book, snap, req.market_type, int(protect / tick) if protect is not None else None
            )
            self._apply(conn, outcome.fills, ref, bdate, now)
            order = dict(conn.execute(select(t.orders).where(t.orders.c.id == order["id"])).mappings().one())
            if order["is_open"]:
                if outcome.rest_at is None:
                    bk.close_order(
                        conn,
                        order,
                        reason=msg.MARKET_ORDER_NO_QUOTE if not outcome.fills else "剩余部分已撤销",
                    )
                else:
                    order["price"] = tick * outcome.rest_at
                    bk.save_order(conn, order)
            return
        self._apply(conn, self._book.submit_limit(book, snap), ref, bdate, now)

    def _default_protect(self, sec: Security, snap: Snapshot, side: Side, band: LimitBand) -> Decimal:
        """A STAR/BSE market order's 保护限价 when the user gives none: the edge of the price cage."""
        tick = tick_size(sec)
        low, high = cage_bounds(sec, cage_benchmark(snap, side, tick))
        price = high if side is Side.BUY else low
        assert band.up is not None and band.down is not None
        return min(price, band.up) if side is Side.BUY else max(price, band.down)

    def cancel(self, account_id: int, contract_no: str) -> None:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            row = (
                conn.execute(
                    select(t.orders).where(
                        and_(t.orders.c.account_id == account_id, t.orders.c.contract_no == contract_no)
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
            order = dict(row)
            if not order["is_open"]:
                raise OrderRejected(
                    msg.CANCEL_NOT_CANCELABLE.format(entrust_no=contract_no, status=order["status"])
                )
            state = self.state(now)
            if order["status"] != "未报" and not state.demo and not state.phase.can_cancel:
                raise OrderRejected(msg.CANCEL_NOT_ALLOWED_PHASE.format(phase=state.phase.value))
            self._book.remove(order["code"], order["id"])
            bk.close_order(conn, order)

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
    def _available_cash(self, conn, account_id: int, bdate: dt.date) -> Decimal:
        cash = conn.execute(select(t.accounts.c.cash).where(t.accounts.c.id == account_id)).scalar_one()
        return (
            cash
            - bk.frozen_cash(conn, account_id, self.fees, self.security)
            - self._unpaid_ipo(conn, account_id)
        )

    def _unpaid_ipo(self, conn, account_id: int) -> Decimal:
        """Cash set aside for IPO allotments announced but not yet paid (T+1 result, T+2 payment)."""
        rows = conn.execute(
            select(t.ipo_subscriptions).where(
                and_(
                    t.ipo_subscriptions.c.account_id == account_id,
                    t.ipo_subscriptions.c.won > 0,
                    t.ipo_subscriptions.c.settled.is_(False),
                )
            )
        ).mappings()
        return sum((r["price"] * r["won"] for r in rows), Decimal(0))

    def _available_shares(self, conn, account_id: int, code: str, bdate: dt.date) -> int:
        qty = (
            conn.execute(
                select(t.positions.c.quantity).where(
                    and_(t.positions.c.account_id == account_id, t.positions.c.code == code)
                )
            ).scalar()
            or 0
        )
        locked = bk.day_flows(conn, account_id, bdate).get(code, {}).get("locked", 0)
        return qty - locked - bk.frozen_shares(conn, account_id).get(code, 0)

    def last_price(self, code: str, now: dt.datetime | None = None) -> Decimal:
        ref = self.quotes.reference(code)
        if ref is None:
            return Decimal(0)
        now = now or self.clock.now()
        return tick_size(ref.security) * self._snapshot_now(ref, now).last

    def balance(self, account_id: int) -> Balance:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            bdate = self.business_date(now)
            cash = conn.execute(select(t.accounts.c.cash).where(t.accounts.c.id == account_id)).scalar_one()
            frozen = bk.frozen_cash(conn, account_id, self.fees, self.security) + self._unpaid_ipo(
                conn, account_id
            )
            available = cash - frozen
            withdrawable = max(Decimal(0), available - bk.today_sale_proceeds(conn, account_id, bdate))
            value = sum((p.market_value for p in self._positions(conn, account_id, now)), Decimal(0))
        return Balance(
            cash=cash,
            frozen=frozen,
            available=available,
            withdrawable=withdrawable,
            market_value=value,
            total_assets=cash + value,
        )

    def positions(self, account_id: int) -> list[Position]:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            return self._positions(conn, account_id, now)

    def _positions(self, conn, account_id: int, now: dt.datetime) -> list[Position]:
        bdate = self.business_date(now)
        flows = bk.day_flows(conn, account_id, bdate)
        frozen = bk.frozen_shares(conn, account_id)
        out = []
        rows = conn.execute(
            select(t.positions).where(t.positions.c.account_id == account_id).order_by(t.positions.c.code)
        ).mappings()
        for p in rows:
            flow = flows.get(p["code"], {"bought": 0, "sold": 0, "locked": 0})
            if p["quantity"] <= 0 and not flow["sold"]:
                continue
            last = self.last_price(p["code"], now) or (
                p["cost_amount"] / p["quantity"] if p["quantity"] else Decimal(0)
            )
            qty = p["quantity"]
            froz = frozen.get(p["code"], 0)
            ref = self.quotes.reference(p["code"])
            out.append(
                Position(
                    code=p["code"],
                    name=p["name"],
                    market=ref.security.market if ref else Market.SH,
                    quantity=qty,
                    available=max(0, qty - flow["locked"] - froz),
                    frozen=froz,
                    cost_price=(p["cost_amount"] / qty).quantize(Decimal("0.001")) if qty else Decimal(0),
                    last_price=last,
                    market_value=(last * qty).quantize(Decimal("0.01")),
                    today_bought=flow["bought"],
                    today_sold=flow["sold"],
                )
            )
        return out

    def entrusts(self, account_id: int, *, open_only: bool = False) -> list[Entrust]:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            cond = [t.orders.c.account_id == account_id, t.orders.c.trade_date == self.business_date(now)]
            if open_only:
                cond.append(t.orders.c.is_open)
            rows = conn.execute(select(t.orders).where(and_(*cond)).order_by(t.orders.c.id)).mappings().all()
        return [_entrust(r, self.quotes) for r in rows]

    def trades(self, account_id: int) -> list[Trade]:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            rows = (
                conn.execute(
                    select(t.trades, t.orders.c.contract_no, t.orders.c.name)
                    .join(t.orders, t.orders.c.id == t.trades.c.order_id)
                    .where(
                        and_(
                            t.trades.c.account_id == account_id,
                            t.trades.c.trade_date == self.business_date(now),
                        )
                    )
                    .order_by(t.trades.c.id)
                )
                .mappings()
                .all()
            )
        return [_trade(r, self.quotes) for r in rows]

    def quote(self, code: str) -> Quote:
        ref = self._reference(code)
        now = self.clock.now()
        state = self.state(now)
        day = now.date()
        band = self.band(ref, day)
        tick = tick_size(ref.security)
        pos = target_position(state, now.time()) if not state.demo else 1
        idx = snapshot_index_at(state, now.time())
        started = state.demo or (state.trading_day and pos >= OPEN_AUCTION)
        continuous = state.demo or state.phase is Phase.CONTINUOUS
        snap = self.quotes.snapshot(code, day, idx)
        path_open = self.quotes.snapshot(code, day, 0).last
        levels = (lambda side: [Level(tick * p, v) for p, v in side]) if continuous else (lambda side: [])
        lows_highs = [
            self.quotes.snapshot(code, day, k).last for k in range(0, idx + 1, max(1, idx // 50 or 1))
        ]
        return Quote(
            code=code,
            name=ref.name,
            market=ref.security.market,
            prev_close=ref.prev_close,
            last=tick * snap.last if started else ref.prev_close,
            open=tick * path_open if started else None,
            high=tick * max(lows_highs) if started else None,
            low=tick * min(lows_highs) if started else None,
            limit_up=band.up,
            limit_down=band.down,
            bids=levels(snap.bids),
            asks=levels(snap.asks),
            time=now,
            phase=state.phase.value,
            tradable=state.demo or state.orders_go_to_exchange,
            is_st=ref.is_st,
        )

    # ------------------------------------------------------------------ IPO
    def auto_ipo(self, account_id: int) -> IpoResult:
        with self._lock, self.db.begin() as conn:
            now = self.clock.now()
            self._sync(conn, now)
            bdate = self.business_date(now)
            offers = self.quotes.ipos(bdate)
            values = self._market_values(conn, account_id, now)
            applied: list[IpoApplied] = []
            entitled = 0
            for offer in offers:
                sec = parse_security(offer.code)
                quota = ipo_quota(sec, values)
                if quota <= 0:
                    continue
                entitled += 1
                done = conn.execute(
                    select(t.ipo_subscriptions.c.id).where(
                        and_(
                            t.ipo_subscriptions.c.account_id == account_id,
                            t.ipo_subscriptions.c.code == offer.code,
                        )
                    )
                ).first()
                if done:
                    continue  # only the first subscription per IPO counts
                amount = min(quota, offer.max_amount)
                conn.execute(
                    t.ipo_subscriptions.insert().values(
                        account_id=account_id,
                        code=offer.code,
                        name=offer.name,
                        price=offer.price,
                        amount=amount,
                        trade_date=bdate,
                        won=None,
                        settled=False,
                    )
                )
                applied.append(IpoApplied(offer.code, offer.name, amount))
            return IpoResult(entitled=entitled, applied=applied)

    def _market_values(self, conn, account_id: int, now: dt.datetime) -> dict[Market, Decimal]:
        out: dict[Market, Decimal] = {}
        for p in self._positions(conn, account_id, now):
            ref = self.quotes.reference(p.code)
            if ref and ref.security.kind is Kind.STOCK:
                out[p.market] = out.get(p.market, Decimal(0)) + p.market_value
        return out

    def _settle_ipos(self, conn, bdate: dt.date) -> None:
        """T+1: the lottery; T+2: winners pay and receive the shares (under the subscription code)."""
        rows = (
            conn.execute(select(t.ipo_subscriptions).where(t.ipo_subscriptions.c.settled.is_(False)))
            .mappings()
            .all()
        )
        for r in rows:
            t1 = self.calendar.next_trading_day(r["trade_date"])
            t2 = self.calendar.next_trading_day(t1)
            if r["won"] is None and bdate >= t1:
                won = ipo_lottery(r["account_id"], r["code"], r["amount"], parse_security(r["code"]))
                conn.execute(
                    t.ipo_subscriptions.update().where(t.ipo_subscriptions.c.id == r["id"]).values(won=won)
                )
                if won == 0:
                    conn.execute(
                        t.ipo_subscriptions.update()
                        .where(t.ipo_subscriptions.c.id == r["id"])
                        .values(settled=True)
                    )
                    continue
            won = conn.execute(
                select(t.ipo_subscriptions.c.won).where(t.ipo_subscriptions.c.id == r["id"])
            ).scalar()
            if won and bdate >= t2:
                cash = conn.execute(
                    select(t.accounts.c.cash).where(t.accounts.c.id == r["account_id"])
                ).scalar_one()
                cost = r["price"] * won
                conn.execute(
                    t.accounts.update().where(t.accounts.c.id == r["account_id"]).values(cash=cash - cost)
                )
                stock = ipo_stock_code(parse_security(r["code"]))  # winners hold the stock, not the 申购代码
                bk._move_holding(conn, r["account_id"], stock, r["name"], won, cost, bdate)
                conn.execute(
                    t.ipo_subscriptions.update()
                    .where(t.ipo_subscriptions.c.id == r["id"])
                    .values(settled=True)
                )

    def ipo_subscriptions(self, account_id: int) -> list[dict]:
        with self._lock, self.db.begin() as conn:
            self._sync(conn, self.clock.now())
            rows = (
                conn.execute(
                    select(t.ipo_subscriptions).where(t.ipo_subscriptions.c.account_id == account_id)
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]


def cage_benchmark(snap: Snapshot, side: Side, tick: Decimal) -> Decimal:
    """The price-cage benchmark of a snapshot: buys ask1→bid1→last, sells bid1→ask1→last.

    The same rule as :meth:`Quote.buy_benchmark`, on the engine's integer ticks.
    """
    first, second = (snap.asks, snap.bids) if side is Side.BUY else (snap.bids, snap.asks)
    if first:
        return tick * first[0][0]
    if second:
        return tick * second[0][0]
    return tick * snap.last


def ipo_quota(sec: Security, values: dict[Market, Decimal]) -> int:
    """Shares one may subscribe: SH main board ¥10,000 → 1,000; SZ and STAR ¥5,000 → 500 (dossier §9).

    The eligibility test (≥ ¥10,000 of non-restricted A-shares in that market) uses today's holdings,
    where the exchanges average the 20 trading days ending T-2: the paper account has no such history.
    """
    value = values.get(sec.market, Decimal(0))
    if value < 10_000:
        return 0
    if sec.market is Market.SH and sec.ipo_board is Board.SH_MAIN:
        return int(value // 10_000) * 1000
    if sec.market is Market.BJ:
        return 100
    return int(value // 5_000) * 500


def ipo_lottery(account_id: int, code: str, amount: int, sec: Security) -> int:
    """A deterministic draw: each 签 (500 or 1,000 shares) wins with a small, fixed chance."""
    unit = 1000 if sec.market is Market.SH and sec.ipo_board is Board.SH_MAIN else 500
    wins = 0
    for n in range(max(1, amount // unit)):
        h = int.from_bytes(
            hashlib.blake2b(f"{account_id}:{code}:{n}".encode(), digest_size=4).digest(), "big"
        )
        wins += h % 100 < 3
    return min(wins, 1) * unit


def _entrust(r, quotes: QuoteSource) -> Entrust:
    ref = quotes.reference(r["code"])
    filled = r["filled"]
    return Entrust(
        trade_date=r["trade_date"],
        time=r["created_at"].time().replace(microsecond=0),
        entrust_no=r["contract_no"],
        contract_no=r["contract_no"],
        code=r["code"],
        name=r["name"],
        market=ref.security.market if ref else Market.SH,
        side=Side(r["side"]),
        price=r["price"],
        quantity=r["quantity"],
        filled_quantity=filled,
        filled_avg_price=(r["filled_amount"] / filled).quantize(Decimal("0.001")) if filled else Decimal(0),
        cancelled_quantity=r["cancelled"],
        status=OrderStatus(r["status"]),
        market_type=MarketType(r["market_type"]) if r["market_type"] else None,
        reason=r["reason"],
    )


def _trade(r, quotes: QuoteSource) -> Trade:
    ref = quotes.reference(r["code"])
    return Trade(
        trade_date=r["trade_date"],
        time=r["time"],
        trade_no=str(50_000_000 + r["id"]),
        contract_no=r["contract_no"],
        code=r["code"],
        name=r["name"],
        market=ref.security.market if ref else Market.SH,
        side=Side(r["side"]),
        price=r["price"],
        quantity=r["quantity"],
        amount=r["amount"],
        commission=r["commission"],
        stamp_duty=r["stamp_duty"],
        transfer_fee=r["transfer_fee"],
    )
