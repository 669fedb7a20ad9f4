"""Identical reads that arrive together share one client read.

A GUI read costs hundreds of milliseconds (a grid copy, maybe a captcha). When 50 strategies ask for
the balance in the same instant, the client is asked once: the first caller reads through the lane,
the others wait for that same result, and a result younger than the freshness window is served as is.
Any order, cancel or refresh invalidates what is cached, so a read never predates the caller's own
order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class ReadCoalescer:
    def __init__(self, freshness: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.freshness = freshness
        self._clock = clock
        self._lock = threading.Lock()
        self._fresh: dict[str, tuple[float, int, Any]] = {}  # name → (read at, generation, value)
        self._inflight: dict[str, tuple[int, Future]] = {}
        self._generation = 0
        self.reads = 0  # client reads actually made (for the benchmark and tests)
        self.shared = 0  # calls answered by another caller's read

    def read(self, name: str, fn: Callable[[], T]) -> T:
        with self._lock:
            cached = self._fresh.get(name)
            if cached and cached[1] == self._generation and self._clock() - cached[0] <= self.freshness:
                self.shared += 1
                return cached[2]
            flight = self._inflight.get(name)
            if flight and flight[0] == self._generation:
                self.shared += 1
                future = flight[1]
                leader = False
            else:
                future = Future()
                self._inflight[name] = (self._generation, future)
                generation = self._generation
                leader = True
        if not leader:
            return future.result()
        try:
            value = fn()
        except BaseException as exc:
            with self._lock:
                self._inflight.pop(name, None)
            future.set_exception(exc)
            raise
        with self._lock:
            self.reads += 1
            self._inflight.pop(name, None)
            if generation == self._generation:
                self._fresh[name] = (self._clock(), generation, value)
        future.set_result(value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._fresh.clear()
