"""One serial lane per client: broker calls run one at a time, in order, with a deadline.

A desktop client has one GUI; two requests driving it at once interleave keystrokes (the peers' most
dangerous bug). Each connected client therefore gets one worker thread that takes calls from a queue:
cancels before everything else, then first come first served. A caller waits at most its deadline (the
spec's 30 s). A call still queued when its caller gives up is dropped, never run later behind the
caller's back; a call already running when the deadline passes has an unknown outcome, and says so.

The lane, not the adapters, is the layer that serialises a client: it has exactly one worker thread, and
the tests hold it to that (tests/unit/test_lane.py). A lane is closed with its client (``exit``): the
worker ends, and calls still queued are answered 未执行 (they never reached the client).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..domain.errors import NotConnected, NotExecuted, OutcomeUnknown

T = TypeVar("T")

PRIORITY_CLOSE = -1  # closing the lane goes before everything still queued
PRIORITY_CANCEL = 0
PRIORITY_NORMAL = 1
CLOSED_TEXT = "客户端已退出，操作未执行：{label}"
BUSY_TEXT = "客户端繁忙，{deadline:g}秒内未能执行：{label}（未执行）"
DEFAULT_DEADLINE = 30.0

# The moment (time.monotonic) by which the request being served must have its answer, when something
# before the lane already spent part of its deadline (api/order_gate.py): a lane call then waits only
# for what is left, so the caller never waits longer than its deadline in all.
_DEADLINE_AT: ContextVar[float | None] = ContextVar("lane_deadline_at", default=None)


@contextlib.contextmanager
def within(deadline_at: float) -> Iterator[None]:
    """Lane calls made inside (in this context, and in worker threads it starts) end by ``deadline_at``."""
    outer = _DEADLINE_AT.get()
    token = _DEADLINE_AT.set(deadline_at if outer is None else min(outer, deadline_at))
    try:
        yield
    finally:
        _DEADLINE_AT.reset(token)


def time_left(deadline: float) -> float:
    """How long a call with ``deadline`` may wait now: the deadline, or less when :func:`within` says."""
    at = _DEADLINE_AT.get()
    return deadline if at is None else max(0.0, min(deadline, at - time.monotonic()))


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    fn: Callable[[], Any] = field(compare=False)
    future: Future = field(compare=False)
    label: str = field(compare=False, default="")
    abandoned: bool = field(compare=False, default=False)


class LaneState(abc.ABC):
    """What every lane reports (``/health``) and how the routes ask whether it is free: the part the
    thread lane and the in-process one (:mod:`.inline_lane`) share."""

    inline = False  # True: a route may make the call right on the event loop (api/order_calls.py)

    def __init__(self, name: str) -> None:
        self.name = name
        self.in_flight: str | None = None
        self.last_error: str | None = None
        self.completed = 0

    @property
    @abc.abstractmethod
    def depth(self) -> int:
        """Calls waiting for the lane."""

    @property
    def idle(self) -> bool:
        """No call running and none waiting (a hint: another thread may start one at any moment)."""
        return self.in_flight is None and self.depth == 0

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "queue_depth": self.depth,
            "in_flight": self.in_flight,
            "last_error": self.last_error,
            "completed": self.completed,
        }


class Lane(LaneState):
    def __init__(self, name: str, *, pacing: float = 0.0) -> None:
        super().__init__(name)
        self.pacing = pacing  # minimum seconds between two calls (configurable GUI pacing)
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._last_end = 0.0
        self._closed = False
        self._thread = threading.Thread(target=self._work, name=f"lane-{name}", daemon=True)
        self._thread.start()

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    def run(
        self,
        fn: Callable[[], T],
        *,
        label: str = "",
        deadline: float = DEFAULT_DEADLINE,
        priority: int = PRIORITY_NORMAL,
    ) -> T:
        job = self._submit(fn, label, priority)
        try:
            return job.future.result(timeout=time_left(deadline))
        except TimeoutError:
            return self._past_deadline(job, deadline)

    async def run_async(
        self,
        fn: Callable[[], T],
        *,
        label: str = "",
        deadline: float = DEFAULT_DEADLINE,
        priority: int = PRIORITY_NORMAL,
    ) -> T:
        """:meth:`run` for a caller on an event loop: the same queue, worker and deadline rules, but the
        loop awaits the job's future instead of parking a pool thread on it. A route that would hand the
        call to a worker thread only for that thread to wait on the lane saves two thread hand-offs per
        call (loop → worker → lane → worker → loop becomes loop → lane → loop; issue 15). The caller's
        task being cancelled does not cancel the job: like a worker thread's caller, it runs to its end."""
        job = self._submit(fn, label, priority)
        waiting = asyncio.wrap_future(job.future)
        waiting.add_done_callback(_retrieve)  # an outcome nobody awaits any more is not an error to log
        done, _ = await asyncio.wait((waiting,), timeout=time_left(deadline))
        if done:
            return waiting.result()
        return self._past_deadline(job, deadline)

    def _submit(self, fn: Callable[[], T], label: str, priority: int) -> _Job:
        job = _Job(priority, next(self._seq), fn, Future(), label)
        with self._lock:
            if self._closed:
                raise NotConnected(CLOSED_TEXT.format(label=label or "操作"))
            self._queue.put(job)
        return job

    def _past_deadline(self, job: _Job, deadline: float) -> Any:
        """The caller's deadline passed: a job still queued is dropped (未执行), one running is 结果未知."""
        label = job.label
        with self._lock:
            started = job.future.running() or job.future.done()
            job.abandoned = not started
        if job.future.done():
            return job.future.result()  # finished between the timeout and the lock
        if not started:
            raise NotExecuted(BUSY_TEXT.format(deadline=deadline, label=label or "操作")) from None
        raise OutcomeUnknown(
            f"操作超时（{deadline:g}秒）：{label or '操作'}，结果未知，请查询当日委托确认"
        ) from None

    def close(self, timeout: float = 5.0) -> None:
        """End the worker after the call in flight; calls still queued are answered 未执行. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_Job(PRIORITY_CLOSE, next(self._seq), lambda: None, Future(), "close"))
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _drain(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                if job.abandoned or not job.future.set_running_or_notify_cancel():
                    continue
            job.future.set_exception(NotConnected(CLOSED_TEXT.format(label=job.label or "操作")))

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job.priority == PRIORITY_CLOSE:
                self._drain()
                return
            with self._lock:
                if job.abandoned or not job.future.set_running_or_notify_cancel():
                    continue
                self.in_flight = job.label
            wait = self.pacing - (time.monotonic() - self._last_end)
            if wait > 0:
                time.sleep(wait)  # configured pacing between GUI actions, off by default
            error: BaseException | None = None
            try:
                value = job.fn()
            except BaseException as exc:
                value, error = None, exc
                self.last_error = f"{type(exc).__name__}: {exc}"
            # The lane's own bookkeeping before the caller wakes: a caller that got its answer sees the
            # job counted in ``completed`` and the lane no longer busy with it.
            self._last_end = time.monotonic()
            self.in_flight = None
            self.completed += 1
            if error is None:
                job.future.set_result(value)
            else:
                job.future.set_exception(error)


def _retrieve(waiting: asyncio.Future[Any]) -> None:
    if not waiting.cancelled():
        waiting.exception()
