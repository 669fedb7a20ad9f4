"""The easytrader remote dialect (spec easytrader-remote.md): what ``easytrader.use('remote')`` sends.

Paths, methods and status codes are those of easytrader's ``server.py``, so its ``remoteclient`` (and the
JoinQuant/RiceQuant/雪球 followers built on it) run unchanged: bare JSON on success (201 for the calls
that act, 200 for reads), ``{"error": "<text>"}`` with a status >= 300 on failure (the client raises
``Exception(body["error"])``). Extra keyword arguments arrive nested under ``kwargs`` (``locals()`` of
the client's method) and are read from there. Served under ``/easytrader`` always, and at the root on a
listener started with ``--dialect easytrader``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..domain import fields
from ..domain import messages as msg
from ..domain.models import Side
from ..service.sessionless import SessionlessTrader
from . import accounts
from .models import M, parse, request_body
from .models.easytrader import EtCancelBody, EtLimitOrderBody, EtMarketOrderBody, PrepareBody
from .order_calls import place_order
from .requests import body_dict

PREFIX = "/easytrader"

TEXTS = {
    "login": "login success",
    "exit": "exit success",
    "no_ipo": "今日无新股",
}


# The reads answered as a list of rows: path, summary, the facade's read, the row renderer.
TABLES: list[tuple[str, str, Callable[[SessionlessTrader], list], Callable]] = [
    ("/position", "持仓", SessionlessTrader.positions, fields.position_row),
    ("/today_entrusts", "当日委托", SessionlessTrader.today_entrusts, fields.entrust_row),
    ("/today_trades", "当日成交", SessionlessTrader.today_trades, fields.trade_row),
    ("/cancel_entrusts", "可撤委托", SessionlessTrader.cancelable_entrusts, fields.cancelable_row),
]


def render_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status if status >= 300 else 400)


def _trader(request: Request) -> SessionlessTrader:
    return accounts.sessionless(request)  # account=, X-Account or /accounts/NAME/ (api/accounts.py)


async def _call(request: Request, model: type[M]) -> tuple[SessionlessTrader, M]:
    """The account's facade and the body checked by ``model`` (``kwargs`` lifted, top-level fields
    winning). In this order, as before the models: malformed JSON, then the account, then the fields."""
    raw = await body_dict(request)
    trader = _trader(request)
    return trader, parse(model, raw)


def build_router(prefix: str = PREFIX, *, in_schema: bool = True) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=["easytrader"], include_in_schema=in_schema)

    @router.post(
        "/prepare",
        status_code=201,
        summary="登录（或连接已登录的客户端）",
        openapi_extra=request_body(PrepareBody),
    )
    async def prepare(request: Request) -> JSONResponse:
        trader, body = await _call(request, PrepareBody)
        await run_in_threadpool(trader.prepare, body.credentials(), body.exe_path)
        return JSONResponse({"msg": TEXTS["login"]}, status_code=201)

    @router.get("/balance", summary="资金")
    async def balance(request: Request) -> JSONResponse:
        b = await run_in_threadpool(_trader(request).balance)
        return JSONResponse(fields.balance_row(b))

    def table_route(
        path: str, summary: str, read: Callable[[SessionlessTrader], list], row: Callable
    ) -> None:
        """A read whose answer is a bare JSON list of the spec's rows."""

        async def table(request: Request) -> JSONResponse:
            rows = await run_in_threadpool(read, _trader(request))
            return JSONResponse([row(r) for r in rows])

        router.add_api_route(path, table, methods=["GET"], summary=summary, name=path.strip("/"))

    for path, summary, read, row in TABLES:
        table_route(path, summary, read, row)

    @router.get("/auto_ipo", summary="新股申购")
    async def auto_ipo(request: Request) -> JSONResponse:
        result = await run_in_threadpool(_trader(request).auto_ipo)
        applied = [{"证券代码": a.code, "证券名称": a.name, "申购数量": a.amount} for a in result.applied]
        text = msg.OK_IPO if result.entitled else TEXTS["no_ipo"]
        return JSONResponse({"message": text, "已申购新股": applied})

    def order_route(path: str, side: Side, *, market: bool, summary: str) -> None:
        model = EtMarketOrderBody if market else EtLimitOrderBody

        @router.post(
            path,
            status_code=201,
            summary=summary,
            name=f"easytrader{prefix}{path}",
            openapi_extra=request_body(model),
        )
        async def place(request: Request) -> JSONResponse:
            trader, checked = await _call(request, model)
            body = checked.as_body()
            fn = trader.market_order if market else trader.limit_order
            key = request.headers.get("idempotency-key")
            ack = await place_order(trader.service, trader.account, lambda: fn(side, body, key=key))
            # easytrader's entrust_no is the 合同编号 its pop-up handler reads. A dry run has none: its
            # message says so.
            data: dict[str, Any] = {"entrust_no": ack.contract_no or None}
            if not ack.contract_no:
                data["message"] = ack.message
            return JSONResponse(data, status_code=201)

    order_route("/buy", Side.BUY, market=False, summary="限价买入")
    order_route("/sell", Side.SELL, market=False, summary="限价卖出")
    order_route("/market_buy", Side.BUY, market=True, summary="市价买入（kwargs: ttype, limit_price）")
    order_route("/market_sell", Side.SELL, market=True, summary="市价卖出（kwargs: ttype, limit_price）")

    @router.post("/cancel_entrust", status_code=201, summary="撤单", openapi_extra=request_body(EtCancelBody))
    async def cancel_entrust(request: Request) -> JSONResponse:
        trader, body = await _call(request, EtCancelBody)
        contract_no = await run_in_threadpool(trader.cancel, body.entrust_no)
        return JSONResponse({"message": msg.OK_CANCEL, "entrust_no": contract_no}, status_code=201)

    @router.get("/exit", summary="退出客户端")
    async def exit_client(request: Request) -> JSONResponse:
        await run_in_threadpool(_trader(request).exit)
        return JSONResponse({"msg": TEXTS["exit"]})

    return router
