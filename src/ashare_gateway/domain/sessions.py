"""Trading days and the phases of a trading day (dossier §6).

Trading days come from three sources, in this order:

1. user closures (``serve --holidays FILE``: days announced after the installed packages were built);
2. ``exchange-calendars``' XSHG sessions, as far as it has data (4.13.2: until 2026-12-31);
3. beyond that, the ``holidays`` package's financial calendar ``financial_holidays("XSHG")``: its
   fixed-date and lunar holidays are computed for any year, but the State Council's make-up
   arrangement (调休) is only known for the years it lists (0.109: through 2026). The SSE announces
   a year's closures in late December of the year before ("关于…年部分节假日休市安排的通知").

Weekends are never trading days. :attr:`TradingCalendar.data_end` is the last day covered by
announced data; :meth:`TradingCalendar.warning` says so at start-up when it is within 60 days.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .instruments import Board, Kind, Security

log = logging.getLogger(__name__)

WARN_WITHIN = dt.timedelta(days=60)
CLEARING_START = dt.time(15, 30)  # after-hours trading ends; the broker's night settlement runs
CLEARING_END = dt.time(17, 0)  # settled: the next trading day's night orders open
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
    CLEARING = "日终清算"

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
    (CLEARING_START, CLEARING_END, Phase.CLEARING),
]
# Where each phase of a trading day begins; 17:00 begins the night (休市, night orders for the next day).
PHASE_STARTS: tuple[dt.time, ...] = (*(start for start, _end, _phase in _SCHEDULE), CLEARING_END)


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


@functools.cache
def _xshg_sessions() -> tuple[dt.date, dt.date, frozenset[dt.date]]:
    """exchange_calendars' XSHG sessions as dates (first, last, all), read once per process: the package's
    data does not change while it runs, and every calendar (each account, each restart of a gateway in one
    process) would otherwise turn ~8,000 timestamps into dates again."""
    import exchange_calendars  # imported lazily: it loads pandas, which start-up does not need

    cal = exchange_calendars.get_calendar("XSHG")
    days = frozenset(d.date() for d in cal.sessions)
    return cal.first_session.date(), cal.last_session.date(), days


@functools.cache
def _xshg_holidays():
    import holidays

    return holidays.financial_holidays("XSHG")


class TradingCalendar:
    """XSHG trading days; ``always_open`` is the explicit demo mode in which every moment is continuous.

    ``closures`` are extra non-trading days (a user's file, see :func:`read_closures`).
    """

    def __init__(self, *, always_open: bool = False, closures: Iterable[dt.date] = ()) -> None:
        self.always_open = always_open
        self.closures = frozenset(closures)

    @functools.cached_property
    def _sessions(self) -> tuple[dt.date, dt.date, frozenset[dt.date]]:
        return _xshg_sessions()

    @functools.cached_property
    def _holidays(self):
        return _xshg_holidays()

    @functools.cached_property
    def data_end(self) -> dt.date:
        """The last day whose closures were announced (by either package)."""
        last = self._sessions[1]
        announced = _holidays_announced_through()
        return max(last, dt.date(announced, 12, 31)) if announced else last

    def warning(self, today: dt.date) -> str | None:
        """A start-up warning when the announced calendar ends within 60 days of ``today``."""
        if self.always_open or self.data_end - today > WARN_WITHIN:
            return None
        return (
            f"交易日历的公告数据截至 {self.data_end}：之后的休市日按 holidays 包的节假日规则推算"
            "（不含调休），请在交易所公告后用 --holidays 文件补充休市日"
        )

    def load(self) -> None:
        """Load both calendars now (start-up), not on the first order."""
        _ = self._sessions, self._holidays, self.data_end

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one calendar per process, bounded cache
    def is_trading_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        first, last, sessions = self._sessions
        if first <= day <= last:
            return day in sessions
        return day not in self._holidays

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

    def next_phase_start(self, when: dt.datetime) -> dt.datetime:
        """The next moment a phase begins (on a later trading day: its 9:15)."""
        if self.is_trading_day(when.date()):
            for start in PHASE_STARTS:
                if start > when.time():
                    return when.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)
        return self.next_open(when)

    def next_open(self, when: dt.datetime) -> dt.datetime:
        """The next trading day's 9:15 (the opening auction, when night orders go to the exchange)."""
        day = self.next_trading_day(when.date())
        return dt.datetime.combine(day, PHASE_STARTS[0], tzinfo=when.tzinfo)


def read_closures(path: Path) -> list[dt.date]:
    """A closures file: one date (YYYY-MM-DD) per line; ``#`` starts a comment; blank lines are fine."""
    from .errors import InvalidParameter

    if not path.is_file():
        raise InvalidParameter(f"休市日文件不存在：{path}")
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            out.append(dt.date.fromisoformat(line))
        except ValueError:
            raise InvalidParameter(f"休市日文件第{n}行不是日期（应为YYYY-MM-DD）：{line}") from None
    return out


def _holidays_announced_through() -> int | None:
    """The last year for which ``holidays`` lists China's announced special days (调休), if it says."""
    try:
        from holidays.countries.china import ChinaStaticHolidays

        return max(ChinaStaticHolidays.special_public_holidays)
    except (ImportError, AttributeError, ValueError):
        return None


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
