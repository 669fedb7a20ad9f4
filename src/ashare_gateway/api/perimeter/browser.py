"""Telling a browser from a script, and a page of the gateway's own from anyone else's.

Browsers say where a request comes from: ``Origin`` on every cross-origin request and on every POST,
and (Chromium 76+, Firefox 90+, Safari 16.4+) ``Sec-Fetch-Site`` on every request, an ``<img>`` or a
plain form included. Scripts (requests, httpx, curl, easytrader's client) send neither, and pass
exactly as before. A browser request passes when it comes from the gateway's own origin (the
dashboard), from the user's own navigation (``Sec-Fetch-Site: none``: typing the URL), or from an
origin the user configured with ``--cors-origin``. Anything else is refused, ``same-site`` included:
another port on 127.0.0.1 is "same-site" with the gateway.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from urllib.parse import urlsplit


class Caller(Enum):
    SCRIPT = "script"  # no browser headers
    SAME_ORIGIN = "same-origin"  # the gateway's own pages, or the user typing a URL
    ALLOWED_ORIGIN = "allowed-origin"  # a page whose origin is configured (--cors-origin)
    FOREIGN = "foreign"  # any other page: refused


PASSING_SITES = frozenset({"same-origin", "none"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def origin_netloc(origin: str) -> str | None:
    """``host:port`` of an Origin value (default port made explicit), or None when it is not a URL."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{port or _DEFAULT_PORTS[parts.scheme]}"


def host_netloc(host: str, scheme: str) -> str:
    text = host.strip().lower()
    has_port = text.rpartition(":")[2].isdigit() and not text.endswith("]")
    return text if has_port else f"{text}:{_DEFAULT_PORTS.get(scheme, '80')}"


class OriginPolicy:
    """Judges one request from its ``Origin``, ``Sec-Fetch-Site`` and ``Host`` headers."""

    def __init__(self, allowed_origins: Iterable[str] = ()) -> None:
        self.allowed = frozenset(o.strip().lower().rstrip("/") for o in allowed_origins if o.strip())

    def judge(self, origin: str | None, fetch_site: str | None, host: str, scheme: str) -> Caller:
        if origin is not None:
            value = origin.strip().lower().rstrip("/")
            if value in self.allowed:
                return Caller.ALLOWED_ORIGIN
            netloc = origin_netloc(value)
            if netloc is not None and netloc == host_netloc(host, scheme):
                return Caller.SAME_ORIGIN
            return Caller.FOREIGN  # includes "null" (sandboxed frames, file: pages)
        if fetch_site is not None:
            return Caller.SAME_ORIGIN if fetch_site.strip().lower() in PASSING_SITES else Caller.FOREIGN
        return Caller.SCRIPT
