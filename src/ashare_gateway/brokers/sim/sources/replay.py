"""Replay of recorded market data (CSV or Parquet) as the paper exchange's quote source.

Why: the offline walk is deterministic but invented; a recorded day lets a strategy be tried against
what the market really did, with the same matching, fees and rules. Two layouts are accepted, told
apart by their columns (names are case-insensitive; extra columns are ignored):

**Ticks / Level-1 snapshots** — ``time, code, last, volume`` and optionally ``bid1..bid5,
bid_vol1..bid_vol5, ask1..ask5, ask_vol1..ask_vol5``. ``volume`` is the day's *cumulative* volume in
shares, as Level-1 feeds report it; the volume traded in a snapshot is its increase. Rows without depth
get a synthesised book around ``last``.

**Bars** — ``time, code, open, high, low, close, volume`` with ``volume`` traded *in the bar*. ``time``
is the bar's end, the Chinese vendors' convention (the 09:31 one-minute bar covers 09:30–09:31); a bar
spans the snapshots since the previous bar's end (the first bar: one bar length back). A code-day with a
single bar (daily bars) spans the whole day. Inside a bar the price walks open → low → high → close (or
open → high → low → close on a down bar), the volume is spread evenly, and the depth is synthesised:
five levels a tick apart each side, sized from the bar's volume.

Both layouts may add ``prev_close`` and ``name`` (the first row of a code's first day counts). ``time``
is ``YYYY-MM-DD HH:MM:SS`` (``T`` or ``/`` also accepted, or ``YYYYMMDDHHMMSS``, or a datetime in
Parquet), Beijing time. Times map to the 3-second grid with :func:`~.base.snapshot_index`; between
recorded rows the book stays as last recorded and nothing trades.

Days: a day present in the file replays as recorded; any other day replays the file's days in turn
(day ordinal modulo the number of recorded days), so a one-day recording can drive a live clock. Codes
the file does not hold come from ``fallback`` (the offline walk by default), so the demo account's
holdings still have prices. Limitation: a :class:`~..quotes.Reference` has one prior close for all days
(the protocol has no day), so a multi-day recording's later days use the first day's price limits.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ....domain.clock import SHANGHAI
from ....domain.errors import InvalidParameter
from ....domain.instruments import Kind, Security, parse_security
from ....domain.rules import tick_size
from ..quotes import DEPTH, SNAPSHOTS_PER_DAY, IpoOffer, OfflineQuotes, QuoteSource, Reference, Snapshot
from .base import reference_for, snapshot_index, to_ticks

TICK_COLUMNS = ("time", "code", "last", "volume")
BAR_COLUMNS = ("time", "code", "open", "high", "low", "close", "volume")
DEFAULT_BAR_SECONDS = 60


_Clock = dt.time | None  # a time of day; None for a daily bar


class ReplayError(ValueError):
    """The recording cannot be read: missing columns, bad times or prices (message says where)."""


@dataclass(frozen=True, slots=True)
class _Bar:
    end: dt.time | None  # None: a daily bar
    open: int
    high: int
    low: int
    close: int
    volume: int


class ReplayQuotes:
    """A :class:`QuoteSource` replaying a recorded CSV/Parquet file (or a folder of them)."""

    def __init__(self, path: str | Path, *, fallback: QuoteSource | None = None) -> None:
        self.path = Path(path)
        self._fallback: QuoteSource = fallback if fallback is not None else OfflineQuotes()
        self._ticks: dict[tuple[str, dt.date], tuple[list[int], list[Snapshot]]] = {}
        self._bars: dict[tuple[str, dt.date], list[_Bar]] = {}
        self._days: dict[str, list[dt.date]] = {}
        self._day_sets: dict[str, set[dt.date]] = {}
        self._refs: dict[str, Reference] = {}
        self._load(_read_rows(self.path))

    # --- QuoteSource ----------------------------------------------------------------------------
    def reference(self, code: str) -> Reference | None:
        return self._refs.get(code) or self._fallback.reference(code)

    def codes(self) -> list[str]:
        return sorted(set(self._refs) | set(self._fallback.codes()))

    def ipos(self, day: dt.date) -> list[IpoOffer]:
        return self._fallback.ipos(day)

    def snapshot(self, code: str, day: dt.date, index: int) -> Snapshot:
        days = self._days.get(code)
        if not days:
            return self._fallback.snapshot(code, day, index)
        index = max(0, min(index, SNAPSHOTS_PER_DAY - 1))
        recorded = day if day in self._day_sets[code] else days[day.toordinal() % len(days)]
        key = (code, recorded)
        if key in self._ticks:
            indices, snaps = self._ticks[key]
            pos = _floor(indices, index)
            snap = snaps[max(pos, 0)]
            return snap if snap.index == index else Snapshot(index, snap.last, snap.bids, snap.asks, 0)
        last, traded = self._bar_path(code, recorded)
        ref = self._refs[code]
        return _synth(ref.security, code, recorded, index, last[index], traded[index])

    @property
    def recorded_days(self) -> dict[str, list[dt.date]]:
        """Per code, the days the file holds (sorted)."""
        return {c: list(d) for c, d in self._days.items()}

    # --- loading ----------------------------------------------------------------------------------
    def _load(self, rows: Iterable[Mapping[str, Any]]) -> None:
        layouts: dict[frozenset[str], str] = {}  # per column set: a folder may mix ticks and bars files
        tick_rows: dict[tuple[str, dt.date], list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
        bar_rows: dict[tuple[str, dt.date], list[tuple[_Clock, Mapping[str, Any]]]] = defaultdict(list)
        first: dict[str, tuple[dt.date, _Clock, Mapping[str, Any], str]] = {}
        securities: dict[str, Security] = {}
        for n, raw in enumerate(rows, start=2):
            row = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
            columns = frozenset(row)
            layout = layouts.get(columns) or layouts.setdefault(columns, _layout(columns))
            try:
                sec = securities.get(str(row["code"])) or parse_security(row["code"], field="code")
            except InvalidParameter as exc:
                raise ReplayError(f"{self.path}: row {n}: bad code {row['code']!r}: {exc}") from None
            securities[str(row["code"])] = sec
            day, clock = _parse_time(row["time"], where=f"{self.path}: row {n}")
            code = sec.code
            seen = first.get(code)
            if seen is None or (day, clock or dt.time(0)) < (seen[0], seen[1] or dt.time(0)):
                first[code] = (day, clock, row, layout)
            if layout == "ticks":
                tick_rows[(code, day)].append((snapshot_index(clock or dt.time(15)), row))
            else:
                bar_rows[(code, day)].append((clock, row))
        if not first:
            raise ReplayError(f"{self.path}: no rows")
        sec_by_code = {s.code: s for s in securities.values()}
        for code, (_, _, row, layout) in first.items():
            self._refs[code] = self._reference(sec_by_code[code], row, layout)
        for (code, day), items in tick_rows.items():
            self._ticks[(code, day)] = _tick_snapshots(sec_by_code[code], items, self.path)
        for (code, day), items in bar_rows.items():
            self._bars[(code, day)] = _bars(sec_by_code[code], items, self.path)
        days: dict[str, set[dt.date]] = defaultdict(set)
        for code, day in (*self._ticks, *self._bars):
            days[code].add(day)
        self._days = {code: sorted(d) for code, d in days.items()}
        self._day_sets = {code: set(d) for code, d in days.items()}

    def _reference(self, sec: Security, row: Mapping[str, Any], layout: str) -> Reference:
        base = self._fallback.reference(sec.code)
        prev = _decimal(row.get("prev_close"))
        if prev is None or prev <= 0:
            prev = base.prev_close if base else _decimal(row["last" if layout == "ticks" else "open"])
        name = str(row.get("name") or "").strip() or (base.name if base else sec.code)
        ref = reference_for(sec.code, name=name, prev_close=prev or Decimal(0), base=base)
        if ref is None:
            raise ReplayError(f"{self.path}: no usable prior close for {sec.code}")
        return ref

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one replay per exchange; bounded
    def _bar_path(self, code: str, day: dt.date) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Per-snapshot last price (ticks) and traded volume for a code-day recorded as bars."""
        bars = self._bars[(code, day)]
        lot = 10 if self._refs[code].security.kind is Kind.CONVERTIBLE_BOND else 100
        last: list[int | None] = [None] * SNAPSHOTS_PER_DAY
        traded = [0] * SNAPSHOTS_PER_DAY
        for start, stop, bar in _bar_spans(bars):
            n = stop - start
            up = bar.close >= bar.open
            anchors = (bar.open, bar.low if up else bar.high, bar.high if up else bar.low, bar.close)
            for k, price in enumerate(_walk(anchors, n)):
                last[start + k] = price
            lots, extra = divmod(bar.volume // lot, n)
            for k in range(n):
                traded[start + k] = (lots + (k < extra)) * lot
        filled: list[int] = []
        carry = next((p for p in last if p is not None), bars[0].open)
        for p in last:
            carry = p if p is not None else carry
            filled.append(carry)
        return tuple(filled), tuple(traded)


# --- reading ------------------------------------------------------------------------------------------
def _read_rows(path: Path) -> Iterator[Mapping[str, Any]]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".parquet", ".pq"))
        if not files:
            raise ReplayError(f"{path}: no .csv or .parquet files")
        for f in files:
            yield from _read_rows(f)
        return
    if not path.exists():
        raise ReplayError(f"{path}: file not found")
    if path.suffix.lower() in (".parquet", ".pq"):
        yield from _read_parquet(path)
        return
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def _read_parquet(path: Path) -> list[dict[str, Any]]:
    """Parquet through pyarrow (preferred) or pandas; imported here so CSV replay needs neither."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        pq = None
    if pq is not None:
        return pq.read_table(path).to_pylist()
    try:
        import pandas as pd

        return pd.read_parquet(path).to_dict("records")
    except ImportError as exc:  # pandas without any parquet engine raises ImportError too
        raise ReplayError(f"{path}: reading Parquet needs pyarrow: pip install pyarrow") from exc


def _layout(columns: Iterable[str]) -> str:
    cols = set(columns)
    if set(TICK_COLUMNS) <= cols:
        return "ticks"
    if set(BAR_COLUMNS) <= cols:
        return "bars"
    raise ReplayError(
        f"replay columns {sorted(cols)} are neither ticks ({', '.join(TICK_COLUMNS)}) "
        f"nor bars ({', '.join(BAR_COLUMNS)})"
    )


def _parse_time(value: object, *, where: str) -> tuple[dt.date, dt.time | None]:
    """(day, time of day) in Beijing time; time None for a bare date (a daily bar)."""
    if isinstance(value, dt.datetime):
        when = value.astimezone(SHANGHAI).replace(tzinfo=None) if value.tzinfo else value
        return when.date(), when.time()
    if isinstance(value, dt.date):
        return value, None
    text = str(value).strip().replace("/", "-")
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text), None
        if text.isdigit() and len(text) == 14:
            when = dt.datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReplayError(f"{where}: bad time {value!r}") from None
    if when.tzinfo:
        when = when.astimezone(SHANGHAI).replace(tzinfo=None)
    return when.date(), when.time()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        out = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return out if out.is_finite() else None


def _int(value: object) -> int:
    dec = _decimal(value)
    return int(dec) if dec is not None else 0


# --- ticks ----------------------------------------------------------------------------------------------
def _tick_snapshots(
    sec: Security, items: list[tuple[int, Mapping[str, Any]]], path: Path
) -> tuple[list[int], list[Snapshot]]:
    tick = tick_size(sec)
    items.sort(key=lambda it: it[0])  # stable: rows of one index keep file order, the last one wins
    indices: list[int] = []
    snaps: list[Snapshot] = []
    prev_volume: int | None = None
    for index, row in items:
        last = _decimal(row.get("last"))
        if last is None or last <= 0:
            raise ReplayError(f"{path}: {sec.code} at snapshot {index}: bad last {row.get('last')!r}")
        volume = _int(row.get("volume"))
        traded = 0 if prev_volume is None else max(0, volume - prev_volume)
        prev_volume = volume if prev_volume is None else max(prev_volume, volume)
        bids = _depth(row, "bid", tick)
        asks = _depth(row, "ask", tick)
        last_ticks = to_ticks(last, tick)
        if not bids and not asks:
            synth = _synth(sec, sec.code, None, index, last_ticks, traded)
            bids, asks = synth.bids, synth.asks
        if indices and indices[-1] == index:  # several rows in one 3-second step: keep the last, sum volume
            traded += snaps[-1].traded
            indices.pop()
            snaps.pop()
        indices.append(index)
        snaps.append(Snapshot(index, last_ticks, bids, asks, traded))
    return indices, snaps


def _depth(row: Mapping[str, Any], side: str, tick: Decimal) -> tuple[tuple[int, int], ...]:
    out = []
    for i in range(1, DEPTH + 1):
        price = _decimal(row.get(f"{side}{i}"))
        volume = _int(row.get(f"{side}_vol{i}"))
        if price is not None and price > 0 and volume > 0:
            out.append((to_ticks(price, tick), volume))
    return tuple(out)


def _floor(indices: list[int], index: int) -> int:
    """Position of the last recorded index ≤ ``index`` (-1 before the first)."""
    lo, hi = 0, len(indices)
    while lo < hi:
        mid = (lo + hi) // 2
        if indices[mid] <= index:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


# --- bars -----------------------------------------------------------------------------------------------
def _bars(sec: Security, items: list[tuple[dt.time | None, Mapping[str, Any]]], path: Path) -> list[_Bar]:
    tick = tick_size(sec)
    out = []
    for clock, row in items:
        prices = [_decimal(row.get(k)) for k in ("open", "high", "low", "close")]
        if any(p is None or p <= 0 for p in prices):
            raise ReplayError(f"{path}: {sec.code} bar at {clock}: bad prices")
        o, h, lo, c = (to_ticks(p, tick) for p in prices if p is not None)
        out.append(_Bar(clock, o, max(h, o, c), min(lo, o, c), c, _int(row.get("volume"))))
    out.sort(key=lambda b: b.end or dt.time(15))
    return out


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _bar_spans(bars: list[_Bar]) -> Iterator[tuple[int, int, _Bar]]:
    """(first snapshot, one past the last, bar) for each bar; a lone bar spans the day."""
    if len(bars) == 1:
        yield 0, SNAPSHOTS_PER_DAY, bars[0]
        return
    ends = [b.end or dt.time(15) for b in bars]
    gaps = [_seconds(b) - _seconds(a) for a, b in itertools.pairwise(ends) if _seconds(b) > _seconds(a)]
    length = min(gaps) if gaps else DEFAULT_BAR_SECONDS
    start = max(0, _seconds(ends[0]) - length)
    prev = snapshot_index(dt.time(start // 3600, start % 3600 // 60, start % 60))
    for end, bar in zip(ends, bars, strict=True):
        stop = max(prev + 1, snapshot_index(end))
        stop = min(stop, SNAPSHOTS_PER_DAY)
        if stop > prev:
            yield prev, stop, bar
        prev = stop


def _walk(anchors: tuple[int, int, int, int], n: int) -> list[int]:
    """``n`` prices through the four anchors, linearly between them (whole ticks)."""
    if n <= 0:
        return []
    if n < len(anchors):
        return list(anchors[len(anchors) - n :])
    marks = (0, n // 3, (2 * n) // 3, n - 1)
    out = [0] * n
    for leg in range(len(anchors) - 1):
        i0, i1 = marks[leg], marks[leg + 1]
        p0, p1 = anchors[leg], anchors[leg + 1]
        span = max(1, i1 - i0)
        for k in range(i0, i1 + 1):
            out[k] = p0 + round((p1 - p0) * (k - i0) / span)
    return out


def _synth(sec: Security, code: str, day: dt.date | None, index: int, last: int, traded: int) -> Snapshot:
    """Five deterministic levels a tick apart each side, sized from the volume traded around them."""
    lot = 10 if sec.kind is Kind.CONVERTIBLE_BOND else 100
    h = int.from_bytes(hashlib.blake2b(f"{code}:{day}:{index}".encode(), digest_size=8).digest(), "big")
    base = max(5, traded // lot)
    bids = tuple((last - i, lot * (base + (h >> (i * 6)) % 40)) for i in range(DEPTH) if last - i > 0)
    asks = tuple((last + 1 + i, lot * (base + (h >> (30 + i * 6)) % 40)) for i in range(DEPTH))
    return Snapshot(index, last, bids, asks, traded)
