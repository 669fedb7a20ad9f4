"""Deadlines for every condition the adapter waits on (seconds). No fixed sleeps exist besides these.

Each is the longest a healthy client may take, not how long to pause: a fast client answers in
milliseconds and the wait ends then. ``poll_max`` caps the back-off between polls, which bounds how
late the adapter notices a change (and so its overhead) at the cost of a few more Win32 calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ...desktop.waiting import wait_until

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Timeouts:
    control: float = 5.0  # a page's control after navigation
    lookup: float = 3.0  # the stock name after a code is entered
    field: float = 1.0  # a written field reads back what was written
    dialog: float = 8.0  # the next pop-up of an order, cancel or IPO flow
    # How long a flow waits for its next pop-up before it proves the outcome from the tables instead
    # (result pop-ups are a client setting; a confirm or 提示 shows within ~0.15 s on a healthy client).
    result: float = 2.0
    # The same, once the confirm is answered on a client that has shown no result pop-up before (its
    # setting is off): a rejection still shows, and it shows about as fast as a confirm does.
    result_quiet: float = 0.5
    dialog_close: float = 3.0  # a pop-up goes away after it was answered
    query: float = 10.0  # a grid or the balance statics load
    copy: float = 1.5  # the clipboard fills after Ctrl+C (else the keys were lost: retry)
    save: float = 8.0  # the exported file appears after 保存
    start: float = 60.0  # the login window after starting the exe
    login: float = 60.0  # the main window after 确定
    exit: float = 10.0  # the process ends after closing the main window
    poll_max: float = 0.01
    # The poll cap while a client process starts or a person logs in at it (seconds to minutes): every
    # poll lists processes and windows, and under Wine each listing queues at the wineserver that the
    # starting client needs for every file it opens. Polled 20 times a second, a start that takes 20 s
    # took minutes (docs/wine.md, the hexin F12 flake); noticed a quarter second late, it costs nothing.
    start_poll: float = 0.25

    def scaled(self, factor: float) -> Timeouts:
        """All deadlines times ``factor`` (tests use short ones to prove that nothing hangs)."""
        names = [f.name for f in dataclasses.fields(self) if f.name not in ("poll_max", "start_poll")]
        return dataclasses.replace(self, **{name: getattr(self, name) * factor for name in names})

    def wait(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """``wait_until`` with this table's poll cap: the one way the adapter waits."""
        return wait_until(probe, timeout=timeout, what=what, max_interval=self.poll_max)

    def wait_for_start(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """``wait`` for a client starting or a person logging in: polled at ``start_poll``."""
        return wait_until(probe, timeout=timeout, what=what, max_interval=self.start_poll)
