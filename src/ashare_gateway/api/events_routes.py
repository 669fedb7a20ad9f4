"""``GET /api/events`` (Server-Sent Events) and ``/api/events/ws`` (WebSocket): the live event stream.

Each event: ``id: <increasing int>``, ``event: <type>``, ``data: <JSON with id, type, time, account, ...>``.
``Last-Event-ID`` (the header EventSource sends on reconnect, or ``?last_event_id=``) resumes after
that id from the journal database; without one a stream starts with the next event. The WebSocket
sends the same JSON objects as text messages. ``?account=NAME`` (or ``X-Account``) keeps one gateway
account's events and the gateway-wide ones; every event names its account (``account_name``).

The WebSocket passes the same perimeter as every request (``api/perimeter/gate.py``: Host, Origin,
allowed addresses and the token; a refused handshake is closed with 1008 before it reaches this route).
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from ..domain.errors import GatewayError, InvalidParameter
from ..service.live import LiveHub
from . import account_filter

PATH = "/api/events"
READY_TIMEOUT = 35.0  # the first look at the clients (a GUI read each) before the stream starts
PING_SECONDS = 15
TEXTS = {"bad_id": "Last-Event-ID 格式错误：{value}（应为非负整数）"}
MAX_ID = 2**63 - 1


def _hub(app) -> LiveHub:
    return app.state.gateway.live


def _last_id(raw: str | None, hub: LiveHub) -> int:
    if raw is None or not raw.strip():
        return hub.bus.last_id()
    text = raw.strip()
    if not text.isdigit() or int(text) > MAX_ID:
        raise InvalidParameter(TEXTS["bad_id"].format(value=text[:40]))
    return int(text)


def build_router() -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get(
        PATH,
        summary="实时事件流（Server-Sent Events，支持 Last-Event-ID 续传）",
        response_class=EventSourceResponse,
        responses={200: {"description": "text/event-stream", "content": {"text/event-stream": {}}}},
    )
    async def events(request: Request) -> EventSourceResponse:
        hub = _hub(request.app)
        last = _last_id(
            request.headers.get("last-event-id") or request.query_params.get("last_event_id"), hub
        )
        chosen = account_filter.requested(request)
        waiter = hub.bus.listen()
        await asyncio.to_thread(hub.watch.wait_ready, READY_TIMEOUT)

        async def stream():
            try:
                async for event in hub.bus.stream(waiter, last):
                    if event is not None and account_filter.belongs(event.account, event.data, chosen):
                        yield ServerSentEvent(data=event.body(), event=str(event.type), id=str(event.id))
            finally:
                hub.bus.leave(waiter)

        # leave() also runs when the response ends before the stream ever started (it is idempotent)
        return EventSourceResponse(
            stream(), ping=PING_SECONDS, background=BackgroundTask(hub.bus.leave, waiter)
        )

    @router.websocket(PATH + "/ws")
    async def events_ws(websocket: WebSocket) -> None:
        hub = _hub(websocket.app)
        try:
            last = _last_id(
                websocket.headers.get("last-event-id") or websocket.query_params.get("last_event_id"), hub
            )
            chosen = account_filter.requested(websocket)
        except GatewayError as exc:
            await websocket.close(code=1008, reason=exc.message[:120])
            return
        await websocket.accept()
        waiter = hub.bus.listen()
        gone = asyncio.create_task(_until_closed(websocket, waiter.wake))
        try:
            await asyncio.to_thread(hub.watch.wait_ready, READY_TIMEOUT)
            async for event in hub.bus.stream(waiter, last):
                if gone.done():
                    break
                if event is not None and account_filter.belongs(event.account, event.data, chosen):
                    await websocket.send_text(event.body())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            gone.cancel()
            hub.bus.leave(waiter)
            with contextlib.suppress(RuntimeError):
                await websocket.close()

    return router


async def _until_closed(websocket: WebSocket, wake) -> None:
    """Read (and ignore) what the client sends until it disconnects; then wake the sending loop."""
    try:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
    finally:
        wake()
