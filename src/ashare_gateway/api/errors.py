"""Every failure leaves in the caller's envelope: expected ones with their message, faults as a plain 500.

Handlers are installed per dialect prefix, so ``/api/trader`` answers ``{code, message, data}`` while
other dialects render their own shapes. A traceback is logged, never sent. The last-resort catcher is a
pure ASGI middleware (:class:`FaultGuard`), not ``@app.middleware("http")``: Starlette's
BaseHTTPMiddleware runs every request through an extra task and memory stream, which cost the gateway
most of its ``/ping`` throughput (issue 15).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain import messages as msg
from ..domain.errors import GatewayError

log = logging.getLogger(__name__)

# path prefix → renderer(status, message) ; the longest matching prefix wins
Renderer = Callable[[int, str], Response]
# (path, status, message) → the response in that path's envelope
PathRenderer = Callable[[str, int, str], Response]


def install(app: FastAPI, renderers: dict[str, Renderer], default: Renderer) -> PathRenderer:
    """Install the handlers; returns the renderer so the perimeter middleware answers the same way."""

    def by_path(path: str, status: int, message: str) -> Response:
        best = max((p for p in renderers if path.startswith(p)), key=len, default=None)
        return (renderers[best] if best is not None else default)(status, message)

    def render(request: Request, status: int, message: str) -> Response:
        return by_path(request.url.path, status, message)

    @app.exception_handler(GatewayError)
    async def _gateway_error(request: Request, exc: GatewayError) -> Response:
        return render(request, exc.status_code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        name = ".".join(str(p) for p in first.get("loc", ())[1:]) or "参数"
        return render(request, 400, msg.BAD_PARAM.format(name=name, detail=""))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            text = msg.NOT_FOUND.format(method=request.method, path=request.url.path)
        elif exc.status_code == 405:
            text = msg.METHOD_NOT_ALLOWED.format(method=request.method, path=request.url.path)
        else:
            text = str(exc.detail)
        response = render(request, exc.status_code, text)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    return by_path


def guard(app: FastAPI, render: PathRenderer) -> None:
    """Install :class:`FaultGuard`; call it after every other middleware, so it wraps them all."""
    app.add_middleware(FaultGuard, render=render)


class FaultGuard:
    """Any exception that escapes the app becomes a logged 500 in the path's envelope.

    If the response had already started, nothing can be sent any more: the error is logged and the
    connection closed by the server.
    """

    def __init__(self, app: ASGIApp, render: PathRenderer) -> None:
        self.app, self.render = app, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            await self.render(scope["path"], 500, msg.SERVER_ERROR)(scope, receive, send)


def plain(status: int, message: str) -> Response:
    return JSONResponse({"code": status, "message": message, "data": None}, status_code=status)
