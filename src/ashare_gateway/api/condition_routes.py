"""``/api/trader/conditions``: conditional orders the gateway holds (create, list, cancel), in the
``/api/trader`` envelope. The conditions themselves are :mod:`..service.conditions`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..domain.errors import GatewayError, InvalidParameter
from ..service.conditions import ConditionDesk
from . import openapi
from .accounts import session_id  # the session of the account named (account=, X-Account, /accounts/NAME/)
from .envelope import ok
from .models import parse, request_body
from .models.conditions import ConditionBody
from .requests import body_dict

PATH = "/api/trader/conditions"
TEXTS = {
    "created": "条件单已创建",
    "cancelled": "条件单已撤销",
    "off": "本网关未启用条件单",
    "id": "条件单编号无效：{value}（应为正整数）",
}
SUMMARY_CREATE = "创建条件单（止损、止盈、移动止损、突破、定时；oco 为一组二选一）"
SUMMARY_LIST = "查询条件单（state 过滤：armed、triggering、submitted、failed、cancelled、expired）"


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

    @router.post(PATH, summary=SUMMARY_CREATE, openapi_extra=request_body(ConditionBody))
    async def create(request: Request) -> JSONResponse:
        raw = await body_dict(request)
        desk, sid = _desk(request), session_id(request)
        await run_in_threadpool(desk.admit, sid)  # the session and the gateway's refusal before the body
        body = parse(ConditionBody, raw).as_body()
        created = await run_in_threadpool(desk.create, sid, body)
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
