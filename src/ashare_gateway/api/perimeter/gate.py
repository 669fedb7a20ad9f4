"""The perimeter as two pure ASGI middlewares, shared by every dialect, page and listener.

:class:`BrowserGate` (outermost) answers the questions a browser raises: is this our Host (DNS
rebinding), is the caller a page of another origin (cross-site requests), and adds the security
headers to every response. :class:`AccessGate` (inside CORS, so a configured origin's preflight is
answered without a token) answers who may use the gateway: allow-list, token, rate limit, body size,
and a JSON body on state-changing routes.

Pure ASGI rather than ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware costs an extra task
and memory stream per request and per layer (issue 15 measured the gateway's ``/ping`` at a fifth of
bare FastAPI's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...domain.errors import InvalidParameter
from ..errors import PathRenderer
from ..requests import duplicate_query_name, duplicate_refusal
from .access import AllowList, RateBuckets, TokenCheck
from .browser import Caller, OriginPolicy
from .headers import security_headers
from .hosts import HostPolicy
from .texts import TEXTS

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# State-changing routes that take only JSON (the spec's clients all send it); ths keeps GET and forms.
JSON_PREFIXES = ("/api/trader/", "/api/admin/", "/api/journal/", "/easytrader/")
# Pages and their assets carry no account data: no token, so the dashboard can load and ask for one.
PUBLIC_PATHS = frozenset({"/", "/favicon.ico", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"})
PUBLIC_PREFIXES = ("/static/", "/docs/", "/redoc/")
MAX_BODY_BYTES = 64 * 1024


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


@dataclass
class PerimeterPolicy:
    """What the user configured (serve's flags); everything else is fixed."""

    token: str | None = None
    allow_ips: list[str] = field(default_factory=list)
    rate_per_second: float = 0.0  # 0: no limit
    burst: int = 50
    max_body: int = MAX_BODY_BYTES
    allowed_hosts: list[str] = field(default_factory=list)
    cors_origins: list[str] = field(default_factory=list)
    json_at_root: bool = False  # the easytrader dialect owns the root: its POSTs are JSON-only too


async def refuse_websocket(receive: Receive, send: Send) -> None:
    """Reject a WebSocket handshake (the server answers 403): a page may open one to any address, and
    the browser only adds its Origin, so WebSockets pass the same checks as requests."""
    await receive()  # websocket.connect
    await send({"type": "websocket.close", "code": 1008})


class BrowserGate:
    def __init__(self, app: ASGIApp, policy: PerimeterPolicy, render: PathRenderer) -> None:
        self.app, self.render = app, render
        self.hosts = HostPolicy(policy.allowed_hosts)
        self.origins = OriginPolicy(policy.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.refusal(scope) is not None:
            await refuse_websocket(receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = security_headers(path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        refusal = self.refusal(scope)
        if refusal is not None:
            status, text = refusal
            await self.render(path, status, text)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = _headers(scope)
        raw_host = headers.get(b"host")
        if raw_host is None:
            return 400, TEXTS["no_host"]
        host = raw_host.decode("latin-1")
        if not self.hosts.allows(host):
            return 421, TEXTS["host"].format(host=host[:64])
        origin = headers.get(b"origin")
        site = headers.get(b"sec-fetch-site")
        caller = self.origins.judge(
            origin.decode("latin-1") if origin is not None else None,
            site.decode("latin-1") if site is not None else None,
            host,
            scope.get("scheme", "http"),
        )
        if caller is Caller.FOREIGN:
            shown = origin.decode("latin-1")[:64] if origin is not None else "跨站页面"
            return 403, TEXTS["cross_site"].format(origin=shown)
        name = duplicate_query_name(scope.get("query_string", b""))
        if name is not None:
            return 400, duplicate_refusal(name)
        return None


class AccessGate:
    def __init__(self, app: ASGIApp, policy: PerimeterPolicy, render: PathRenderer) -> None:
        self.app, self.render, self.policy = app, render, policy
        self.allow_list = AllowList(policy.allow_ips)
        self.tokens = TokenCheck(policy.token)
        self.buckets = (
            RateBuckets(policy.rate_per_second, policy.burst) if policy.rate_per_second > 0 else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.refusal({**scope, "method": "GET"}) is not None:
            await refuse_websocket(receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            status, text = refusal
            await self.render(scope["path"], status, text)(scope, receive, send)
            return
        await self.app(scope, self.bounded(receive), send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        client = scope["client"][0] if scope.get("client") else ""
        if not self.allow_list.passes(client):
            return 403, TEXTS["ip"]
        headers = _headers(scope)
        path, method = scope["path"], scope["method"]
        public = method in SAFE_METHODS and (path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES))
        if not public and not self.tokens.passes(headers, scope.get("query_string", b"")):
            return 401, TEXTS["token"]
        if self.buckets is not None and not self.buckets.allow(client):
            return 429, TEXTS["rate"]
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length[:12]) > self.policy.max_body:
            return 413, TEXTS["size"].format(limit=self.policy.max_body)
        if method not in SAFE_METHODS and self.json_only(path) and not _is_json(headers):
            ctype = headers.get(b"content-type", b"").decode("latin-1")[:64] or "无"
            return 415, TEXTS["json_only"].format(ctype=ctype)
        return None

    def json_only(self, path: str) -> bool:
        if path.startswith(JSON_PREFIXES):
            return True
        return self.policy.json_at_root and not path.startswith(("/ths/", "/api/"))

    def bounded(self, receive: Receive) -> Receive:
        """``receive`` that refuses a body past the limit even without Content-Length (chunked)."""
        limit, seen = self.policy.max_body, 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise InvalidParameter(TEXTS["size"].format(limit=limit), status_code=413)
            return message

        return counting


def _is_json(headers: dict[bytes, bytes]) -> bool:
    """``application/json`` (any parameters), or no body at all (a bare POST such as /exit)."""
    ctype = headers.get(b"content-type")
    if ctype is None:
        has_body = headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers
        return not has_body
    return ctype.split(b";", 1)[0].strip().lower() == b"application/json"
