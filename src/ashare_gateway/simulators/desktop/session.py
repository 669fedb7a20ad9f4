"""The fake desktop's Windows-session lock: what ``client.locked`` is seen from (the real one:
``desktop/win32_session.py``).

A part the :class:`~.desktop.FakeDesktop` holds (``desktop.session``), not a base class: it owns the one
fact it is about, whether the whole desktop takes no input and why, a switch a test turns (Win+L, a
screen saver, an RDP session closed). It shares the desktop's lock and event log, given at creation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

DEFAULT_REASON = "工作站已锁定（锁屏）"


class SessionSwitch:
    def __init__(self, lock: threading.RLock, record: Callable[[str, str], None]) -> None:
        self._lock = lock
        self._record = record
        self.locked: str | None = None  # why the whole desktop takes no input (not the client's lock)

    def reason(self) -> str | None:
        with self._lock:
            return self.locked

    def lock(self, reason: str = DEFAULT_REASON) -> None:
        with self._lock:
            self.locked = reason
            self._record("desktop_lock", reason)

    def unlock(self) -> None:
        with self._lock:
            self.locked = None
            self._record("desktop_unlock", "")
