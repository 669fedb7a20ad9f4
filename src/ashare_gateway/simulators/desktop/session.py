"""The fake desktop's process id and Windows-session lock: what ``client.restarted`` and
``client.locked`` are seen from (the real ones: ``desktop/win32.py`` and ``desktop/win32_session.py``).

A mixin of :class:`~.desktop.FakeDesktop`, which supplies ``_lock``, ``running``, ``starts`` and
``_record``. The pid is made up but changes with every start, as a restarted client's does; the
desktop lock is a switch a test turns (Win+L, a screen saver, an RDP session closed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_REASON = "工作站已锁定（锁屏）"


class DesktopSessionMixin:
    desktop_locked: str | None = None  # why the whole desktop takes no input (not the client's lock)
    _lock: Any
    running: bool
    starts: int
    _record: Callable[[str, str], None]

    def process_id(self) -> int | None:
        with self._lock:
            return 4000 + 4 * self.starts if self.running else None

    def session_locked(self) -> str | None:
        with self._lock:
            return self.desktop_locked

    def lock_desktop(self, reason: str = DEFAULT_REASON) -> None:
        with self._lock:
            self.desktop_locked = reason
            self._record("desktop_lock", reason)

    def unlock_desktop(self) -> None:
        with self._lock:
            self.desktop_locked = None
            self._record("desktop_unlock", "")
