"""The HTTP perimeter: API token, IP allow-list, per-client rate limit, body size limit.

Binding anything but loopback requires a token (checked by the CLI before it starts). A token, when
configured, is required on every request (``Authorization: Bearer …`` or ``X-API-Key``) and compared in
constant time. Rejections use the envelope of the path's dialect, like every other error.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import Response

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 64 * 1024
TEXTS = {
    "token": "未授权：缺少或错误的 API 令牌（Authorization: Bearer <token> 或 X-API-Key）",
    "ip": "拒绝访问：来源地址不在允许列表中",
    "rate": "请求过于频繁，请稍后再试",
    "size": "请求体过大（上限{limit}字节）",
}


# The dashboard shell, its files, the docs pages and the schema carry no account data, and a browser must
# load them before it can send a token (same list as h10's perimeter); every data route still needs it.
PUBLIC_PATHS = ("/", "/docs", "/redoc", "/openapi.json")
PUBLIC_PREFIXES = ("/static/", "/docs/")


def is_public(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") and (path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES))


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class SecurityPolicy:
    token: str | None = None
    allow_ips: list[str] = field(default_factory=list)  # addresses or CIDR networks
    rate_per_second: float = 0.0  # 0: no limit
    burst: int = 50
    max_body: int = MAX_BODY_BYTES

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.allow_ips]


class _Buckets:
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


def presented_token(request: Request) -> str | None:
    """The token from ``Authorization: Bearer``, ``X-API-Key``, HTTP Basic's password (what easytrader's
    newer clients can send) or a ``token`` query parameter (ths_http_trader's clients send no headers)."""
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip()).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return None
    return request.headers.get("x-api-key") or request.query_params.get("token")


def install(app: FastAPI, policy: SecurityPolicy, render: Callable[[Request, int, str], Response]) -> None:
    networks = policy.networks()
    buckets = _Buckets(policy.rate_per_second, policy.burst) if policy.rate_per_second > 0 else None
    expected = policy.token.encode() if policy.token else None

    @app.middleware("http")
    async def _perimeter(request: Request, call_next) -> Response:  # call_next: Starlette's callable
        client = request.client.host if request.client else ""
        if networks:
            try:
                address = ipaddress.ip_address(client)
            except ValueError:
                address = None
            if address is None or not any(address in n for n in networks):
                return render(request, 403, TEXTS["ip"])
        if expected is not None and not is_public(request.method, request.url.path):
            given = (presented_token(request) or "").encode()
            if not hmac.compare_digest(given, expected):
                return render(request, 401, TEXTS["token"])
        if buckets is not None and not buckets.allow(client):
            return render(request, 429, TEXTS["rate"])
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > policy.max_body:
            return render(request, 413, TEXTS["size"].format(limit=policy.max_body))
        return await call_next(request)
