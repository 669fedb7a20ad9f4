"""The ``/api/trader`` dialect (spec ht-client-http-api §5): every path, method and response shape."""

from __future__ import annotations

import copy

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from ..brokers.base import Credentials
from ..domain import fields
from ..domain import messages as msg
from ..domain.models import OrderAck, Side
from ..service.entrust_pages import parse_page
from ..service.trader import TraderService
from . import openapi
from .accounts import requested_account, session_id  # the session of the account named, if any
from .envelope import ok
from .models import parse, request_body
from .models.trader import CancelBody, ConnectBody, LimitOrderBody, LoginBody, MarketOrderBody, WaitBody
from .order_calls import place_order
from .requests import body_dict

PREFIX = "/api/trader"


# ``session_id`` (query, or the X-Session-Id header) is read by ``accounts.session_id()`` in each route. It is
# declared in the OpenAPI document per route (``_declare_session``), not as a router-wide dependency: FastAPI
# solves a dependency on every request, a plain ``def`` one in the thread pool (a thread hop per call, ~12%
# of an order's event-loop time), only to describe a parameter it never passes on.
SESSION_PARAMETER = {
    "name": "session_id",
    "in": "query",
    "required": False,
    "schema": {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "description": "会话ID（自动登录模式可省略；也可用 X-Session-Id 头）",
        "title": "Session Id",
    },
    "description": "会话ID（自动登录模式可省略；也可用 X-Session-Id 头）",
}


