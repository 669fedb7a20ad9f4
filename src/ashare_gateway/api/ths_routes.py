"""The ths_http_trader dialect (spec ths-http-trader.md): /balance, /position, /buy, /sell.

Every path answers GET (query string) and POST (JSON body or form data, merged over the query string),
as the Flask original does. Responses are ``{"status": 1, "message": ...}`` on success and
``{"status": -1, "message": "<reason>"}`` on any failure, with HTTP 200 (the original's clients read
``status``, and some call ``raise_for_status``); only an unknown path or method keeps its 404/405.
Served under ``/ths`` always, and at the root on a listener started with ``--dialect ths``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..domain import fields
from ..domain import messages as msg
from ..domain.models import Balance, OrderAck, Position, Side
from ..service.sessionless import SessionlessTrader
from . import accounts
from .models import RequestModel, parse, query_parameters, request_body
from .models.ths import ThsOrderBody
from .order_calls import place_order
from .requests import body_dict

PREFIX = "/ths"
METHODS = ("GET", "POST")

# The balance keys the spec shows, in its order, as money strings ("108328.65").
BALANCE_KEYS = {
    "资金余额": "cash",
    "可用金额": "available",
    "可取金额": "withdrawable",
    "股票市值": "market_value",
    "总资产": "total_assets",
}


def render(message: Any) -> JSONResponse:
    return JSONResponse({"status": 1, "message": message})


def render_error(status: int, message: str) -> Response:
    """The failure shape for every error under this dialect (installed per prefix by ``errors.install``)."""
    http_status = status if status in (404, 405) else 200
    return JSONResponse({"status": -1, "message": message}, status_code=http_status)


def balance_message(b: Balance) -> dict[str, str]:
    return {key: _money_text(getattr(b, attr)) for key, attr in BALANCE_KEYS.items()}


def position_message(rows: list[Position]) -> dict[str, dict[str, Any]]:
    """Keyed by code. 冻结数量 is what the client shows under that name: shares held but not sellable now
    (bought today under T+1, or tied up in open sell orders), i.e. 股票余额 − 可用余额."""
    return {
        p.code: {
            "证券名称": p.name,
            "冻结数量": p.quantity - p.available,
            "可用余额": p.available,
            "股票余额": p.quantity,
            "成本价": fields.price(p.cost_price),
        }
        for p in rows
    }


def order_message(side: Side, ack: OrderAck) -> str:
    # A dry-run order has no 合同编号: its own message says what happened instead.
    if not ack.contract_no:
        return ack.message
    return msg.ORDER_OK.format(side=side.label, contract_no=ack.contract_no)


def _money_text(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _trader(request: Request) -> SessionlessTrader:
    return accounts.sessionless(request)  # account=, X-Account or /accounts/NAME/ (api/accounts.py)


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        params.update(await body_dict(request))
    return params


def build_router(prefix: str = PREFIX, *, in_schema: bool = True) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=["ths_http_trader"], include_in_schema=in_schema)

    def both(path: str, summary: str, *, model: type[RequestModel] | None = None):
        """Register one handler for GET and POST, as two routes (one OpenAPI operation each); ``model``
        documents the parameters: in the query string for GET, as the body for POST."""

        def register(handler):
            for method in METHODS:
                extra = (
                    None
                    if model is None
                    else (query_parameters(model) if method == "GET" else request_body(model))
                )
                router.add_api_route(
                    path,
                    handler,
                    methods=[method],
                    summary=summary,
                    name=f"ths{prefix}{path}:{method}",
                    openapi_extra=extra,
                )
            return handler

        return register

    @both("/balance", "资金查询")
    async def balance(request: Request) -> JSONResponse:
        await _params(request)  # a malformed body is still an error, as for every other path
        return render(balance_message(await run_in_threadpool(_trader(request).balance)))

    @both("/position", "持仓查询（hexin.exe 9.x 不支持）")
    async def position(request: Request) -> JSONResponse:
        await _params(request)
        return render(position_message(await run_in_threadpool(_trader(request).positions)))

    def order(path: str, side: Side, summary: str) -> None:
        @both(path, summary, model=ThsOrderBody)
        async def place(request: Request) -> JSONResponse:
            raw = await _params(request)
            trader = _trader(request)  # malformed JSON, then the account, then the fields, as before
            params = parse(ThsOrderBody, raw).as_body()
            key = request.headers.get("idempotency-key")
            ack = await place_order(
                trader.service, trader.account, lambda: trader.flexible_order(side, params, key=key)
            )
            return render(order_message(side, ack))

    order("/buy", Side.BUY, "买入（price 可省略；amount 可为 max）")
    order("/sell", Side.SELL, "卖出（price 可省略；amount 可为 max）")
    return router
