"""Matching the account's own orders against the market's displayed depth, in integer ticks.

Pure and in-memory (no I/O), so it is fast enough to benchmark on its own. Rules it models:
- an order takes displayed liquidity level by level up to its limit, and what it takes is gone for
  the rest of that snapshot (two orders cannot both fill against the same 500 shares);
- a resting order at the touch joins the queue behind the volume displayed there, and fills only
  after the market has traded that much at its price; a price that trades through it fills it;
- an order meets each position of the day's line (a snapshot, an auction) at most once, and only
  positions after its arrival: re-applying a snapshot, or replaying older ones, fills nothing new;
- call auctions fill every marketable order at the one auction price;
- the six market-order types of the SSE, STAR and SZSE (dossier §7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...domain.market_orders import MarketType
from .quotes import Snapshot


@dataclass(slots=True)
class BookOrder:
    order_id: int
    code: str
    is_buy: bool
    limit: int  # ticks
    remaining: int
    queue_ahead: int | None = None
    seen: int = -1  # the last position of the day's line this order has met (set at arrival)


@dataclass(frozen=True, slots=True)
class Fill:
    order_id: int
    price: int
    quantity: int


@dataclass(slots=True)
class MarketOutcome:
    fills: list[Fill]
    rest_at: int | None  # the remainder rests as a limit at this price; None: the remainder is cancelled


@dataclass(slots=True)
class _Taken:
    index: int = -1
    by_price: dict[int, int] = field(default_factory=dict)


class MatchingEngine:
    def __init__(self) -> None:
        self._resting: dict[str, dict[int, BookOrder]] = {}
        self._taken: dict[tuple[str, bool], _Taken] = {}

    # --- book ----------------------------------------------------------------------------------
    def rest(self, order: BookOrder) -> None:
        self._resting.setdefault(order.code, {})[order.order_id] = order

    def remove(self, code: str, order_id: int) -> BookOrder | None:
        book = self._resting.get(code)
        order = book.pop(order_id, None) if book else None
        if book is not None and not book:
            del self._resting[code]
        return order

    def resting(self, code: str) -> list[BookOrder]:
        return list(self._resting.get(code, {}).values())

    def codes_with_orders(self) -> list[str]:
        return list(self._resting)

    def oldest_seen(self, code: str) -> int | None:
        """The earliest position any resting order of ``code`` still has to meet after (None: no orders)."""
        book = self._resting.get(code)
        return min(o.seen for o in book.values()) if book else None

    def clear(self) -> None:
        self._resting.clear()
        self._taken.clear()

    # --- taking liquidity ----------------------------------------------------------------------
    def _levels(
        self, snap: Snapshot, code: str, take_buy_side: bool
    ) -> tuple[Sequence[tuple[int, int]], _Taken]:
        """Opposite-side levels with what this snapshot still shows after our earlier fills."""
        taken = self._taken.setdefault((code, take_buy_side), _Taken())
        if taken.index != snap.index:
            taken.index, taken.by_price = snap.index, {}
        levels = snap.bids if take_buy_side else snap.asks
        by_price = taken.by_price
        if not by_price:  # nothing taken yet in this snapshot: the displayed levels as they are
            return levels, taken
        return [(p, v - by_price.get(p, 0)) for p, v in levels], taken

    def take(self, order: BookOrder, snap: Snapshot, *, limit: int | None, max_levels: int = 5) -> list[Fill]:
        """Fill ``order`` against opposite levels priced within ``limit`` (None: any displayed level)."""
        # Fast path (performance only): most calls come from on_snapshot for resting orders the market
        # has not reached; when the best opposite price is outside the limit nothing can fill.
        opposite = snap.asks if order.is_buy else snap.bids
        if order.remaining <= 0 or not opposite:
            return []
        best = opposite[0][0]
        if limit is not None and (best > limit if order.is_buy else best < limit):
            return []
        levels, taken = self._levels(snap, order.code, take_buy_side=not order.is_buy)
        fills: list[Fill] = []
        for price, available in levels[:max_levels]:
            if order.remaining <= 0:
                break
            if limit is not None and (price > limit if order.is_buy else price < limit):
                break
            qty = min(order.remaining, available)
            if qty <= 0:
                continue
            order.remaining -= qty
            taken.by_price[price] = taken.by_price.get(price, 0) + qty
            fills.append(Fill(order.order_id, price, qty))
        return fills

    def available_within(self, order: BookOrder, snap: Snapshot, limit: int | None) -> int:
        levels, _ = self._levels(snap, order.code, take_buy_side=not order.is_buy)
        total = 0
        for price, available in levels:
            if limit is not None and (price > limit if order.is_buy else price < limit):
                break
            total += max(0, available)
        return total

    # --- entry points --------------------------------------------------------------------------
    def submit_limit(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        """A limit order in continuous trading: take what crosses, rest the remainder."""
        fills = self.take(order, snap, limit=order.limit)
        if order.remaining > 0:
            self.rest(order)
        return fills

    def submit_market(
        self, order: BookOrder, snap: Snapshot, mtype: MarketType, protect: int | None
    ) -> MarketOutcome:
        """A market order of type ``mtype``; ``protect`` caps (buy) or floors (sell) its prices."""
        own = snap.bids if order.is_buy else snap.asks
        opposite = snap.asks if order.is_buy else snap.bids
        if mtype is MarketType.OWN_BEST:
            if not own:
                return MarketOutcome([], None)
            price = own[0][0] if protect is None else _cap(own[0][0], protect, order.is_buy)
            order.limit = price
            return MarketOutcome(self.submit_limit(order, snap), price if order.remaining else None)
        if mtype is MarketType.COUNTERPARTY_BEST:
            if not opposite:
                return MarketOutcome([], None)
            price = opposite[0][0] if protect is None else _cap(opposite[0][0], protect, order.is_buy)
            order.limit = price
            return MarketOutcome(self.submit_limit(order, snap), price if order.remaining else None)
        if mtype is MarketType.FOK:
            if self.available_within(order, snap, protect) < order.remaining:
                return MarketOutcome([], None)
            return MarketOutcome(self.take(order, snap, limit=protect), None)
        fills = self.take(order, snap, limit=protect)
        if mtype is MarketType.BEST5_TO_LIMIT and order.remaining > 0:
            price = fills[-1].price if fills else (own[0][0] if own else None)
            if price is not None:
                order.limit = price
                self.rest(order)
                return MarketOutcome(fills, price)
        return MarketOutcome(fills, None)

    def on_snapshot(self, code: str, snap: Snapshot, position: int | None = None) -> list[Fill]:
        """Let the market move to ``snap``: fill what it crosses or trades through, advance queues.

        With ``position`` (the snapshot's place on the day's line) only orders that have not met it yet
        take part, and they are marked as having met it.
        """
        book = self._resting.get(code)
        if not book:
            return []
        fills: list[Fill] = []
        for order in sorted(book.values(), key=lambda o: o.order_id):
            if position is not None:
                if order.seen >= position:
                    continue
                order.seen = position
            fills.extend(self.take(order, snap, limit=order.limit))
            if order.remaining > 0 and snap.last == order.limit:
                fills.extend(self._queue_fill(order, snap))
            if order.remaining <= 0:
                del book[order.order_id]
        if not book:
            del self._resting[code]
        return fills

    def _queue_fill(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        if order.queue_ahead is None:
            own = snap.bids if order.is_buy else snap.asks
            order.queue_ahead = next((v for p, v in own if p == order.limit), 0)
        order.queue_ahead -= snap.traded
        if order.queue_ahead >= 0:
            return []
        qty = min(order.remaining, -order.queue_ahead)
        order.queue_ahead = 0
        order.remaining -= qty
        return [Fill(order.order_id, order.limit, qty)]

    def call_auction(self, code: str, price: int, volume: int, position: int | None = None) -> list[Fill]:
        """Fill marketable resting orders at the single auction price, oldest first, up to ``volume``."""
        book = self._resting.get(code)
        if not book:
            return []
        fills: list[Fill] = []
        for order in sorted(book.values(), key=lambda o: o.order_id):
            if position is not None:
                if order.seen >= position:
                    continue
                order.seen = position
            marketable = order.limit >= price if order.is_buy else order.limit <= price
            if not marketable or volume <= 0:
                continue
            qty = min(order.remaining, volume)
            volume -= qty
            order.remaining -= qty
            fills.append(Fill(order.order_id, price, qty))
            if order.remaining <= 0:
                del book[order.order_id]
        if not book:
            del self._resting[code]
        return fills


def _cap(price: int, protect: int, is_buy: bool) -> int:
    return min(price, protect) if is_buy else max(price, protect)
