"""Where in the trading day a moment falls, as positions on one day's event line.

The paper exchange processes a day as an ordered line of events per security: the opening call
auction (position 0), the continuous-trading snapshots k = 0…4739 (positions 1…4740), and the closing
call auction (position 4741). Knowing the position of "now" lets the exchange catch the market up
lazily, on the next call, exactly as if it had been running all along.
"""

from __future__ import annotations

import datetime as dt

from ...domain.sessions import MarketState, Phase
from .quotes import SNAPSHOT_SECONDS, SNAPSHOTS_PER_DAY

OPEN_AUCTION = 0
CLOSING_AUCTION_START_K = 4740  # 14:57 is the 4,740th snapshot of continuous trading
CLOSE_AUCTION = CLOSING_AUCTION_START_K + 1
BEFORE_OPEN = -1
DEMO_CATCH_UP = 200  # in demo mode the market is replayed at most this many snapshots back


def continuous_index(t: dt.time) -> int:
    """The snapshot index of a time in continuous trading (morning 0…2399, afternoon 2400…4799)."""
    secs = t.hour * 3600 + t.minute * 60 + t.second
    morning = secs < 13 * 3600
    elapsed = secs - (9 * 3600 + 30 * 60) if morning else 2 * 3600 + secs - 13 * 3600
    return max(0, min(SNAPSHOTS_PER_DAY - 1, elapsed // SNAPSHOT_SECONDS))


def demo_index(t: dt.time) -> int:
    """In demo mode the day's path loops with the wall clock, so the market always moves."""
    secs = t.hour * 3600 + t.minute * 60 + t.second
    return (secs // SNAPSHOT_SECONDS) % SNAPSHOTS_PER_DAY


def demo_position(t: dt.time) -> int:
    """In demo mode: the 3-second step of the day, counted on (not looped), so positions only grow."""
    return (t.hour * 3600 + t.minute * 60 + t.second) // SNAPSHOT_SECONDS


def position_at(state: MarketState, t: dt.time) -> int:
    """The position of ``t`` on the day's line: what an order arriving now has already met."""
    return demo_position(t) if state.demo else target_position(state, t)


def target_position(state: MarketState, t: dt.time) -> int:
    """How far the day's event line has run at time ``t``."""
    phase = state.phase
    if not state.trading_day or phase in (
        Phase.PRE_OPEN,
        Phase.OPENING_AUCTION,
        Phase.OPENING_AUCTION_LOCKED,
    ):
        return BEFORE_OPEN
    if phase is Phase.PRE_CONTINUOUS:
        return OPEN_AUCTION
    if phase is Phase.CONTINUOUS:
        return 1 + continuous_index(t)
    if phase is Phase.LUNCH:
        return 2400
    if phase is Phase.CLOSING_AUCTION:
        return CLOSING_AUCTION_START_K
    return CLOSE_AUCTION  # after the close


def snapshot_index_at(state: MarketState, t: dt.time) -> int:
    """The snapshot the market shows at ``t`` (its last one outside continuous trading)."""
    if state.demo:
        return demo_index(t)
    pos = target_position(state, t)
    if pos <= OPEN_AUCTION:
        return 0
    return min(pos - 1, SNAPSHOTS_PER_DAY - 1)
