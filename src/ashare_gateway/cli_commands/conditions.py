"""``ashare-gateway conditions list | add | cancel``: the gateway's conditional orders from the terminal.

Like the trading commands (:mod:`.trading`): talks HTTP to the running gateway found per the data dir
(``gateway.json``, or ``--url``; the token from ``--token``, ``$ASHARE_GATEWAY_TOKEN`` or the data dir),
``--account`` for a gateway with several accounts, rich tables (or ``--json``) on stdout, errors on
stderr, the exit codes of :class:`~.exits.Exit`. ``add`` and ``cancel`` ask first unless ``--yes``.
The gateway validates everything (``POST /api/trader/conditions``); this only shapes the body.
"""

from __future__ import annotations

import json as jsonlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import render
from .exits import Exit
from .trading import AccountName, DataDir, Json, Session, Token, Url, Yes, _confirm, _die, _gateway, out

PATH = "/conditions"
COLUMNS = (
    "id",
    "kind_label",
    "code",
    "side",
    "amount",
    "trigger",
    "price_type",
    "valid_until",
    "state_label",
    "合同编号",
    "message",
)
HEADERS = {
    "id": "编号",
    "kind_label": "类型",
    "code": "证券代码",
    "side": "方向",
    "amount": "数量",
    "trigger": "触发条件",
    "price_type": "委托价格",
    "valid_until": "有效期至",
    "state_label": "状态",
}
SIDE_LABELS = {"buy": "买入", "sell": "卖出"}
TEXTS = {
    "none": "没有条件单",
    "body": "--body 须为 JSON 对象（例如 oco 一组两个条件）：{error}",
    "missing": "缺少{names}：请给出条件类型 KIND、证券代码 CODE 和 --amount，或用 --body 给出完整请求体",
    "mixed": "--body 已是完整的请求体，不能同时给出{names}（请写进 --body，或去掉 --body）",
    "ask": "确认{where}创建条件单：{summary}？",
    "ask_cancel": "确认{where}撤销条件单 {id}？",
    "created": "条件单已创建：编号 {ids}",
    "cancelled": "条件单 {id} 已撤销",
}


class Kind(StrEnum):
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"
    BREAKOUT_ABOVE = "breakout_above"
    BREAKOUT_BELOW = "breakout_below"
    TIME = "time"


class SideChoice(StrEnum):
    BUY = "buy"
    SELL = "sell"


class PriceType(StrEnum):
    LIMIT = "limit"
    TRIGGER_OFFSET = "trigger_offset"
    MARKET = "market"


class State(StrEnum):
    ARMED = "armed"
    TRIGGERING = "triggering"
    SUBMITTED = "submitted"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def _call(gw: Any, method: str, path: str, *, body: dict | None = None, params: dict | None = None) -> Any:
    """One ``/api/trader`` call through the SDK's transport (its errors become exit codes in _gateway).
    Creating and cancelling are sent once (retried only if the request never left)."""
    from ..client.calls import Call, Retry

    retry = Retry.READ if method == "GET" else Retry.UNSENT
    return gw._run(Call(method, path, lambda data: data, retry, body, params or {}))


def _trigger(row: dict[str, Any]) -> str:
    if row.get("trigger_price") is not None:
        return str(row["trigger_price"])
    if row.get("trail_percent") is not None:
        return f"回落{row['trail_percent']}%" if row.get("side") == "sell" else f"反弹{row['trail_percent']}%"
    if row.get("trail_amount") is not None:
        return f"回落{row['trail_amount']}元" if row.get("side") == "sell" else f"反弹{row['trail_amount']}元"
    return str(row.get("at") or "-")


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    price = row.get("price_type")
    if price == "limit":
        price = f"限价 {row.get('limit_price')}"
    elif price == "trigger_offset":
        price = f"触发价±{row.get('ticks')}档"
    elif price == "market":
        price = "市价"
    shown = {**row, "trigger": _trigger(row), "side": SIDE_LABELS.get(row.get("side", ""), "-")}
    shown["price_type"] = price
    return {HEADERS.get(k, k): shown.get(k) for k in COLUMNS}


