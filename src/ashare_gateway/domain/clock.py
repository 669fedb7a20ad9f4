"""Clocks: the market's time is always Asia/Shanghai, and tests move it by hand."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Aware datetime in Asia/Shanghai."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(SHANGHAI)


class ManualClock:
    """A clock that only moves when told to: tests set it to the edge of each trading phase."""

    def __init__(self, start: dt.datetime | str) -> None:
        self._lock = threading.Lock()
        self._now = _aware(start)

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, when: dt.datetime | str) -> None:
        with self._lock:
            self._now = _aware(when)

    def advance(self, seconds: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            return self._now


def _aware(value: dt.datetime | str) -> dt.datetime:
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.replace(tzinfo=SHANGHAI) if when.tzinfo is None else when.astimezone(SHANGHAI)


class SimulatedClock:
    """The paper market's own time (``serve --start-at``): starts at a given moment, runs ``speed`` times
    as fast as the wall clock (0: only moves when told), and jumps forward on request.

    Monotonic underneath, so a change of the computer's clock does not move it. It never goes back:
    a jump to an earlier moment is refused, because the exchange's books only move forward.
    """

    MAX_SPEED = 1000.0

    def __init__(self, start: dt.datetime | str, speed: float = 1.0) -> None:
        if not 0 <= speed <= self.MAX_SPEED:
            raise ValueError(f"时钟倍速须在 0 到 {self.MAX_SPEED:g} 之间：{speed}")
        self._lock = threading.Lock()
        self.speed = float(speed)
        self._base = _aware(start)
        self._mono = time.monotonic()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._base + dt.timedelta(seconds=(time.monotonic() - self._mono) * self.speed)

    def jump(self, when: dt.datetime) -> dt.datetime:
        """Move to ``when`` (later than now) and run on from there."""
        target = _aware(when)
        with self._lock:
            current = self._base + dt.timedelta(seconds=(time.monotonic() - self._mono) * self.speed)
            if target < current:
                raise ValueError("模拟时钟不能倒退")
            self._base, self._mono = target, time.monotonic()
            return target


def parse_start(text: str) -> dt.datetime:
    """``--start-at``: "YYYY-MM-DD HH:MM" (or with seconds), Beijing time."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f'--start-at 格式错误：{text}（应为 "YYYY-MM-DD HH:MM"，北京时间）') from None
    return _aware(when)
