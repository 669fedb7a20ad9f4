"""The lane of an in-process client (the paper exchange): serial by a lock, run in the caller's thread.

A :class:`.lane.Lane` hands each call to its one worker thread and wakes the caller when it is done.
For a desktop client that is the point: its calls take seconds and must never interleave. For the paper
exchange a call is a fraction of a millisecond of Python, and the two hand-offs around it cost more
than the call (measured in one run, c=16: an order + cancel at 4.2 ms of gateway CPU with the thread
lane and the order in a pool thread, 2.3 ms with both in the caller's thread; docs/performance.md).

So a client whose adapter declares :attr:`~ashare_gateway.brokers.base.Capabilities.in_process` gets
this lane instead. What the lane guarantees stays the same:

- **one call at a time**, in any thread: the call runs while the caller holds the lane's lock
  (re-entrant, so a call that makes another call on its own client runs it at once instead of waiting
  for itself);
- **a deadline**: a caller that cannot have the lock within its deadline gets 未执行 (the call never
  ran), exactly as a call still queued at its deadline on the thread lane; a call that started runs to
  its end (it is work in this process, not a GUI that may hang);
- **closed with its client**: a call after :meth:`close` is 客户端已退出.

What it does not keep: the thread lane's priority for cancels. A waiting caller here waits for one
call of well under a millisecond, so there is no queue for a cancel to jump.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from ..domain.errors import NotConnected, NotExecuted
from .lane import BUSY_TEXT, CLOSED_TEXT, DEFAULT_DEADLINE, PRIORITY_NORMAL, LaneState, time_left

T = TypeVar("T")


class InlineLane(LaneState):
    """A :class:`.lane.Lane` without its worker thread (same methods, same answers)."""

    inline = True

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._lock = threading.RLock()
        self._closed = False
        self._waiting = 0  # callers waiting for the lock; changed under _count (``+=`` is not atomic)
        self._count = threading.Lock()

    @property
    def depth(self) -> int:
        """Callers waiting for the lock (the thread lane's queue depth)."""
        return self._waiting

    def run(
        self,
        fn: Callable[[], T],
        *,
        label: str = "",
        deadline: float = DEFAULT_DEADLINE,
        priority: int = PRIORITY_NORMAL,
    ) -> T:
        with self._count:
            self._waiting += 1
        try:
            got = self._lock.acquire(timeout=time_left(deadline))
        finally:
            with self._count:
                self._waiting -= 1
        if not got:
            raise NotExecuted(BUSY_TEXT.format(deadline=deadline, label=label or "操作"))
        try:
            if self._closed:
                raise NotConnected(CLOSED_TEXT.format(label=label or "操作"))
            outer, self.in_flight = self.in_flight, label
            try:
                return fn()
            except BaseException as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                self.in_flight = outer
                self.completed += 1
        finally:
            self._lock.release()

    async def run_async(
        self,
        fn: Callable[[], T],
        *,
        label: str = "",
        deadline: float = DEFAULT_DEADLINE,
        priority: int = PRIORITY_NORMAL,
    ) -> T:
        """On the event loop: the call runs right here when the lane is free (it is short); when another
        thread holds it, the wait is done by a pool thread, so the loop never blocks on the lock."""
        if self._lock.acquire(blocking=False):
            try:
                return self.run(fn, label=label, deadline=deadline, priority=priority)
            finally:
                self._lock.release()
        return await asyncio.to_thread(self.run, fn, label=label, deadline=deadline, priority=priority)

    def close(self, timeout: float = 5.0) -> None:
        """Refuse every call from now on; a call running now ends first (up to ``timeout``). Idempotent."""
        got = self._lock.acquire(timeout=timeout)
        self._closed = True
        if got:
            self._lock.release()

    @property
    def alive(self) -> bool:
        return not self._closed
