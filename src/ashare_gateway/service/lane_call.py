"""One call that changes a client (a cancel, 新股申购, a refresh), checked and ready for its lane.

Why a value and not just a method: the checks before the call (the session, the adapter's capability,
the client's connect-time check) and what follows it (the client's coalesced reads are dropped: they
may no longer be true) are the same whether a worker thread runs it or an HTTP route awaits it on the
event loop (:meth:`.lane.Lane.run_async`: two thread hand-offs fewer per call, issue 15).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .clients import ClientHandle
from .lane import PRIORITY_NORMAL

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LaneCall(Generic[T]):
    handle: ClientHandle
    fn: Callable[[], T]
    label: str
    deadline: float
    priority: int = PRIORITY_NORMAL

    def run(self) -> T:
        """Run it through the client's lane, blocking this thread until it is done or the deadline."""
        try:
            return self.handle.lane.run(
                self.fn, label=self.label, deadline=self.deadline, priority=self.priority
            )
        finally:
            self.handle.reads.invalidate()

    async def run_async(self) -> T:
        """The same, awaited on the event loop."""
        try:
            return await self.handle.lane.run_async(
                self.fn, label=self.label, deadline=self.deadline, priority=self.priority
            )
        finally:
            self.handle.reads.invalidate()
