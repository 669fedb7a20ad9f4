"""KeepAlive: a harmless key now and then, so the client never reaches its idle lock in the first place."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class KeepAlive:
    """A daemon thread that calls ``tick`` every ``interval`` seconds until stopped.

    ``Event.wait`` is a timer between keep-alive ticks, not a wait in the client path: no operation
    waits on it.
    """

    def __init__(self, tick: Callable[[], None], interval: float) -> None:
        self._tick = tick
        self.interval = interval
        self._stop = threading.Event()
        self.ticks = 0
        self._thread = threading.Thread(target=self._run, name="xiadan-keepalive", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._tick()
                self.ticks += 1
            except Exception:
                log.warning("keep-alive tick failed", exc_info=True)
