"""Every ``/api/trader`` call as data: method, path, body, how to read the answer, and when a retry is safe.

The sync and async clients share these, so the two cannot drift apart; they differ only in how they
send. Retry policy, per call:

* ``READ`` — queries: retried on a broken connection and on 502/503/504 (a read changes nothing).
* ``KEYED`` — orders: they carry an ``Idempotency-Key``, so a retry with the same key either replays
  the first answer or, if the first attempt's outcome was lost, lets the gateway reconcile it; it never
  sends a second order. Retried like reads.
* ``UNSENT`` — cancels, IPO, login, exit: retried only when the connection could not be opened (the
  request never left this machine).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from .errors import ServerError, error_for
from .models import (
    Balance,
    Entrust,
    IpoResult,
    OrderResult,
    Position,
    Quote,
    SessionInfo,
    Trade,
)

PREFIX = "/api/trader"
RETRYABLE_STATUS = frozenset({502, 503, 504})


class Retry(Enum):
    READ = "read"
    KEYED = "keyed"
    UNSENT = "unsent"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    parse: Callable[[Any], Any]
    retry: Retry
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    key: str | None = None  # Idempotency-Key, for orders

    @property
    def headers(self) -> dict[str, str]:
        return {"Idempotency-Key": self.key} if self.key else {}


def decode(status: int, text: str) -> Any:
    """The ``data`` of a success envelope; a typed error for anything else. Numbers become Decimal."""
    try:
        body = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise ServerError(status, f"网关返回了无法解析的内容（HTTP {status}）：{text[:200]}") from None
    if not isinstance(body, dict) or "code" not in body:
        raise ServerError(status, f"网关返回了意外的内容（HTTP {status}）")
    code = int(body.get("code", status))
    if status != 200 or code != 200:
        raise error_for(code if code != 200 else status, str(body.get("message", "")))
    return body.get("data")


def new_key() -> str:
    """A fresh Idempotency-Key for one order: unique across processes and restarts."""
    return f"sdk-{uuid.uuid4().hex}"


def price_number(value: Decimal | str | int | float) -> float:
    """A price as the JSON number the spec wants, checked first so a typo never becomes an order."""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"委托价格格式错误：{value}") from None
    if not d.is_finite() or d <= 0 or d.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValueError(f"委托价格格式错误：{value}（须为正数，最多3位小数）")
    return float(d)


def amount_number(value: int | str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"委托数量格式错误：{value}")
    try:
        n = int(str(value))
    except ValueError:
        raise ValueError(f"委托数量格式错误：{value}（须为正整数）") from None
    if n <= 0:
        raise ValueError(f"委托数量格式错误：{value}（须为正整数）")
    return n


def _rows(cls: Any) -> Callable[[Any], list[Any]]:
    return lambda data: [cls.from_row(r) for r in data or []]


# ---- sessions -----------------------------------------------------------------------------------
def connect(exe_path: str | None) -> Call:
    body = {"exe_path": exe_path} if exe_path else {}
    return Call("POST", "/connect", lambda d: str(d["session_id"]), Retry.UNSENT, body)


def login(user: str, password: str, comm_password: str, exe_path: str | None) -> Call:
    body = {"user": user, "password": password, "comm_password": comm_password}
    if exe_path:
        body["exe_path"] = exe_path
    return Call("POST", "/login", lambda d: str(d["session_id"]), Retry.UNSENT, body)


def exit_client() -> Call:
    return Call("POST", "/exit", lambda d: None, Retry.UNSENT, {})


def session_status() -> Call:
    return Call("GET", "/session-status", SessionInfo.from_data, Retry.READ)


# ---- queries ------------------------------------------------------------------------------------
def balance() -> Call:
    return Call("GET", "/balance", Balance.from_row, Retry.READ)


def positions() -> Call:
    return Call("GET", "/position", _rows(Position), Retry.READ)


def today_entrusts() -> Call:
    return Call("GET", "/today-entrusts", _rows(Entrust), Retry.READ)


def today_trades() -> Call:
    return Call("GET", "/today-trades", _rows(Trade), Retry.READ)


def cancelable_entrusts() -> Call:
    return Call("GET", "/cancel-entrusts", _rows(Entrust), Retry.READ)


def quote(code: str) -> Call:
    return Call("GET", "/quote", Quote.from_row, Retry.READ, params={"security": str(code)})


# ---- orders -------------------------------------------------------------------------------------
def limit_order(side: str, code: str, price: Any, amount: Any, key: str | None) -> Call:
    key = key or new_key()
    body = {"security": str(code), "price": price_number(price), "amount": amount_number(amount)}
    return Call("POST", f"/{side}", lambda d: OrderResult.from_data(d or {}, key), Retry.KEYED, body, key=key)


def market_order(side: str, code: str, amount: Any, ttype: str | None, key: str | None) -> Call:
    key = key or new_key()
    body: dict[str, Any] = {"security": str(code), "amount": amount_number(amount)}
    if ttype:
        body["ttype"] = ttype
    return Call(
        "POST",
        f"/market-{side}",
        lambda d: OrderResult.from_data(d or {}, key),
        Retry.KEYED,
        body,
        key=key,
    )


def cancel(contract_no: str) -> Call:
    return Call(
        "POST",
        "/cancel-entrust",
        lambda d: str(d["合同编号"]),
        Retry.UNSENT,
        {"entrust_no": str(contract_no)},
    )


def cancel_all() -> Call:
    return Call("POST", "/cancel-all-entrusts", lambda d: int(d["撤销数量"]), Retry.UNSENT, {})


def auto_ipo() -> Call:
    return Call("POST", "/auto-ipo", IpoResult.from_data, Retry.UNSENT, {})


def refresh() -> Call:
    return Call("POST", "/refresh", lambda d: None, Retry.UNSENT, {})
