"""The Host check: the defence against DNS rebinding.

A page on ``evil.example`` can make its own name resolve to 127.0.0.1; the browser then treats the
gateway as same-origin with the page, and every other browser check passes. What it cannot change is
the ``Host`` header, which carries the attacker's name. So only loopback names and addresses (any
port), the address the gateway is bound to, and names the user configured (``--allowed-host``) are
served.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost (a bare name or address, no port)."""
    if host.lower().rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name part of a Host header, lower-cased, without port, brackets or a trailing dot."""
    text = header.strip().lower()
    if text.startswith("["):  # [::1]:5000
        return text[1 : text.find("]")] if "]" in text else text
    name, sep, port = text.rpartition(":")
    if sep and port.isdigit() and ":" not in name:
        text = name
    return text.rstrip(".")


class HostPolicy:
    """Which Host names are served: loopback always, plus the configured names and the bind address."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        names = {host_name(h) for h in allowed if h and h.strip()}
        self.allowed = frozenset(n for n in names if n not in ("0.0.0.0", "::"))

    def allows(self, header: str) -> bool:
        name = host_name(header)
        return bool(name) and (name in self.allowed or is_loopback(name))
