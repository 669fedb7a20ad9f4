"""Crash points for fault tests: the process kills itself (SIGKILL) at a named point of an order.

Off unless ``ASHARE_GATEWAY_CRASH_POINTS`` names points (comma-separated); ``ASHARE_GATEWAY_CRASH_P``
is the chance of dying at each (default 1). The fault tests use it to prove that an order is never lost
or sent twice whatever instant the gateway dies at; it costs one dict lookup when off.
"""

from __future__ import annotations

import os
import random
import signal

POINTS = ("after_sent", "after_broker", "after_accepted")


def crash_point(name: str) -> None:
    points = os.environ.get("ASHARE_GATEWAY_CRASH_POINTS")
    if not points or name not in points.split(","):
        return
    if random.random() < float(os.environ.get("ASHARE_GATEWAY_CRASH_P", "1")):
        os.kill(os.getpid(), signal.SIGKILL)
