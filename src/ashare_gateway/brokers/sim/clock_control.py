"""Moving the paper market's simulated clock: to the next phase, or to the next trading day's open.

The day end on the way (expiry of day orders, the night settlement, IPO draws and T+2 payment) is the
exchange's ordinary catch-up, run right after the jump, so a jump of a week does what a week of
polling would have done.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from ...domain.clock import SimulatedClock, parse_start
from ...domain.errors import Conflict, InvalidParameter
from .exchange import SimExchange

CLOCK_OFF = '模拟时钟未开启：只有纸面交易所以 serve --start-at "YYYY-MM-DD HH:MM" 启动时才能调整时间'


class Advance(StrEnum):
    PHASE = "phase"
    DAY = "day"


def clock_state(exchange: SimExchange) -> dict[str, Any]:
    """The contract's ``data``: enabled, now, phase (Chinese), speed, trading_day."""
    clock = exchange.clock
    now = clock.now()
    state = exchange.state(now)
    enabled = isinstance(clock, SimulatedClock)
    return {
        "enabled": enabled,
        "now": now.strftime("%Y-%m-%d %H:%M:%S"),
        "phase": state.phase.value,
        "speed": clock.speed if enabled else 1,
        "trading_day": state.trading_day,
    }


def parse_advance(value: object) -> Advance:
    try:
        return Advance(value)  # type: ignore[arg-type]
    except ValueError:
        raise InvalidParameter("参数格式错误：advance（应为 phase 或 day）") from None


def parse_target(value: object) -> dt.datetime:
    """``to``: a later moment, "YYYY-MM-DD HH:MM[:SS]" in Beijing time."""
    if not isinstance(value, str):
        raise InvalidParameter('参数格式错误：to（应为"YYYY-MM-DD HH:MM"）')
    try:
        return parse_start(value)
    except ValueError:
        raise InvalidParameter('参数格式错误：to（应为"YYYY-MM-DD HH:MM"）') from None


def advance(exchange: SimExchange, how: Advance | dt.datetime, *, enabled: bool) -> dict[str, Any]:
    """Jump the clock (to the next phase, the next open, or a given later moment) and catch the market
    up; 409 when there is no simulated clock to move."""
    clock = exchange.clock
    if not enabled or not isinstance(clock, SimulatedClock):
        raise Conflict(CLOCK_OFF)
    now = clock.now()
    cal = exchange.calendar
    if isinstance(how, dt.datetime):
        if how < now:
            raise InvalidParameter(f"模拟时钟不能倒退：当前 {now:%Y-%m-%d %H:%M:%S}")
        target = how
    else:
        target = cal.next_phase_start(now) if how is Advance.PHASE else cal.next_open(now)
    clock.jump(target)
    exchange.sync()
    return clock_state(exchange)
