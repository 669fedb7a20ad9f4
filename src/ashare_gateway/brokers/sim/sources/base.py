"""Shared pieces of the quote sources: time → snapshot index, prices → ticks, and a polling live source.

The paper exchange asks a source for ``snapshot(code, day, index)``, where ``index`` counts 3-second
steps of continuous trading (0…4799). A recorded file or a live feed does not come in that shape, so
every source here maps its own times onto the same grid with :func:`snapshot_index`, and converts float
prices to integer ticks with :func:`to_ticks` (through ``Decimal(str(x))`` and half-up rounding, because
``round()`` rounds half to even and floats such as 8.675 are not what they print).

:class:`PollingQuotes` turns any "give me the current quote of these codes" function into a
:class:`~ashare_gateway.brokers.sim.quotes.QuoteSource`: it polls at most every ``min_interval``
seconds per code, remembers what it saw per (code, day, index) so the exchange can replay the day's
snapshots in order, and attributes the feed's cumulative volume to the snapshot in which it grew (that
is what advances a resting order's place in the queue). It never raises into the exchange: a failed
poll is logged and the last good snapshot (or the reference price with no depth) is used.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from ....domain.errors import InvalidParameter
from ....domain.instruments import Kind, Security, resolve_code
from ....domain.rules import tick_size
from ..quotes import (
    DEPTH,
    SNAPSHOT_SECONDS,
    SNAPSHOTS_PER_DAY,
    IpoOffer,
    OfflineQuotes,
    Reference,
    Snapshot,
)

log = logging.getLogger(__name__)

MORNING_OPEN = 9 * 3600 + 30 * 60
MORNING_CLOSE = 11 * 3600 + 30 * 60
AFTERNOON_OPEN = 13 * 3600
AFTERNOON_CLOSE = 15 * 3600
HALF_DAY = SNAPSHOTS_PER_DAY // 2  # 2400 snapshots each session
UNKNOWN_LISTING = dt.date(1990, 12, 19)  # the SSE's first trading day: "listed long ago"
KEEP_DAYS = 2  # days of observed snapshots a live source keeps per code

# Names of funds that trade T+0 (dossier §4: bond, gold/commodity, cross-border and money-market funds).
# Used only for codes the bundled table does not know, where the feed gives nothing but a name.
_T0_NAME_HINTS = (
    "债",
    "黄金",
    "金ETF",
    "白银",
    "豆粕",
    "原油",
    "油气",
    "石油",
    "能源化工",
    "有色期货",
    "货币",
    "现金",
    "日利",
    "添益",
    "快线",
    "理财",
    "纳指",
    "纳斯达克",
    "标普",
    "道琼斯",
    "美国",
    "恒生",
    "港股",
    "香港",
    "H股",
    "中概",
    "日经",
    "德国",
    "法国",
    "亚太",
    "全球",
    "海外",
    "QDII",
    "沙特",
    "东南亚",
)


def snapshot_index(t: dt.time) -> int:
    """The 3-second snapshot a wall-clock time belongs to (0…4799).

    Before 9:30 (the opening auction) is snapshot 0; the lunch break stays on the morning's last
    snapshot (2399); 13:00 is 2400; 15:00 and later is the day's last snapshot.
    """
    secs = t.hour * 3600 + t.minute * 60 + t.second
    if secs < MORNING_OPEN:
        return 0
    if secs < AFTERNOON_OPEN:
        return min(HALF_DAY - 1, (secs - MORNING_OPEN) // SNAPSHOT_SECONDS)
    return min(SNAPSHOTS_PER_DAY - 1, HALF_DAY + (secs - AFTERNOON_OPEN) // SNAPSHOT_SECONDS)


def to_ticks(price: float | str | Decimal, tick: Decimal) -> int:
    """A price in whole ticks, rounded half-up (floats go through ``str`` so 8.65 stays 8.65)."""
    value = price if isinstance(price, Decimal) else Decimal(str(price))
    return int((value / tick).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def looks_t0(name: str) -> bool:
    """Whether a fund's name marks it as one of the T+0 kinds (for codes outside the bundled table)."""
    return any(hint in name for hint in _T0_NAME_HINTS)


