"""Who may use the gateway: the API token, the client-address allow-list, the per-address rate limit.

The token is compared in constant time. The client address is the socket's peer, unless the user
named a reverse proxy with ``--forwarded-allow-ips``: only then does uvicorn take ``X-Forwarded-For``
into account (see :mod:`ashare_gateway.api.listeners`), so nobody can pick their own address to pass
the allow-list or to get a fresh rate-limit bucket.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from ...secrets import MIN_TOKEN_LENGTH, BadToken, check_token

__all__ = ["MIN_TOKEN_LENGTH", "AllowList", "BadToken", "RateBuckets", "TokenCheck", "check_token"]


def presented_token(headers: dict[bytes, bytes], query_string: bytes) -> str | None:
    """The token from ``Authorization: Bearer``, ``X-API-Key``, HTTP Basic's password (what easytrader's
    newer clients can send) or a ``token`` query parameter (ths_http_trader's clients send no headers)."""
    auth = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip()).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return None
    key = headers.get(b"x-api-key")
    if key is not None:
        return key.decode("latin-1")
    if b"token=" in query_string:
        for name, given in parse_qsl(query_string.decode("latin-1")):
            if name == "token":
                return given
    return None


class TokenCheck:
    def __init__(self, token: str | None) -> None:
        self.expected = token.encode() if token else None

    def passes(self, headers: dict[bytes, bytes], query_string: bytes) -> bool:
        if self.expected is None:
            return True
        given = (presented_token(headers, query_string) or "").encode("latin-1", "replace")
        return hmac.compare_digest(given, self.expected)


class AllowList:
    """Client addresses or CIDR networks; empty means everyone."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks = [ipaddress.ip_network(n, strict=False) for n in entries]

    def passes(self, client: str) -> bool:
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address in n for n in self.networks)


class RateBuckets:
    """A token bucket per client address."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        now = self._clock()
        with self._lock:
            tokens, last = self._state.get(who, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1:
                self._state[who] = (tokens, now)
                return False
            self._state[who] = (tokens - 1, now)
            if len(self._state) > 10_000:  # forget idle clients; bounded memory
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 60}
            return True
