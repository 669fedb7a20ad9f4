"""Operations endpoints: the order journal (query, audit, export, reconcile) and the kill switch.

Same ``{code, message, data}`` envelope as ``/api/trader``. These are for the operator, not for the
spec's clients, so they live under ``/api/journal`` and ``/api/admin``.

``account`` (query, ``X-Account``, or the kill switch's body) is a gateway account name, or the broker
account of exactly one account (:mod:`.account_filter`); the journal keeps broker accounts, and each
row it shows also names its gateway account (``account_name``).
"""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from ..domain.errors import GatewayError, InvalidParameter
from . import account_filter, openapi
from .envelope import ok
from .models import parse, request_body
from .models.ops import KillSwitchBody, kill_switch_account
from .requests import body_dict

JOURNAL_PREFIX = "/api/journal"
ADMIN_PREFIX = "/api/admin"
STATES = ("received", "sent", "accepted", "rejected", "unknown", "failed", "dry_run")


# A cell starting with one of these is a formula to Excel/WPS/LibreOffice (CSV injection): a broker
# message or a client_order_id such as "=HYPERLINK(...)" would run when the export is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula gets a leading ' (shown as text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    text = raw.replace("-", "")
    if len(text) != 8 or not text.isdigit():
        raise InvalidParameter("参数格式错误：day（应为YYYYMMDD或YYYY-MM-DD）")
    return text


def _account(request: Request, raw: object) -> tuple[str, str] | None:
    """The kill switch's account: absent (every account), or a gateway account name or the broker
    account of exactly one account, resolved to (name, broker account). Anything else is refused rather
    than stored as a switch no account reads."""
    name = kill_switch_account(raw)
    return None if name is None else account_filter.resolve(request, name)


def _switch(on: bool, account: tuple[str, str] | None, **more: object) -> dict:
    name, broker = account if account else (None, None)
    return {"on": on, "account": name, "broker_account": broker, **more}


def _filters(request: Request) -> dict:
    q = request.query_params
    chosen = account_filter.requested(request)
    state = q.get("state") or None
    if state is not None and state not in STATES:
        raise InvalidParameter(f"参数格式错误：state（可选：{'、'.join(STATES)}）")
    code = q.get("code") or None
    if code is not None and not (len(code) == 6 and code.isdigit()):
        raise InvalidParameter("参数格式错误：code（应为6位数字）")
    account = chosen[1] if chosen else None
    return {"day": _day(q.get("day")), "code": code, "state": state, "account": account}


def _rows(request: Request, entries) -> list[dict]:
    """The journal rows as shown: each with the gateway account it belongs to."""
    name_of = account_filter.directory(request).name_of
    names: dict[str, str | None] = {}
    rows = []
    for entry in entries:
        row = entry.public()
        if entry.account not in names:
            names[entry.account] = name_of(entry.account)
        row["account_name"] = names[entry.account]
        rows.append(row)
    return rows


def build_router() -> APIRouter:
    router = APIRouter(tags=["ops"], responses=openapi.responses())

    def gateway(request: Request):
        return request.app.state.gateway

    @router.get(f"{JOURNAL_PREFIX}/orders", summary="委托日志查询（按日期、代码、状态）")
    async def journal_orders(request: Request) -> JSONResponse:
        rows = gateway(request).journal.query(**_filters(request))
        return ok(_rows(request, rows))

    @router.get(JOURNAL_PREFIX + "/orders/{order_id}", summary="一笔委托的日志与审计轨迹")
    async def journal_order(request: Request, order_id: str) -> JSONResponse:
        if not order_id.isdigit():
            raise InvalidParameter("参数格式错误：order_id")
        journal = gateway(request).journal
        try:
            entry = journal.get(int(order_id))
        except Exception:
            raise GatewayError(f"委托日志不存在：{order_id}", status_code=404) from None
        return ok({**_rows(request, [entry])[0], "events": journal.events(order_id=entry.id)})

    @router.get(f"{JOURNAL_PREFIX}/events", summary="审计事件")
    async def journal_events(request: Request) -> JSONResponse:
        return ok(gateway(request).journal.events(day=_day(request.query_params.get("day"))))

    @router.get(
        f"{JOURNAL_PREFIX}/export",
        summary="导出委托日志（csv 或 json）",
        responses={
            200: {
                "description": "导出文件",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                },
            }
        },
    )
    async def journal_export(request: Request) -> Response:
        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "json"):
            raise InvalidParameter("参数格式错误：format（csv 或 json）")
        rows = _rows(request, gateway(request).journal.query(**_filters(request), limit=100_000))
        if fmt == "json":
            body = json.dumps(rows, ensure_ascii=False, indent=1)
            return Response(
                body,
                media_type="application/json",
                headers={"Content-Disposition": 'attachment; filename="journal.json"'},
            )
        out = io.StringIO()
        columns = [
            "id",
            "trade_date",
            "created_at",
            "sent_at",
            "updated_at",
            "account",
            "account_name",
            "broker",
            "idempotency_key",
            "state",
            "合同编号",
            "message",
            "reconciled",
            "dry_run",
            "request",
        ]
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            row = {**r, "request": json.dumps(r["request"], ensure_ascii=False)}
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="journal.csv"'},
        )

    @router.post(f"{JOURNAL_PREFIX}/reconcile", summary="与当日委托核对结果未知的委托")
    async def journal_reconcile(request: Request) -> JSONResponse:
        settled = await run_in_threadpool(gateway(request).service.reconcile_all)
        return ok({"reconciled": settled}, "核对完成")

    @router.get(f"{ADMIN_PREFIX}/kill-switch", summary="紧急停止状态")
    async def kill_switch_state(request: Request) -> JSONResponse:
        account = _account(request, request.query_params.get("account"))
        on = gateway(request).risk.kill_switch(account[1] if account else None)
        return ok(_switch(on, account))

    @router.post(
        f"{ADMIN_PREFIX}/kill-switch",
        summary="开启（撤销全部委托并拒绝新委托）或解除紧急停止",
        openapi_extra=request_body(KillSwitchBody),
    )
    async def kill_switch(request: Request) -> JSONResponse:
        body = parse(KillSwitchBody, await body_dict(request))
        on = body.on
        account = _account(request, body.account)
        broker = account[1] if account else None
        gw = gateway(request)
        gw.risk.set_kill_switch(on, broker)
        # One account's switch cancels that account's open orders only, never the others'.
        cancelled = await run_in_threadpool(gw.service.cancel_everything, broker) if on else 0
        return ok(_switch(on, account, 撤销数量=cancelled), "紧急停止已开启" if on else "紧急停止已解除")

    return router
