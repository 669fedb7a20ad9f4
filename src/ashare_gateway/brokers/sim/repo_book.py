"""The 国债逆回购 rate book of the paper exchange: a synthetic, deterministic market of borrowers' bids.

The bundled quote sources carry no repo rates, so the paper exchange makes its own book, a pure function
of (code, day, snapshot) like :class:`~.quotes.OfflineQuotes`: every run sees the same rates.

- Hours: 9:30–11:30 and 13:00–15:30 (both exchanges), one snapshot per 3 seconds: 0–2399 in the
  morning, 2400–5399 in the afternoon.
- Level: a base rate per tenor (GC001 1.40 %, rising with the tenor to 1.75 % for 182 days; Shenzhen
  0.01 point above Shanghai), shifted per day by up to ±0.25 point, then a walk of whole 0.005 ticks
  that reverts to the day's level and stays within 30 ticks of it.
- Depth: five bids (borrowers, the side a lender sells to) from ``last`` down one tick each and five
  asks from one tick above; every level shows 100,000–2,000,000 张, more than one order may take
  (100,000 张), so an order that meets a bid fills whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from ...domain import repo

SNAPSHOTS = 5400
AFTERNOON_FIRST = 2400
MORNING = (dt.time(9, 30), dt.time(11, 30))
AFTERNOON = (dt.time(13, 0), dt.time(15, 30))
DEPTH = 5
MAX_DRIFT = 30  # ticks

_BASE = {
    1: "1.40",
    2: "1.42",
    3: "1.44",
    4: "1.46",
    7: "1.52",
    14: "1.58",
    28: "1.64",
    91: "1.70",
    182: "1.75",
}  # % a year, by tenor
_SZ_PREMIUM = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RateSnapshot:
    """Rates in ticks of 0.005 %; volumes in 张."""

    last: int
    bids: list[tuple[int, int]]
    asks: list[tuple[int, int]]


def is_open(t: dt.time) -> bool:
    return MORNING[0] <= t < MORNING[1] or AFTERNOON[0] <= t < AFTERNOON[1]


def index_at(t: dt.time) -> int:
    """The snapshot a moment of a trading day shows: −1 before 9:30, the last one held over lunch."""
    if t < MORNING[0]:
        return -1
    if t < MORNING[1]:
        return _seconds(MORNING[0], t) // 3
    if t < AFTERNOON[0]:
        return AFTERNOON_FIRST - 1
    if t < AFTERNOON[1]:
        return AFTERNOON_FIRST + _seconds(AFTERNOON[0], t) // 3
    return SNAPSHOTS - 1


def _seconds(start: dt.time, t: dt.time) -> int:
    return (t.hour - start.hour) * 3600 + (t.minute - start.minute) * 60 + t.second


def to_rate(ticks: int) -> Decimal:
    return repo.RATE_TICK * ticks


def base_rate(code: str) -> Decimal:
    inst = repo.instrument(code)
    base = Decimal(_BASE[inst.days])
    return base + _SZ_PREMIUM if inst.market.value == "sz" else base


@functools.lru_cache(maxsize=64)
def day_path(code: str, day: dt.date) -> tuple[int, ...]:
    """The day's last rate (ticks) at every snapshot."""
    rnd = random.Random(f"repo:{code}:{day.isoformat()}")
    level = int(base_rate(code) / repo.RATE_TICK) + rnd.randint(-50, 50)
    drift, path = 0, []
    for _ in range(SNAPSHOTS):
        if rnd.random() < 0.08:
            step = rnd.choice((-1, 1))
            if abs(drift) > 10 and rnd.random() < 0.6:
                step = -1 if drift > 0 else 1  # revert towards the day's level
            drift = max(-MAX_DRIFT, min(MAX_DRIFT, drift + step))
        path.append(max(1, level + drift))
    return tuple(path)


def snapshot(code: str, day: dt.date, index: int) -> RateSnapshot:
    last = day_path(code, day)[max(0, min(index, SNAPSHOTS - 1))]
    rnd = random.Random(f"repo-depth:{code}:{day.isoformat()}:{index}")
    bids = [(last - k, rnd.randint(10, 200) * 10_000) for k in range(DEPTH) if last - k >= 1]
    asks = [(last + 1 + k, rnd.randint(10, 200) * 10_000) for k in range(DEPTH)]
    return RateSnapshot(last, bids, asks)


def first_at_or_above(code: str, day: dt.date, after: int, upto: int, ticks: int) -> int | None:
    """The first snapshot in (after, upto] whose bid1 reaches ``ticks`` (a resting lender's rate)."""
    path = day_path(code, day)
    for k in range(max(0, after + 1), min(upto, SNAPSHOTS - 1) + 1):
        if path[k] >= ticks:
            return k
    return None


def time_of(index: int) -> dt.time:
    """The moment a snapshot begins (for the 成交时间 of a resting order's fill)."""
    start, k = (MORNING[0], index) if index < AFTERNOON_FIRST else (AFTERNOON[0], index - AFTERNOON_FIRST)
    seconds = start.hour * 3600 + start.minute * 60 + 3 * k
    return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
