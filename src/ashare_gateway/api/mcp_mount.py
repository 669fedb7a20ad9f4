"""``/mcp`` mounted at once, built on its first request: the MCP server (``mcp_server``) loads lazily.

Why: importing the ``mcp`` SDK and building its tools costs ~0.6 s of CPU, a third of the gateway's
start-up, paid by every ``serve`` (and every restart of a crashed one) whether or not an agent ever
calls. So the route is in place from the start, under the same perimeter, and the first request to it
imports the SDK (on a worker thread, so other requests go on meanwhile), builds the server and starts
its session manager; later requests go straight to it.

The session manager runs in a task group that the app's lifespan owns (anyio wants it entered and
left in one task), started only when the first request asks for it and cancelled at shutdown.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio.abc import TaskGroup
from fastapi import FastAPI
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

PATH = "/mcp"  # mcp_server.PATH; repeated here so that this module never imports the SDK


class LazyMCP:
    """The ASGI endpoint at ``/mcp``: builds the MCP app once, then hands every request to it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.inner: ASGIApp | None = None
        self.error: str | None = None
        self._group: TaskGroup | None = None
        self._ready: anyio.Event | None = None

    def attach(self, group: TaskGroup) -> None:
        """Called by the lifespan: where the session manager will run once it is wanted."""
        self._group = group

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.inner is None and self.error is None:
            await self._start()
        if self.inner is None:
            body = {"code": 503, "message": f"MCP 服务不可用：{self.error}", "data": None}
            await JSONResponse(body, status_code=503)(scope, receive, send)
            return
        await self.inner(scope, receive, send)

    async def _start(self) -> None:
        if self._ready is None:  # the first request; the ones that come meanwhile wait for it
            self._ready = anyio.Event()
            if self._group is None:
                self.error = "应用未经生命周期启动（lifespan）"
                self._ready.set()
            else:
                self._group.start_soon(self._run)
        await self._ready.wait()

    async def _run(self) -> None:
        assert self._ready is not None
        try:
            server, inner = await anyio.to_thread.run_sync(self._build)
        except Exception as exc:  # an SDK that fails to load or build: say so on /mcp, keep trading
            log.warning("MCP server not available at %s: %s", PATH, exc)
            self.error = str(exc) or type(exc).__name__
            self._ready.set()
            return
        async with server.session_manager.run():
            self.inner = inner
            self._ready.set()
            await anyio.sleep_forever()  # until the lifespan cancels the group at shutdown

    def _build(self) -> tuple[Any, ASGIApp]:
        from . import mcp_server  # the SDK, imported here and only here

        return mcp_server.build_app(self.app)


def install(app: FastAPI) -> None:
    """Add ``/mcp`` (when the ``mcp`` SDK is installed) and the lifespan that can run its sessions."""
    if importlib.util.find_spec("mcp") is None:  # the Wine harness pins a smaller closure of wheels
        log.warning("MCP server not mounted at %s: the mcp package is not installed", PATH)
        return
    endpoint = LazyMCP(app)
    app.router.routes.append(Route(PATH, endpoint=endpoint))  # every method, as the SDK's own route
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        async with previous(a) as state, anyio.create_task_group() as group:
            endpoint.attach(group)
            yield state
            group.cancel_scope.cancel()

    app.router.lifespan_context = lifespan