def _declare_session(router: APIRouter) -> None:
    """Every route's OpenAPI parameters gain ``session_id`` after its own (where a dependency put it);
    ``openapi_extra`` parameters come after the route's, so the session goes before any declared there."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            extra = copy.deepcopy(route.openapi_extra or {})
            extra["parameters"] = [copy.deepcopy(SESSION_PARAMETER), *extra.get("parameters", [])]
            route.openapi_extra = extra


def _service(request: Request) -> TraderService:
    return request.app.state.gateway.service


def _order_data(ack: OrderAck) -> dict:
    # A dry-run order has no 合同编号: its message says so instead of "success".
    text = msg.OK_ORDER if ack.contract_no else ack.message
    return {"message": text, "委托编号": ack.entrust_no, "合同编号": ack.contract_no}


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["trader"], responses=openapi.responses())

    # ---- 5.1 connection and login ------------------------------------------------------------
    @router.post(
        "/connect", summary="连接已登录客户端", openapi_extra=request_body(ConnectBody, required=False)
    )
    async def connect(request: Request) -> JSONResponse:
        body = parse(ConnectBody, await body_dict(request))
        account = requested_account(request)
        session, info = await run_in_threadpool(_service(request).connect, body.exe_path, account=account)
        return ok({"exe_path": info.exe_path, "session_id": session.session_id}, msg.OK_CONNECT)

    @router.post("/login", summary="手动登录客户端", openapi_extra=request_body(LoginBody))
    async def login(request: Request) -> JSONResponse:
        body = parse(LoginBody, await body_dict(request))
        creds = Credentials(
            user=body.user, password=body.password, comm_password=body.comm_password, exe_path=body.exe_path
        )
        account = requested_account(request)
        session, info = await run_in_threadpool(_service(request).login, creds, account=account)
        return ok(
            {"session_id": session.session_id, "main_window_title": info.main_window_title}, msg.OK_LOGIN
        )

    @router.post("/exit", summary="退出客户端")
    async def exit_client(request: Request) -> JSONResponse:
        await run_in_threadpool(_service(request).exit, session_id(request))
        return ok(None, msg.OK_EXIT)

    @router.get("/session-status", summary="查询会话状态")
    async def session_status(request: Request) -> JSONResponse:
        s = _service(request).session_status(session_id(request))
        return ok(
            {
                "is_logged_in": True,
                "session_id": s.session_id,
                "created_at": s.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                "last_active": s.last_active.strftime("%Y-%m-%d %H:%M:%S"),
                "is_auto_login": s.is_auto_login,
            },
            msg.OK_SESSION,
        )

    # ---- 5.2 queries -------------------------------------------------------------------------
    @router.get("/balance", summary="获取资金余额")
    async def balance(request: Request) -> JSONResponse:
        b = await run_in_threadpool(_service(request).balance, session_id(request))
        return ok(fields.balance_row(b), msg.OK_QUERY)

    @router.get("/position", summary="获取持仓信息")
    async def position(request: Request) -> JSONResponse:
        rows = await run_in_threadpool(_service(request).positions, session_id(request))
        return ok([fields.position_row(p) for p in rows], msg.OK_QUERY)

    @router.get("/today-entrusts", summary="获取当日委托")
    async def today_entrusts(
        request: Request,
        since: str | None = Query(None, description="可选：上次看到的最后一个合同编号，只返回其后的委托"),
        limit: str | None = Query(None, description="可选：最多返回的条数（1–1000）"),
    ) -> JSONResponse:
        page = parse_page(request.query_params)  # optional since/limit (issue 15); none: the spec's list
        service, sid = _service(request), session_id(request)
        if page is None:
            rows = await run_in_threadpool(service.today_entrusts, sid)
        else:
            rows = await run_in_threadpool(service.today_entrusts_page, sid, page)
        return ok([fields.entrust_row(e) for e in rows], msg.OK_QUERY)

    @router.get("/today-trades", summary="获取当日成交")
    async def today_trades(request: Request) -> JSONResponse:
        rows = await run_in_threadpool(_service(request).today_trades, session_id(request))
        return ok([fields.trade_row(t) for t in rows], msg.OK_QUERY)

    @router.get("/cancel-entrusts", summary="获取可撤单列表")
    async def cancel_entrusts(request: Request) -> JSONResponse:
        rows = await run_in_threadpool(_service(request).cancelable_entrusts, session_id(request))
        return ok([fields.cancelable_row(e) for e in rows], msg.OK_QUERY)

    @router.get(
        "/quote",
        summary="查询行情（五档、涨跌停价、是否可交易）",
        openapi_extra={
            "parameters": [
                {
                    "name": "security",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "600000",
                }
            ]
        },
    )
    async def quote(request: Request) -> JSONResponse:
        security = request.query_params.get("security")
        q = await run_in_threadpool(_service(request).quote, session_id(request), security)
        return ok(fields.quote_row(q), msg.OK_QUERY)

    # ---- 5.3 trading -------------------------------------------------------------------------
    def order_route(path: str, side: Side, *, market: bool, summary: str) -> None:
        model = MarketOrderBody if market else LimitOrderBody

        @router.post(
            path,
            summary=summary,
            name=path.strip("/"),
            openapi_extra=request_body(model),
        )
        async def place(request: Request) -> JSONResponse:
            raw = await body_dict(request)
            service, sid = _service(request), session_id(request)
            service.sessions.get(sid)  # an unknown session is a 401 before any check of the body
            body = parse(model, raw, side=side).as_body()
            fn = service.market_order if market else service.limit_order
            key = request.headers.get("idempotency-key")
            account = service.handle_for(sid).name
            ack = await place_order(service, account, lambda: fn(sid, side, body, key=key))
            return ok(_order_data(ack), msg.OK_ORDER)

    order_route("/buy", Side.BUY, market=False, summary="限价买入")
    order_route("/sell", Side.SELL, market=False, summary="限价卖出")
    order_route("/market-buy", Side.BUY, market=True, summary="市价买入")
    order_route("/market-sell", Side.SELL, market=True, summary="市价卖出")

    @router.post("/cancel-entrust", summary="撤销指定委托", openapi_extra=request_body(CancelBody))
    async def cancel_entrust(request: Request) -> JSONResponse:
        body = parse(CancelBody, await body_dict(request))
        # Awaited on the loop (the checks are in memory): no pool thread waits on the lane (issue 15).
        contract_no, call = _service(request).cancel_call(session_id(request), body.entrust_no)
        await call.run_async()
        return ok({"message": msg.OK_CANCEL, "合同编号": contract_no}, msg.OK_CANCEL)

    @router.post("/cancel-all-entrusts", summary="撤销所有委托")
    async def cancel_all(request: Request) -> JSONResponse:
        count = await run_in_threadpool(_service(request).cancel_all, session_id(request))
        return ok({"message": msg.OK_CANCEL_ALL, "撤销数量": count}, msg.OK_CANCEL_ALL)

    @router.post("/auto-ipo", summary="自动申购新股")
    async def auto_ipo(request: Request) -> JSONResponse:
        result = await run_in_threadpool(_service(request).auto_ipo, session_id(request))
        return ok(
            {
                "message": msg.OK_IPO,
                "可申购新股数量": result.entitled,
                "已申购新股": [
                    {"证券代码": a.code, "证券名称": a.name, "申购数量": a.amount} for a in result.applied
                ],
                # Beyond the spec's example: the issues listed but not applied for, and why.
                "未申购新股": [
                    {"证券代码": s.code, "证券名称": s.name, "原因": s.reason} for s in result.skipped
                ],
            },
            msg.OK_IPO,
        )

    # ---- 5.4 tools ---------------------------------------------------------------------------
    @router.post("/refresh", summary="刷新数据")
    async def refresh(request: Request) -> JSONResponse:
        await run_in_threadpool(_service(request).refresh, session_id(request))
        return ok(None, msg.OK_REFRESH)

    @router.post("/wait", summary="等待指定时间", openapi_extra=request_body(WaitBody))
    async def wait(request: Request) -> JSONResponse:
        body = parse(WaitBody, await body_dict(request))
        seconds = await run_in_threadpool(_service(request).wait, session_id(request), body.seconds)
        return ok(None, msg.OK_WAIT.format(seconds=f"{seconds:g}"))

    @router.get("/check-pop-dialog", summary="检查弹出对话框")
    async def check_pop_dialog(request: Request) -> JSONResponse:
        has = await run_in_threadpool(_service(request).check_pop_dialog, session_id(request))
        return ok({"has_pop_dialog": has}, msg.OK_QUERY)

    @router.post("/close-pop-dialog", summary="关闭弹出对话框")
    async def close_pop_dialog(request: Request) -> JSONResponse:
        closed = await run_in_threadpool(_service(request).close_pop_dialog, session_id(request))
        return ok(None, msg.OK_POP_CLOSED if closed else msg.OK_NO_POP)

    _declare_session(router)
    return router
