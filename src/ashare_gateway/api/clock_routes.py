"""``/api/admin/clock``: read and move the paper market's simulated clock (contract 3).

``GET`` answers ``{enabled, now, phase, speed, trading_day}``; ``POST {"advance": "phase"|"day"}``
jumps to the next phase or the next trading day's 9:15, running the day end on the way, and answers
the same; ``{"to": "YYYY-MM-DD HH:MM"}`` (an extension) jumps to a given later moment. With no
simulated clock (real hours, demo mode, a GUI broker) ``POST`` is a 409.

With several accounts the clock is one for the whole gateway (one paper exchange, one market time), so
it moves only when *every* account's flavour runs on it (the ``SIMULATED_CLOCK`` capability): one
desktop client among them refuses the move, naming it, because that client's orders, trades and dates
are the broker's, and a jumped market clock would judge its day limits, hours and conditions on a
made-up time. Per-account clocks are not offered: two paper accounts share one exchange and its books.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from .. import registry
from ..brokers.sim.clock_control import advance, clock_state
from ..domain.errors import Conflict
from . import openapi
from .envelope import ok
from .models import parse, request_body
from .models.ops import ClockBody
from .requests import body_dict

PATH = "/api/admin/clock"
DESKTOP_ACCOUNT = (
    "模拟时钟不能调整：账户{names}是券商客户端（时间由券商系统决定），"
    "整个网关只有一个市场时钟，只有全部账户都是纸面交易所（broker = sim）时才能调整"
)


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
        real = [a for a in gateway.accounts if not _on_simulated_clock(a.broker)]
        if real:
            names = "、".join(f"{a.name}（{a.broker}）" for a in real)
            raise Conflict(DESKTOP_ACCOUNT.format(names=names))
        data = await run_in_threadpool(advance, gateway.exchange, how, enabled=True)
        return ok(data, message="success")

    return router


def _on_simulated_clock(kind: str) -> bool:
    return registry.get(kind).has(registry.Capability.SIMULATED_CLOCK)
