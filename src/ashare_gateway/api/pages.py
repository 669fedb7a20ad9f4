"""The browser dashboard at ``/``: a static page over the same ``/api/trader`` API a script uses.

The page, its script and its stylesheet are plain files under ``static/`` (no inline script or style, so
the perimeter's Content-Security-Policy can forbid both). The one thing the page needs that the spec's
API does not say is what an instrument's rules are (tick, lot, which market-order types its board
takes), so the ticket can size and price an order before the user confirms it: that is
``/api/dashboard/instruments``, computed from the same domain rules the gateway enforces.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from ..domain.errors import InvalidParameter
from ..domain.instruments import Security, parse_security
from ..domain.market_orders import allowed_types, needs_protect_price
from ..domain.rules import lot_rule, tick_size
from . import openapi
from .envelope import ok

STATIC_URL = "/static"
DASHBOARD_PREFIX = "/api/dashboard"
MAX_CODES = 50  # one page never shows more distinct codes than this at once


def static_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("static")))


@cache
def dashboard_html() -> str:
    return (static_dir() / "dashboard.html").read_text(encoding="utf-8")


def instrument_info(sec: Security) -> dict[str, Any]:
    """What the ticket needs to know about a code: price decimals, lot sizes, market-order types."""
    tick = tick_size(sec)
    rule = lot_rule(sec)
    return {
        "证券代码": sec.code,
        "market": sec.market.value,
        "board": sec.board.value,
        "kind": sec.kind.value,
        "tick": float(tick),
        "price_decimals": -int(tick.as_tuple().exponent),
        "buy_min": rule.buy_min,
        "buy_step": rule.buy_step,
        "odd_below": rule.odd_below,
        "max_limit": rule.max_limit,
        "max_market": rule.max_market,
        "market_types": [str(t) for t in allowed_types(sec)],
        "protect_price": needs_protect_price(sec),
    }


def build_router() -> APIRouter:
    router = APIRouter(prefix=DASHBOARD_PREFIX, tags=["dashboard"], responses=openapi.responses())

    @router.get(
        "/instruments",
        summary="证券的交易规则（最小变动价位、交易单位、可用的市价委托类型）",
        openapi_extra={
            "parameters": [
                {
                    "name": "codes",
                    "in": "query",
                    "required": True,
                    "description": "逗号分隔的证券代码，最多50个",
                    "schema": {"type": "string"},
                    "example": "600000,510300,688981",
                }
            ]
        },
    )
    async def instruments(request: Request) -> JSONResponse:
        raw = request.query_params.get("codes") or ""
        codes = [c.strip() for c in raw.split(",") if c.strip()]
        if not codes:
            raise InvalidParameter("缺少必填参数：codes")
        if len(codes) > MAX_CODES:
            raise InvalidParameter(f"参数格式错误：codes（最多{MAX_CODES}个）")
        return ok([instrument_info(parse_security(c, field="codes")) for c in codes])

    return router


def install(app: FastAPI) -> None:
    """``/`` (the page), ``/static/*`` (its files) and the instrument-rules route."""
    app.include_router(build_router())
    app.mount(STATIC_URL, StaticFiles(directory=static_dir()), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(dashboard_html())