def reference_for(
    code: str,
    *,
    name: str,
    prev_close: Decimal,
    base: Reference | None = None,
) -> Reference | None:
    """A :class:`Reference` from what a feed says (name, prior close), keeping the table's facts.

    For a code in the bundled table only the prior close and name change (the feed knows today's, the
    table a fixed one); for any other code the facts are inferred: ST from the name, T+0 for convertible
    bonds and for funds whose name marks them (:func:`looks_t0`), listing date unknown.
    """
    if prev_close <= 0:
        return base
    if base is not None:
        st = "ST" in name if name else base.is_st
        return replace(base, name=name or base.name, prev_close=prev_close, is_st=st)
    try:
        sec = resolve_code(code)
    except InvalidParameter:
        return None
    if sec.kind is Kind.IPO_SUBSCRIPTION:
        return None
    t0 = sec.kind is Kind.CONVERTIBLE_BOND or (sec.kind is Kind.FUND and looks_t0(name))
    return Reference(
        security=sec,
        name=name or code,
        prev_close=prev_close.quantize(tick_size(sec), rounding=ROUND_HALF_UP),
        volatility=0.02,
        is_st=sec.kind is Kind.STOCK and "ST" in name,
        listed=UNKNOWN_LISTING,
        wide_fund=False,
        t0=t0,
    )


@dataclass(frozen=True, slots=True)
class LiveQuote:
    """One Level-1 quote as a feed reports it, already in shares and Decimal prices.

    ``volume`` is the day's cumulative traded volume (shares, or bonds for convertible bonds); ``bids``
    and ``asks`` are (price, volume) best first, with empty levels left out.
    """

    code: str
    name: str
    when: dt.datetime
    last: Decimal
    prev_close: Decimal
    open: Decimal
    bids: tuple[tuple[Decimal, int], ...]
    asks: tuple[tuple[Decimal, int], ...]
    volume: int


@dataclass(slots=True)
class _DayHistory:
    """What a live source saw of one code on one day, by snapshot index."""

    indices: list[int] = field(default_factory=list)
    snaps: dict[int, Snapshot] = field(default_factory=dict)
    last_volume: int | None = None

    def floor(self, index: int) -> Snapshot | None:
        pos = bisect.bisect_right(self.indices, index)
        return self.snaps[self.indices[pos - 1]] if pos else None

    def add(self, snap: Snapshot) -> None:
        bisect.insort(self.indices, snap.index)
        self.snaps[snap.index] = snap


Fetch = Callable[[list[Security]], dict[str, LiveQuote]]


