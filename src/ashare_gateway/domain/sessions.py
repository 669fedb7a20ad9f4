"""Trading days and the phases of a trading day (dossier §6), from the XSHG exchange calendar.

``exchange-calendars`` knows holidays only as far ahead as it has been published; beyond its last
session, weekdays count as trading days (and the gap is logged once), which is the exchanges' own rule
for days not yet announced.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from enum import StrEnum

from .instruments import Board, Kind, Security

log = logging.getLogger(__name__)

AFTER_HOURS_ALL = dt.date(2026, 7, 6)  # after-hours fixed price for all A-shares and ETFs
SSE_FUND_CLOSING_AUCTION = dt.date(2026, 7, 6)


class Phase(StrEnum):
    CLOSED = "休市"
    PRE_OPEN = "开盘前"
    OPENING_AUCTION = "开盘集合竞价"
    OPENING_AUCTION_LOCKED = "开盘集合竞价（不可撤单）"
    PRE_CONTINUOUS = "集合竞价撮合"
    CONTINUOUS = "连续竞价"
    LUNCH = "午间休市"
    CLOSING_AUCTION = "收盘集合竞价"
    POST_CLOSE = "收盘"
    AFTER_HOURS = "盘后固定价格交易"

    @property
    def can_cancel(self) -> bool:
        return self not in (Phase.OPENING_AUCTION_LOCKED, Phase.CLOSING_AUCTION, Phase.PRE_CONTINUOUS)


_T = dt.time
_SCHEDULE: list[tuple[dt.time, dt.time, Phase]] = [
    (_T(9, 15), _T(9, 20), Phase.OPENING_AUCTION),
    (_T(9, 20), _T(9, 25), Phase.OPENING_AUCTION_LOCKED),
    (_T(9, 25), _T(9, 30), Phase.PRE_CONTINUOUS),
    (_T(9, 30), _T(11, 30), Phase.CONTINUOUS),
    (_T(11, 30), _T(13, 0), Phase.LUNCH),
    (_T(13, 0), _T(14, 57), Phase.CONTINUOUS),
    (_T(14, 57), _T(15, 0), Phase.CLOSING_AUCTION),
    (_T(15, 0), _T(15, 5), Phase.POST_CLOSE),
    (_T(15, 5), _T(15, 30), Phase.AFTER_HOURS),
]


@dataclass(frozen=True, slots=True)
class MarketState:
    trading_day: bool
    phase: Phase
    demo: bool = False

    @property
    def accepts_market_orders(self) -> bool:
        return self.phase is Phase.CONTINUOUS

    @property
    def orders_go_to_exchange(self) -> bool:
        """Whether a new order is reported now; otherwise it waits as 未报 for the next session."""
        return self.phase in (
            Phase.OPENING_AUCTION,
            Phase.OPENING_AUCTION_LOCKED,
            Phase.CONTINUOUS,
            Phase.CLOSING_AUCTION,
        )


class TradingCalendar:
    """XSHG trading days; ``always_open`` is the explicit demo mode in which every moment is continuous."""

    def __init__(self, *, always_open: bool = False) -> None:
        self.always_open = always_open

    @functools.cached_property
    def _calendar(self):
        import exchange_calendars  # imported lazily: it loads pandas, which start-up does not need

        return exchange_calendars.get_calendar("XSHG")

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one calendar per process, bounded cache
    def is_trading_day(self, day: dt.date) -> bool:
        cal = self._calendar
        first, last = cal.first_session.date(), cal.last_session.date()
        if first <= day <= last:
            return bool(cal.is_session(day.isoformat()))
        if day > last:
            _warn_beyond(last)
        return day.weekday() < 5

    def next_trading_day(self, day: dt.date) -> dt.date:
        nxt = day + dt.timedelta(days=1)
        while not self.is_trading_day(nxt):
            nxt += dt.timedelta(days=1)
        return nxt

    def previous_trading_day(self, day: dt.date) -> dt.date:
        prv = day - dt.timedelta(days=1)
        while not self.is_trading_day(prv):
            prv -= dt.timedelta(days=1)
        return prv

    def trading_days_between(self, start: dt.date, end: dt.date) -> int:
        """Trading days in [start, end], for counting days since listing."""
        n, day = 0, start
        while day <= end:
            n += self.is_trading_day(day)
            day += dt.timedelta(days=1)
        return n

    def state(self, when: dt.datetime) -> MarketState:
        if self.always_open:
            return MarketState(True, Phase.CONTINUOUS, demo=True)
        if not self.is_trading_day(when.date()):
            return MarketState(False, Phase.CLOSED)
        return MarketState(True, phase_at(when.time()))


def phase_at(t: dt.time) -> Phase:
    for start, end, phase in _SCHEDULE:
        if start <= t < end:
            return phase
    return Phase.PRE_OPEN if t < _T(9, 15) else Phase.CLOSED


def has_after_hours(sec: Security, on: dt.date) -> bool:
    """After-hours fixed-price trading: STAR and ChiNext always; all A-shares and ETFs from 2026-07-06."""
    if sec.board in (Board.STAR, Board.CHINEXT):
        return sec.kind is Kind.STOCK
    if on >= AFTER_HOURS_ALL:
        return sec.kind in (Kind.STOCK, Kind.FUND)
    return False


def has_closing_auction(sec: Security, on: dt.date) -> bool:
    """SSE funds trade continuously to 15:00 until 2026-07-06, then join the closing call auction."""
    if sec.kind is Kind.FUND and sec.market.value == "sh":
        return on >= SSE_FUND_CLOSING_AUCTION
    return True


@functools.lru_cache(maxsize=1)
def _warn_beyond(last: dt.date) -> None:
    log.warning("exchange calendar ends %s: later weekdays are taken as trading days", last)