def list_conditions(
    state: Annotated[State | None, typer.Option(help="Only this state.")] = None,
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """List the conditional orders, newest first."""
    with _gateway(url, token, data_dir, session, account) as gw:
        rows = _call(gw, "GET", PATH, params={"state": str(state)} if state else None)
    if json:
        render.print_json(out, rows)
    elif not rows:
        out.print(TEXTS["none"])
    else:
        columns = tuple(HEADERS.get(k, k) for k in COLUMNS)
        out.print(render.rows_table("条件单", columns, [_shown(r) for r in rows]))


def _amount(raw: str) -> int | str:
    return int(raw) if raw.isascii() and raw.isdigit() else raw  # "all" (or a mistake the gateway names)


def _body(text: str) -> dict[str, Any]:
    """``--body``: a JSON object, sent as it is (the gateway checks every field)."""
    try:
        request = jsonlib.loads(text)
    except ValueError as exc:
        _die(Exit.USAGE, TEXTS["body"].format(error=exc))
    if not isinstance(request, dict):
        _die(Exit.USAGE, TEXTS["body"].format(error=type(request).__name__))
    return request


def add(
    kind: Annotated[Kind | None, typer.Argument(help="The condition (not with --body).")] = None,
    code: Annotated[str | None, typer.Argument(help="Security code, e.g. 600000 (not with --body).")] = None,
    amount: Annotated[
        str | None, typer.Option(help="Shares, or all (sells: the position's 可用 at the trigger).")
    ] = None,
    side: Annotated[SideChoice | None, typer.Option(help="buy or sell [default: sell].")] = None,
    trigger: Annotated[str | None, typer.Option(help="Trigger price (stop/take-profit/breakouts).")] = None,
    trail_percent: Annotated[str | None, typer.Option(help="Trailing stop: % from the peak.")] = None,
    trail_amount: Annotated[str | None, typer.Option(help="Trailing stop: yuan from the peak.")] = None,
    at: Annotated[str | None, typer.Option(help="Time condition: HH:MM:SS in continuous trading.")] = None,
    price_type: Annotated[
        PriceType | None, typer.Option(help="The order it sends [default: trigger_offset].")
    ] = None,
    price: Annotated[str | None, typer.Option(help="Limit price (--price-type limit).")] = None,
    ticks: Annotated[int | None, typer.Option(help="Ticks past the firing price (trigger_offset).")] = None,
    valid: Annotated[
        str | None, typer.Option(help="today, or a date YYYY-MM-DD (up to 90 days) [default: today].")
    ] = None,
    body: Annotated[
        str | None,
        typer.Option(help='The whole JSON body instead of KIND CODE and options: {"oco": [leg, leg]}.'),
    ] = None,
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    yes: Yes = False, session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Create a conditional order (asks first unless --yes): KIND CODE --amount and its options, or
    --body with the whole JSON body."""
    terms = {
        "KIND": kind,
        "CODE": code,
        "--amount": amount,
        "--side": side,
        "--trigger": trigger,
        "--trail-percent": trail_percent,
        "--trail-amount": trail_amount,
        "--at": at,
        "--price-type": price_type,
        "--price": price,
        "--ticks": ticks,
        "--valid": valid,
    }
    if body is not None:
        mixed = [name for name, value in terms.items() if value is not None]
        if mixed:
            _die(Exit.USAGE, TEXTS["mixed"].format(names="、".join(mixed)))
        request = _body(body)
        summary = jsonlib.dumps(request, ensure_ascii=False)
    else:
        missing = [name for name in ("KIND", "CODE", "--amount") if terms[name] is None]
        if missing:
            _die(Exit.USAGE, TEXTS["missing"].format(names="、".join(missing)))
        assert kind is not None and code is not None and amount is not None  # checked just above
        side, price_type, valid = (
            side or SideChoice.SELL,
            price_type or PriceType.TRIGGER_OFFSET,
            valid or "today",
        )
        given = {
            "trigger_price": trigger,
            "trail_percent": trail_percent,
            "trail_amount": trail_amount,
            "at": at,
            "price": price,
            "ticks": ticks,
        }
        request = {
            "type": str(kind),
            "security": code,
            "side": str(side),
            "amount": _amount(amount),
            "price_type": str(price_type),
            "valid": valid,
            **{k: v for k, v in given.items() if v is not None},
        }
        what = _trigger({**request, "trigger_price": trigger})
        summary = f"{kind} {code} {SIDE_LABELS[str(side)]} {amount} 触发 {what}，{price_type}，有效期 {valid}"
    with _gateway(url, token, data_dir, session, account) as gw:
        where = f"在账户 {account} " if account else ""
        _confirm(TEXTS["ask"].format(where=where, summary=summary), yes)
        rows = _call(gw, "POST", PATH, body=request)
    if json:
        render.print_json(out, rows)
    else:
        out.print(TEXTS["created"].format(ids="、".join(str(r["id"]) for r in rows)))
        columns = tuple(HEADERS.get(k, k) for k in COLUMNS)
        out.print(render.rows_table("条件单", columns, [_shown(r) for r in rows]))


def cancel(
    condition_id: Annotated[int, typer.Argument(help="The condition's id (see `conditions list`).", min=1)],
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    yes: Yes = False, session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Cancel an armed conditional order (asks first unless --yes)."""
    with _gateway(url, token, data_dir, session, account) as gw:
        where = f"在账户 {account} " if account else ""
        _confirm(TEXTS["ask_cancel"].format(where=where, id=condition_id), yes)
        row = _call(gw, "POST", f"{PATH}/{condition_id}/cancel", body={})
    if json:
        render.print_json(out, row)
    else:
        out.print(TEXTS["cancelled"].format(id=condition_id))


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True, help="Conditional orders the gateway holds (条件单).")
    group.command("list")(list_conditions)
    group.command("add")(add)
    group.command("cancel")(cancel)
    app.add_typer(group, name="conditions")
