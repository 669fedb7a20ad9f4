"""Loopback ports for a child process to listen on, that nothing else in the test run will take.

Why not ``bind(("127.0.0.1", 0))`` and hand the number on: that port is free the moment it is closed, and
the child needs a second or more to start and bind it. Meanwhile the other xdist worker's in-process
servers (``tests/conftest.py::serve``) and every outgoing connection take ports from the same kernel
range, and one of them can land on it. The child then fails to bind and exits, while the harness's
``/health`` probe is answered by the other worker's gateway: CI saw exactly that as a ``Connection
refused`` a moment after the probe succeeded (test_cli_serve, 2026-12-02).

So the ports come from outside the kernel's ephemeral range (``ip_local_port_range``), where no
``bind(0)`` or ``connect()`` lands, in a slice of its own for each xdist worker, never the same one twice
in a process; each is checked free by binding it.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

FIRST, LAST = 20000, 65000
SLICE = 1500


def _ephemeral() -> range:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(49152, 65536)  # the IANA range: Windows' and macOS's default


def _worker() -> int:
    match = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match.group(1)) if match else 0


def _candidates() -> list[int]:
    ephemeral = _ephemeral()
    outside = [p for p in range(FIRST, LAST) if p not in ephemeral]
    slices = max(1, len(outside) // SLICE)
    start = (_worker() % slices) * SLICE
    mine = outside[start : start + SLICE]
    offset = os.getpid() % len(mine)  # two runs side by side (a bench and the suite) rarely start together
    return mine[offset:] + mine[:offset]


_handed: set[int] = set()


def free_port() -> int:
    """A loopback port nobody listens on now and that this process has not handed out before."""
    for port in _candidates():
        if port in _handed:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed.add(port)
        return port
    raise RuntimeError("no free loopback port left in this worker's slice")
