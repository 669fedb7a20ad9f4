"""``/api/trader/conditions``: conditional orders the gateway holds (create, list, cancel), in the
``/api/trader`` envelope. The conditions themselves are :mod:`..service.conditions`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..domain.errors import GatewayError, InvalidParameter
from ..service.conditions import ConditionDesk
from . import openapi
from .envelope import ok
from .requests import body_dict, session_id

PATH = "/api/trader/conditions"
TEXTS = {
    "created": "条件单已创建",
    "cancelled": "条件单已撤销",
    "off": "本网关未启用条件单",
    "id": "条件单编号无效：{value}（应为正整数）",
}
SUMMARY_CREATE = "创建条件单（止损、止盈、移动止损、突破、定时；oco 为一组二选一）"
SUMMARY_LIST = "查询条件单（state 过滤：armed、triggering、submitted、failed、cancelled、expired）"
_NUM = {"oneOf": [{"type": "number"}, {"type": "string"}]}
_LEG = {
    "type": {
        "type": "string",
        "enum": ["stop_loss", "take_profit", "trailing_stop", "breakout_above", "breakout_below", "time"],
    },
    "security": {"type": "string", "example": "600000"},
    "side": {"type": "string", "enum": ["buy", "sell"]},
    "amount": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["all"]}]},
    "trigger_price": _NUM,
    "trail_percent": _NUM,
    "trail_amount": _NUM,
    "at": {"type": "string", "example": "14:50:00"},
    "price_type": {"type": "string", "enum": ["limit", "trigger_offset", "market"]},
    "price": _NUM,
    "ticks": {"type": "integer", "minimum": 0, "maximum": 20},
    "ttype": {"type": "string"},
    "limit_price": _NUM,
    "valid": {"type": "string", "example": "today"},
}
CREATE = openapi.body({**_LEG, "oco": {"type": "array", "items": {"type": "object", "properties": _LEG}}})


def _desk(request: Request) -> ConditionDesk:
    desk = request.app.state.gateway.conditions
    if desk is None:
        raise GatewayError(TEXTS["off"], status_code=501)
    return desk


def _id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) <= 0:
        raise InvalidParameter(TEXTS["id"].format(value=raw[:24]))
    return int(raw)


def build_router() -> APIRouter:
    router = APIRouter(tags=["conditions"], responses=openapi.responses())

    @router.post(PATH, summary=SUMMARY_CREATE, openapi_extra=CREATE)
    async def create(request: Request) -> JSONResponse:
        body = await body_dict(request)
        created = await run_in_threadpool(_desk(request).create, session_id(request), body)
        return ok([c.public() for c in created], TEXTS["created"])

    @router.get(PATH, summary=SUMMARY_LIST)
    async def listing(request: Request) -> JSONResponse:
        state = request.query_params.get("state")
        rows = await run_in_threadpool(_desk(request).list, session_id(request), state)
        return ok([c.public() for c in rows])

    async def cancel(request: Request, condition_id: str) -> JSONResponse:
        cid = _id(condition_id)
        done = await run_in_threadpool(_desk(request).cancel, session_id(request), cid)
        return ok(done.public(), TEXTS["cancelled"])

    router.add_api_route(PATH + "/{condition_id}", cancel, methods=["DELETE"], summary="撤销条件单")
    router.add_api_route(PATH + "/{condition_id}/cancel", cancel, methods=["POST"], summary="撤销条件单")
    return router
