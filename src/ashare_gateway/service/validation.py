"""Turning a dialect's raw parameters into a checked :class:`OrderRequest` (or a 400 with the reason).

Checks that need no market data happen here, for every broker alike: the code and its board, the price
format and tick grid, the amount and the buy lot rules. Limits, the price cage, cash and holdings are
the broker's to check (the paper exchange does it like the exchange; a real client pops up its text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..domain import messages as msg
from ..domain import repo
from ..domain.errors import InvalidParameter, OrderRejected
from ..domain.instruments import Kind, Security, parse_security
from ..domain.market_orders import parse_market_type
from ..domain.models import OrderRequest, Side
from ..domain.numbers import NotANumber, parse_decimal
from ..domain.rules import check_buy_amount, lot_rule, tick_size, to_amount, to_price


def require(body: Mapping[str, Any], name: str) -> Any:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidParameter(msg.MISSING_PARAM.format(name=name))
    return value


_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,32}$")


def account_name(raw: object) -> str:
    """A 资金账号/用户名: 1–32 letters, digits or ``_.@-`` (what brokers issue); anything else is a 400."""
    text = str(raw).strip()
    if not _ACCOUNT_RE.match(text):
        raise InvalidParameter(msg.BAD_PARAM.format(name="user", detail="（1到32位字母、数字或_.@-）"))
    return text


def tradable_security(raw: object) -> Security:
    sec = parse_security(raw)
    if sec.kind is Kind.IPO_SUBSCRIPTION:
        raise OrderRejected(msg.IPO_NOT_SUBSCRIBABLE)
    return sec


def limit_order(side: Side, body: Mapping[str, Any], *, price_optional: bool = False) -> OrderRequest:
    sec = tradable_security(require(body, "security"))
    raw_price = body.get("price")
    price: Decimal | None = None
    if (raw_price is not None and raw_price != "") or not price_optional:
        price = to_price(require(body, "price"))
    amount = to_amount(require(body, "amount"))
    if sec.kind is Kind.REPO:  # a sell with the annualised rate as the price, in 张 of ¥100
        repo.check_order(sec.code, is_buy=side is Side.BUY, is_market=False, amount=amount, rate=price)
    if price is not None and price % tick_size(sec):
        raise OrderRejected(msg.TICK_MISMATCH.format(price=price, tick=tick_size(sec)))
    _check_amount(sec, side, amount, market=False)
    return OrderRequest(
        code=sec.code, side=side, amount=amount, price=price, client_order_id=_client_order_id(body)
    )


def market_order(side: Side, body: Mapping[str, Any]) -> OrderRequest:
    sec = tradable_security(require(body, "security"))
    if sec.kind is Kind.REPO:
        if side is Side.BUY:
            raise OrderRejected(repo.TEXTS["buy"].format(code=sec.code))
        raise InvalidParameter(repo.TEXTS["market"])
    amount = to_amount(require(body, "amount"))
    _check_amount(sec, side, amount, market=True)
    mtype = parse_market_type(body.get("ttype"), sec)
    raw_protect = body.get("limit_price", body.get("protect_price"))
    protect = to_price(raw_protect, field="limit_price") if raw_protect not in (None, "") else None
    if protect is not None and protect % tick_size(sec):
        raise OrderRejected(msg.TICK_MISMATCH.format(price=protect, tick=tick_size(sec)))
    return OrderRequest(
        code=sec.code,
        side=side,
        amount=amount,
        market_type=mtype,
        protect_price=protect,
        client_order_id=_client_order_id(body),
    )


def _check_amount(sec: Security, side: Side, amount: int, *, market: bool) -> None:
    if side is Side.BUY:
        check_buy_amount(sec, amount, market=market)
        return
    rule = lot_rule(sec)
    cap = rule.max_market if market else rule.max_limit
    if amount > cap:
        raise InvalidParameter(msg.AMOUNT_DETAIL.format(detail=msg.MAX_PER_ORDER.format(max=cap)))
    # Odd-lot sells depend on the holding: the broker checks them against what is available.


def _client_order_id(body: Mapping[str, Any]) -> str | None:
    value = body.get("client_order_id")
    if value is None:
        return None
    text = str(value).strip()
    if not text or len(text) > 64:
        raise InvalidParameter(msg.BAD_PARAM.format(name="client_order_id", detail="（1到64个字符）"))
    return text


MAX_WAIT_SECONDS = 60


def wait_seconds(raw: object) -> float:
    """``/wait``'s seconds, 0 to 60, through the strict number parser (no full-width digits, no 1_0)."""
    bad = InvalidParameter(msg.BAD_SECONDS.format(max=MAX_WAIT_SECONDS))
    if raw is None or raw == "":
        raise InvalidParameter(msg.MISSING_PARAM.format(name="seconds"))
    if isinstance(raw, bool):
        raise bad
    try:
        value = parse_decimal(raw)
    except NotANumber:
        raise bad from None
    if value < 0 or value > MAX_WAIT_SECONDS:
        raise bad
    return float(value)