class PollingQuotes:
    """A :class:`QuoteSource` over a function that fetches current quotes; see the module docstring.

    ``references`` supplies the table of known securities (the bundled one by default); the feed's
    prior close and name override it, and codes outside it are accepted when the feed knows them.
    IPOs are not offered: a live feed has no subscription calendar, and inventing one would mislead.
    """

    name = "live"

    def __init__(
        self,
        fetch: Fetch,
        *,
        references: OfflineQuotes | None = None,
        min_interval: float = SNAPSHOT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._table = references or OfflineQuotes()
        self._min_interval = min_interval
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._latest: dict[str, tuple[float, LiveQuote | None]] = {}
        self._history: dict[tuple[str, dt.date], _DayHistory] = {}
        self._known: set[str] = set()  # codes outside the table that the feed has answered for

    # --- QuoteSource ----------------------------------------------------------------------------
    def codes(self) -> list[str]:
        return sorted(set(self._table.codes()) | self._known)

    def ipos(self, day: dt.date) -> list[IpoOffer]:
        return []

    def reference(self, code: str) -> Reference | None:
        """The table's facts with the feed's prior close and name (rebuilt per poll, so a new day's
        prior close takes over by itself); the table alone while the feed has never answered."""
        base = self._table.reference(code)
        quote = self._quote(code)
        if quote is None:
            return base  # the feed is down or does not know the code: the table's facts, if any
        ref = reference_for(code, name=quote.name, prev_close=quote.prev_close, base=base)
        if ref is not None and base is None:
            self._known.add(code)
        return ref

    def snapshot(self, code: str, day: dt.date, index: int) -> Snapshot:
        index = max(0, min(index, SNAPSHOTS_PER_DAY - 1))
        with self._lock:
            hist = self._history_for(code, day)
            seen = hist.snaps.get(index)
            if seen is not None:
                return seen
            newest = hist.indices[-1] if hist.indices else -1
        if index > newest:
            quote = self._quote(code)
            if quote is not None and quote.when.date() == day:
                return self._observe(hist, quote, index)
            if quote is not None:  # yesterday's quote before today's open: show it, remember nothing
                return self._to_snapshot(quote, index, traded=0)
        with self._lock:
            earlier = hist.floor(index) or (hist.snaps[hist.indices[0]] if hist.indices else None)
        if earlier is not None:
            return replace(earlier, index=index, traded=0)  # nothing observed then: no trading assumed
        return self._flat(code, index)

    # --- internals --------------------------------------------------------------------------------
    def _history_for(self, code: str, day: dt.date) -> _DayHistory:
        """The (code, day) history; a new day drops that code's days before the previous one, so a
        gateway that runs for weeks keeps at most two days per code (the day roll still needs the last)."""
        hist = self._history.get((code, day))
        if hist is None:
            hist = self._history[(code, day)] = _DayHistory()
            days = sorted(d for c, d in self._history if c == code)
            for old in days[:-KEEP_DAYS]:
                del self._history[(code, old)]
        return hist

    def _quote(self, code: str) -> LiveQuote | None:
        """The code's latest quote, polling the feed at most every ``min_interval`` seconds."""
        now = self._monotonic()
        with self._lock:
            cached = self._latest.get(code)
        if cached is not None and now - cached[0] < self._min_interval:
            return cached[1]
        try:
            sec = resolve_code(code)
        except InvalidParameter:
            return None
        try:
            fetched = self._fetch([sec])
        except Exception as exc:  # a feed failure must not break order entry or reads
            log.warning("%s quote fetch for %s failed: %s", self.name, code, exc)
            fetched = {code: cached[1]} if cached and cached[1] else {}
        with self._lock:
            for other, quote in fetched.items():  # a feed may answer more codes than asked: keep them all
                self._latest[other] = (now, quote)
            self._latest[code] = (now, fetched.get(code))
        return fetched.get(code)

    def _observe(self, hist: _DayHistory, quote: LiveQuote, index: int) -> Snapshot:
        with self._lock:
            if index in hist.snaps:
                return hist.snaps[index]
            traded = 0 if hist.last_volume is None else max(0, quote.volume - hist.last_volume)
            hist.last_volume = max(hist.last_volume or 0, quote.volume)
            snap = self._to_snapshot(quote, index, traded=traded)
            hist.add(snap)
            return snap

    def _tick(self, code: str) -> Decimal:
        ref = self._table.reference(code)
        return tick_size(ref.security if ref else resolve_code(code))

    def _to_snapshot(self, quote: LiveQuote, index: int, *, traded: int) -> Snapshot:
        tick = self._tick(quote.code)
        price = quote.last if quote.last > 0 else (quote.open if quote.open > 0 else quote.prev_close)
        if index == 0 and quote.open > 0:
            price = quote.open  # snapshot 0's last is the opening-auction price the exchange uses
        bids = _levels(quote.bids, tick)
        asks = _levels(quote.asks, tick)
        return Snapshot(index, to_ticks(price, tick), bids, asks, traded)

    def _flat(self, code: str, index: int) -> Snapshot:
        """No data at all: the reference price and an empty book (orders rest; market orders find nothing)."""
        ref = self._table.reference(code)
        if ref is None:
            return Snapshot(index, 1, (), (), 0)
        return Snapshot(index, to_ticks(ref.prev_close, tick_size(ref.security)), (), (), 0)


def _levels(levels: Iterable[tuple[Decimal, int]], tick: Decimal) -> tuple[tuple[int, int], ...]:
    return tuple((to_ticks(p, tick), int(v)) for p, v in levels if p > 0 and v > 0)[:DEPTH]
