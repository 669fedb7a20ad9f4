"""Waiting on a condition with a deadline: the only way the GUI path waits (no fixed sleeps).

The poll interval starts small and backs off, so a fast client answers in milliseconds while a slow one
does not get hammered with Win32 calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ..domain.errors import OperationTimeout

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    first_interval: float = 0.002,
    max_interval: float = 0.05,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``probe`` until it returns a truthy value and return it; raise OperationTimeout after ``timeout``.

    ``what`` names the awaited condition in Chinese for the error message (e.g. ``委托确认对话框出现``).
    """
    deadline = clock() + timeout
    interval = first_interval
    while True:
        result = probe()
        if result:
            return result
        remaining = deadline - clock()
        if remaining <= 0:
            raise OperationTimeout(f"等待超时（{timeout:g}秒）：{what}")
        sleep(min(interval, remaining))
        interval = min(interval * 2, max_interval)
