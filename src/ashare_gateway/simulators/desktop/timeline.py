"""The fake desktop's time: actions due at a moment, settled lazily on the next driver call.

A fake never sleeps: a latency is "not visible until T" or an action due at T, run when the adapter
next looks (``FakeDesktop._tick``). Kept apart so the due-order rule (time, then the order scheduled)
is one small object the desktop owns rather than fields spread across a base class.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable


class Timeline:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._pending: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()

    def later(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` once ``delay`` seconds have passed (now, when ``delay`` is not positive)."""
        if delay <= 0:
            action()
            return
        heapq.heappush(self._pending, (self.clock() + delay, next(self._seq), action))

    def pop_due(self, now: float) -> Callable[[], None] | None:
        """The next action due by ``now`` (earliest first, ties in the order scheduled), or None."""
        if self._pending and self._pending[0][0] <= now:
            return heapq.heappop(self._pending)[2]
        return None

    def clear(self) -> None:
        """The process died: nothing it scheduled happens any more."""
        self._pending.clear()
