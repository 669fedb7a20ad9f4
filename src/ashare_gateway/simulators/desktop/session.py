"""The fake desktop's Windows-session lock: what ``client.locked`` is seen from (the real one:
``desktop/win32_session.py``).

A part the :class:`~.desktop.FakeDesktop` holds (``desktop.session``), not a base class: it owns the one
fact it is about, whether the whole desktop takes no input and why, a switch a test turns (Win+L, a
screen saver, an RDP session closed). It shares the desktop's lock and event log, given at creation.

The switch can also be set to turn *later*, in the middle of a flow that already passed its own check:
after the N-th input the driver writes (a key string or a WM_SETTEXT text: ``input_sent``, counted by
the desktop once it has taken it; the lock lands on the driver's next call, ``tick``, a look at
``session_locked`` included), or the moment the client shows a dialog with a given title
(``dialog_shown``, e.g. the 委托确认). Keys after it are lost as with any lock.
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
        self._after_inputs: tuple[int, str] | None = None  # (inputs still to come, the reason)
        self._due: str | None = None  # a lock that lands on the driver's next call
        self._at_dialog: dict[str, str] = {}  # dialog title → the reason the lock lands with

    def reason(self) -> str | None:
        with self._lock:
            self.tick()  # asking is a driver call too (``session_locked``)
            return self.locked

    def lock(self, reason: str = DEFAULT_REASON, *, after_inputs: int = 0, at_dialog: str = "") -> None:
        """Lock now; or right after the ``after_inputs``-th input the driver writes from now (that one
        still lands), or the moment the client shows a dialog titled ``at_dialog`` (once)."""
        with self._lock:
            if after_inputs:
                self._after_inputs = (after_inputs, reason)
            elif at_dialog:
                self._at_dialog[at_dialog] = reason
            else:
                self.locked = reason
                self._record("desktop_lock", reason)

    def unlock(self) -> None:
        with self._lock:
            self.locked = None
            self._after_inputs = self._due = None
            self._at_dialog.clear()
            self._record("desktop_unlock", "")

    def input_sent(self) -> None:
        """The driver wrote one input (keys or a text): a lock set with ``lock(after_inputs=…)`` comes due."""
        with self._lock:
            if self._after_inputs is None:
                return
            left, reason = self._after_inputs
            self._after_inputs = (left - 1, reason) if left > 1 else None
            if left == 1:
                self._due = reason  # lands once this input is handled: on the driver's next call

    def tick(self) -> None:
        """Every driver call, first: a lock that came due lands."""
        with self._lock:
            if self._due is not None:
                reason, self._due = self._due, None
                self.lock(reason)

    def dialog_shown(self, title: str) -> None:
        """The client showed a dialog: the lock set with ``lock(at_dialog=…)`` for its title lands."""
        with self._lock:
            reason = self._at_dialog.pop(title, None)
            if reason is not None:
                self.lock(reason)
