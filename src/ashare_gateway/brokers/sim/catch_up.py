"""Catching the paper market up to the clock: the day's end, night orders going live, fills, auctions.

Nothing runs in the background. Before a call is judged, the exchange brings the market to "now" in a
transaction of its own (so a refused request never undoes a fill), and only when "now" is a new
position of the day's line (a new snapshot, auction or phase): polling the same snapshot again does
nothing. Every resting order remembers the last position it has met (``BookOrder.seen``, set at its
arrival), so it only ever meets snapshots after its arrival, each once; what an earlier order took
from a snapshot's depth is gone for a later one (:class:`~.matching.MatchingEngine`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from ...domain import repo
from ...domain.rules import tick_size
from ...domain.sessions import MarketState, Phase
from ...domain.statuses import OrderStatus
from . import bookkeeping as bk
from . import ledger as t
from .matching import BookOrder, Fill, MatchingEngine
from .quotes import SNAPSHOTS_PER_DAY, Reference
from .timeline import (
    BEFORE_OPEN,
    CLOSE_AUCTION,
    CLOSING_AUCTION_START_K,
    DEMO_CATCH_UP,
    OPEN_AUCTION,
    position_at,
)

if TYPE_CHECKING:
    from .exchange import SimExchange

AUCTION_VOLUME = 10_000_000
DAY_END_REASON = "当日未成交，已失效"


class PaperMarket:
    """The in-memory book of resting orders and the catch-up that drives it from the quote source."""

    def __init__(self, ex: SimExchange) -> None:
        self.ex = ex
        self.book = MatchingEngine()
        self._synced: tuple | None = None  # (business date, phase, position) of the last catch-up

    def invalidate(self) -> None:
        """Catch up again on the next call even at the same position (a new 未报 order, a reload)."""
        self._synced = None

    # ------------------------------------------------------------------ the catch-up
    def _key(self, now: dt.datetime) -> tuple:
        """Where the day's line is at ``now``: the catch-up has work only when this moves."""
        state = self.ex.state(now)
        return (
            self.ex.business_date(now),
            state.phase,
            position_at(state, now.time()),
            self.ex.repo.position(now),
        )

    def is_current(self, now: dt.datetime) -> bool:
        """The last catch-up already brought the market to ``now``'s position: :meth:`sync` would do
        nothing, so the exchange opens no transaction for it (most calls, issue 15)."""
        return self._synced is not None and self._key(now) == self._synced

    def sync(self, conn, now: dt.datetime) -> None:
        ex = self.ex
        key = self._key(now)
        if key == self._synced:
            return
        bdate, state = key[0], ex.state(now)
        stale = conn.execute(
            select(t.orders.c.trade_date)
            .where(and_(t.orders.c.is_open, t.orders.c.trade_date < bdate))
            .distinct()
        ).scalars()
        for day in sorted(stale):
            self.finish_day(conn, day)
        if (state.trading_day and bdate == now.date()) or state.demo:
            self.release_pending(conn, bdate, now, state)
            self.run(conn, bdate, now, state)
            ex.repo.run(conn, bdate, now)
        ex.ipo.settle(conn, bdate)
        ex.repo.settle(conn, bdate)
        self._synced = key

    def finish_day(self, conn, day: dt.date) -> None:
        """Run a past day's market to its close, then expire what is still open (orders are day orders)."""
        ex = self.ex
        if not ex.calendar.always_open:
            close = dt.datetime.combine(day, dt.time(15, 0, 1), tzinfo=ex.clock.now().tzinfo)
            self.release_pending(conn, day, close, ex.state(close))
            self.run(conn, day, close, ex.state(close))
        ex.repo.run_to_close(conn, day)
        rows = conn.execute(
            select(t.orders).where(and_(t.orders.c.is_open, t.orders.c.trade_date == day))
        ).mappings()
        for o in [dict(r) for r in rows]:
            self.book.remove(o["code"], o["id"])
            bk.close_order(conn, o, reason=DAY_END_REASON)

    def release_pending(self, conn, day: dt.date, now: dt.datetime, state: MarketState) -> None:
        """未报 orders of ``day`` go to the exchange once it takes orders, meeting the market from then on."""
        if not (
            state.orders_go_to_exchange or state.demo or state.phase in (Phase.PRE_CONTINUOUS, Phase.LUNCH)
        ):
            return
        rows = conn.execute(
            select(t.orders).where(
                and_(
                    t.orders.c.is_open, t.orders.c.trade_date == day, t.orders.c.status == OrderStatus.PENDING
                )
            )
        ).mappings()
        for o in [dict(r) for r in rows]:
            o["status"] = OrderStatus.REPORTED
            bk.save_order(conn, o, self.ex.fees, self.ex.security(o["code"]))
            self.rest_row(o, self._release_position(o, day, now))

    def _release_position(self, order: dict, day: dt.date, now: dt.datetime) -> int:
        """Where a night order joined the day's line: at 9:15 (before the opening auction) if it was
        placed before that day, else at the moment it was placed (an order of 9:26 meets the market
        from 9:30 on)."""
        ex = self.ex
        created = order["created_at"].replace(tzinfo=now.tzinfo)
        if created.date() < day:
            return BEFORE_OPEN
        return position_at(ex.state(created), created.time())

    def rest_row(self, order: dict, seen: int) -> None:
        tick = tick_size(self.ex.security(order["code"]))
        self.book.rest(
            BookOrder(
                order["id"],
                order["code"],
                order["side"] == "buy",
                int(order["price"] / tick),
                order["quantity"] - order["filled"] - order["cancelled"],
                seen=seen,
            )
        )

    def run(self, conn, day: dt.date, now: dt.datetime, state: MarketState) -> None:
        """Every code with resting orders: each position after its oldest order's last one, up to now."""
        quotes = self.ex.quotes
        target = position_at(state, now.time())
        for code in self.book.codes_with_orders():
            oldest = self.book.oldest_seen(code)
            if oldest is None or oldest >= target:
                continue
            ref = self.ex.reference(code)
            if state.demo:
                for pos in range(max(oldest + 1, target - DEMO_CATCH_UP), target + 1):
                    snap = quotes.snapshot(code, day, pos % SNAPSHOTS_PER_DAY)
                    self.apply(conn, self.book.on_snapshot(code, snap, pos), ref, day, now)
                continue
            for pos in range(oldest + 1, target + 1):
                if pos == OPEN_AUCTION:
                    price = quotes.snapshot(code, day, 0).last
                    fills = self.book.call_auction(code, price, AUCTION_VOLUME, pos)
                elif pos == CLOSE_AUCTION:
                    price = quotes.snapshot(code, day, SNAPSHOTS_PER_DAY - 1).last
                    fills = self.book.call_auction(code, price, AUCTION_VOLUME, pos)
                elif pos <= CLOSING_AUCTION_START_K:
                    fills = self.book.on_snapshot(code, quotes.snapshot(code, day, pos - 1), pos)
                else:
                    fills = []
                self.apply(conn, fills, ref, day, now)

    def apply(self, conn, fills: list[Fill], ref: Reference, day: dt.date, now: dt.datetime) -> None:
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
                fees=self.ex.fees,
            )

    # ------------------------------------------------------------------ restart
    def reload(self) -> None:
        """Rebuild the book from the database (after a restart, or a catch-up that failed half way).

        Each resting order rejoins at the position of its latest fill, else of its arrival: the market
        did not stop while the gateway was down, so what would have filled meanwhile fills on the next
        call, and what happened before an order existed never touches it.
        """
        self.book.clear()
        self.invalidate()
        tz = self.ex.clock.now().tzinfo
        with self.ex.db.connect() as conn:
            rows = conn.execute(
                select(t.orders).where(
                    and_(
                        t.orders.c.is_open,
                        t.orders.c.status != OrderStatus.PENDING,
                        t.orders.c.code.not_in(repo.CODES),  # repo orders meet their own book (repo_desk)
                    )
                )
            ).mappings()
            for o in [dict(r) for r in rows]:
                when = o["created_at"].replace(tzinfo=tz)
                last_fill = conn.execute(
                    select(t.trades.c.time)
                    .where(t.trades.c.order_id == o["id"])
                    .order_by(t.trades.c.id.desc())
                    .limit(1)
                ).scalar()
                if last_fill is not None and o["trade_date"] == when.date():
                    when = max(when, dt.datetime.combine(o["trade_date"], last_fill, tzinfo=tz))
                seen = (
                    position_at(self.ex.state(when), when.time())
                    if when.date() == o["trade_date"]
                    else BEFORE_OPEN
                )
                self.rest_row(o, seen)
