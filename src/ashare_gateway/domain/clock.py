"""Clocks: the market's time is always Asia/Shanghai, and tests move it by hand."""

from __future__ import annotations

import datetime as dt
import threading
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
