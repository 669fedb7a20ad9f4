"""``/api/admin/clock``: read and move the paper market's simulated clock (contract 3).

``GET`` answers ``{enabled, now, phase, speed, trading_day}``; ``POST {"advance": "phase"|"day"}``
jumps to the next phase or the next trading day's 9:15, running the day end on the way, and answers
the same; ``{"to": "YYYY-MM-DD HH:MM"}`` (an extension) jumps to a given later moment. With no
simulated clock (real hours, demo mode, a GUI broker) ``POST`` is a 409.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..brokers.sim.clock_control import advance, clock_state
from . import openapi
from .envelope import ok
from .models import parse, request_body
from .models.ops import ClockBody
from .requests import body_dict

PATH = "/api/admin/clock"


def build_router() -> APIRouter:
    router = APIRouter(tags=["ops"], responses=openapi.responses())

    @router.get(PATH, summary="模拟时钟：当前时间与交易阶段")
    async def show(request: Request) -> JSONResponse:
        return ok(clock_state(request.app.state.gateway.exchange), message="success")

    @router.post(
        PATH,
        summary="模拟时钟：跳到下一阶段或下一交易日开盘（途中完成日终处理）",
        openapi_extra=request_body(ClockBody),
    )
    async def move(request: Request) -> JSONResponse:
        how = parse(ClockBody, await body_dict(request)).target
        gateway = request.app.state.gateway
        data = await run_in_threadpool(
            advance, gateway.exchange, how, enabled=gateway.settings.broker == "sim"
        )
        return ok(data, message="success")

    return router
