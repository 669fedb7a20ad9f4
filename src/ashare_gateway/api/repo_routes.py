"""``/api/trader/repo``: the 国债逆回购 listing and "lend the idle cash", in the ``/api/trader`` envelope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..domain import fields
from ..domain import messages as msg
from ..domain.repo import RepoLoan, principal
from ..service.repo_lending import RepoLending
from . import openapi
from .accounts import session_id  # the session of the account named (account=, X-Account, /accounts/NAME/)
from .envelope import ok
from .models import parse, request_body
from .models.repo import LendBody
from .requests import body_dict

DATE = "%Y%m%d"

_LOAN_EXAMPLE = {
    "合同编号": "10000001",
    "证券代码": "204001",
    "证券名称": "GC001",
    "交易市场": "上海Ａ股",
    "年化利率": 1.58,
    "数量": 1000,
    "出借金额": 100000.0,
    "手续费": 1.0,
    "预计利息": 12.99,
    "成交日期": "20261203",
    "首次结算日": "20261204",
    "到期日": "20261204",
    "可取日": "20261207",
    "计息天数": 3,
    "状态": "未到期",
}
_LEND_EXAMPLE = {
    "message": "success",
    "委托编号": "10000002",
    "合同编号": "10000002",
    "证券代码": "131810",
    "年化利率": 1.62,
    "数量": 8760,
    "出借金额": 876000.0,
}


def _example(data: Any, message: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer with its example (the schema page shows one for every /api/trader route)."""
    content = {"schema": openapi.ENVELOPE, "example": {"code": 200, "message": message, "data": data}}
    return {200: {"description": "成功", "content": {"application/json": content}}}


def loan_row(loan: RepoLoan) -> dict[str, Any]:
    s = loan.schedule
    return {
        "合同编号": loan.contract_no,
        "证券代码": loan.code,
        "证券名称": loan.name,
        "交易市场": loan.market.label,
        "年化利率": fields.price(loan.rate),
        "数量": loan.amount,  # 张 of ¥100
        "出借金额": fields.money(loan.principal),
        "手续费": fields.money(loan.commission),
        "预计利息": fields.money(loan.interest),
        "成交日期": s.trade_date.strftime(DATE),
        "首次结算日": s.first_settlement.strftime(DATE),
        "到期日": s.maturity.strftime(DATE),  # principal and interest usable (可用) from this day
        "可取日": s.maturity_settlement.strftime(DATE),
        "计息天数": s.days,
        "状态": loan.status.value,
    }


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/trader", tags=["trader"], responses=openapi.responses())

    def lending(request: Request) -> RepoLending:
        return RepoLending(request.app.state.gateway.service)

    @router.get(
        "/repo",
        summary="查询国债逆回购（出借记录、到期日、可取日、利息）",
        responses=_example([_LOAN_EXAMPLE], msg.OK_QUERY),
    )
    async def loans(request: Request) -> JSONResponse:
        rows = await run_in_threadpool(lending(request).loans, session_id(request))
        return ok([loan_row(x) for x in rows], msg.OK_QUERY)

    @router.post(
        "/repo",
        summary="国债逆回购：以最优利率出借全部可用资金（可保留部分）",
        openapi_extra=request_body(LendBody, required=False),
        responses=_example(_LEND_EXAMPLE, msg.OK_ORDER),
    )
    async def lend(request: Request) -> JSONResponse:
        terms = parse(LendBody, await body_dict(request)).terms  # the body before the session, as before
        key = request.headers.get("idempotency-key")
        done = await run_in_threadpool(lambda: lending(request).lend(session_id(request), terms, key=key))
        text = msg.OK_ORDER if done.ack.contract_no else done.ack.message  # a dry run has no 合同编号
        ack = done.ack
        data: dict[str, Any] = {"message": text, "委托编号": ack.entrust_no, "合同编号": ack.contract_no}
        if done.request is not None:
            assert done.request.price is not None
            data |= {
                "证券代码": done.request.code,
                "年化利率": fields.price(done.request.price),
                "数量": done.request.amount,
                "出借金额": fields.money(principal(done.request.amount)),
            }
        return ok(data, msg.OK_ORDER)

    return router
