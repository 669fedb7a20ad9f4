"""Waiting in a test for another thread's progress: a condition polled up to a bound, never a sleep
that stands for "long enough" (the bound only turns a hang into a failure)."""

from __future__ import annotations

import time
from collections.abc import Callable


def until(condition: Callable[[], bool], what: str = "condition", *, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never held within {seconds:g} s")
        time.sleep(0.001)  # polling another thread's progress, not a timed assertion
