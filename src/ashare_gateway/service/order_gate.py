"""At most a few order requests per account inside the service at once; the others wait on the event loop.

Why: an order request runs in a worker thread (validation, risk, the journal's synced writes), then
waits there for the client's lane, which serves one call at a time anyway. With 64 strategies sending
at once, 40 pool threads (anyio's default) park on the lane and on the journal's lock while all of them
compete with the lane and the event loop for the GIL: each one that wakes from an fsync waits for the
GIL behind the others (the "convoy" of CPython's GIL), and one account's burst takes every pool
thread from the reads and the other accounts. Measured (docs/benchmarks/order-gate.md): under load
from other work, at 16 clients, 2.84 ms of server CPU per order with the gate against 3.79 ms without;
on the idle machine no difference beyond the run's noise. A request waiting here costs
nothing but a parked coroutine, and the lane's order is kept: first come, first served.

What a caller sees does not change: every request still gets its answer, in the order it came; one that
waits longer than its deadline (the spec's 30 s, ``Settings.deadline``) is answered 未执行 before
anything was journalled or sent, as the lane answers a call still queued at its deadline. The time spent
here counts against the same deadline (:func:`.lane.within`), so a caller never waits longer
than it would have without the gate. Cancels do not come through here: they hold no worker thread while
they wait (they are awaited on the loop) and the lane puts them first.

``Settings.orders_in_flight`` (environment ``ASHARE_GATEWAY_ORDERS_IN_FLIGHT``) sets the limit; 0 turns
the gate off.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncIterator

from ..domain.errors import NotExecuted
from .lane import BUSY_TEXT, within

DEFAULT_ORDERS_IN_FLIGHT = 4


class OrderGate:
    def __init__(self, limit: int, deadline: float) -> None:
        self.limit = limit
        self.deadline = deadline
        # asyncio primitives belong to one event loop; tests run several apps and loops in one process.
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
            weakref.WeakKeyDictionary()
        )
        self._waiting: dict[str, int] = {}  # changed on the event loop only

    def _semaphore(self, account: str) -> asyncio.Semaphore:
        per_loop = self._slots.setdefault(asyncio.get_running_loop(), {})
        semaphore = per_loop.get(account)
        if semaphore is None:
            semaphore = per_loop[account] = asyncio.Semaphore(self.limit)
        return semaphore

    def waiting(self, account: str) -> int:
        """Order requests of ``account`` waiting for a slot now (any thread may ask)."""
        return self._waiting.get(account, 0)

    @contextlib.asynccontextmanager
    async def admit(self, account: str, label: str = "下单") -> AsyncIterator[None]:
        """Hold one of ``account``'s slots for the body of the ``async with``; the deadline covers the
        wait here and everything the body waits for in the lane."""
        if self.limit <= 0:
            yield
            return
        started = time.monotonic()
        semaphore = self._semaphore(account)
        self._waiting[account] = self._waiting.get(account, 0) + 1
        try:
            async with asyncio.timeout(self.deadline):  # Semaphore.acquire gives a slot it got back
                await semaphore.acquire()  # when cancelled (never a slot lost to the timeout)
        except TimeoutError:
            raise NotExecuted(BUSY_TEXT.format(deadline=self.deadline, label=label)) from None
        finally:
            self._waiting[account] -= 1
        try:
            with within(started + self.deadline):
                yield
        finally:
            semaphore.release()
