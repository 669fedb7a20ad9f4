"""Every failure leaves in the caller's envelope: expected ones with their message, faults as a plain 500.

Handlers are installed per dialect prefix, so ``/api/trader`` answers ``{code, message, data}`` while
other dialects render their own shapes. A traceback is logged, never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain import messages as msg
from ..domain.errors import GatewayError

log = logging.getLogger(__name__)

# path prefix → renderer(status, message) ; the longest matching prefix wins
Renderer = Callable[[int, str], Response]


def install(
    app: FastAPI, renderers: dict[str, Renderer], default: Renderer
) -> Callable[[Request, int, str], Response]:
    """Install the handlers; returns the renderer so other middleware (security) answers the same way."""

    def render(request: Request, status: int, message: str) -> Response:
        path = request.url.path
        best = max((p for p in renderers if path.startswith(p)), key=len, default=None)
        return (renderers[best] if best is not None else default)(status, message)

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

    @app.middleware("http")
    async def _fault(request: Request, call_next) -> Response:
        try:
            return await call_next(request)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, request.url.path)
            return render(request, 500, msg.SERVER_ERROR)

    return render


def plain(status: int, message: str) -> Response:
    return JSONResponse({"code": status, "message": message, "data": None}, status_code=status)
