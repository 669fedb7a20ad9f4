"""A caller's condition (a JSON object) → :class:`ConditionTerms`, or a 400 with the Chinese reason; and
the terms → the concrete :class:`OrderRequest` at the trigger.

The order terms go through the same validators as ``/buy`` and ``/market-buy`` (code, board, tick grid,
lots, per-order maximums, ``ttype``), once at creation with a sample order and again at the trigger
with the real one, so a condition can never send an order the direct routes would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from ..domain import messages as msg
from ..domain.errors import InvalidParameter, OrderRejected
from ..domain.models import OrderRequest, Quote, Side
from ..domain.numbers import NotANumber, parse_decimal
from ..domain.rules import tick_size, to_amount, to_price
from . import validation
from .conditions_model import (
    ALL_OF_POSITION,
    CONTINUOUS_WINDOWS,
    MAX_TICKS,
    MAX_VALID_DAYS,
    PRICE_KINDS,
    SELL_ONLY,
    TEXTS,
    VALID_UNTIL_CLOSE,
    ConditionKind,
    ConditionTerms,
    PriceType,
)
from .validation import require, tradable_security


def parse_terms(body: Mapping[str, Any], *, now: dt.datetime, quote: Quote) -> ConditionTerms:
    """Validate one condition against the market as it is now (``quote`` of its code)."""
    kind = _choice(ConditionKind, require(body, "type"), "kind")
    sec = tradable_security(require(body, "security"))
    side = _side(require(body, "side"))
    if kind in SELL_ONLY and side is not Side.SELL:
        raise InvalidParameter(TEXTS["sell_only"].format(label=kind.label))
    raw_amount = require(body, "amount")
    if isinstance(raw_amount, str) and raw_amount.strip().lower() == ALL_OF_POSITION:
        if side is not Side.SELL:
            raise InvalidParameter(TEXTS["all_buy"])
        amount = None
    else:
        amount = to_amount(raw_amount)
    price_type = _choice(PriceType, body.get("price_type") or PriceType.LIMIT, "price_type")
    terms: dict[str, Any] = {}
    if kind in PRICE_KINDS:
        terms["trigger_price"] = _on_tick(
            to_price(require(body, "trigger_price"), field="trigger_price"), sec
        )
    elif kind is ConditionKind.TRAILING_STOP:
        terms.update(_trail(body, sec))
    else:
        terms["at"] = _at(require(body, "at"))
    if price_type is PriceType.LIMIT:
        terms["limit_price"] = _on_tick(to_price(require(body, "price")), sec)
    elif price_type is PriceType.TRIGGER_OFFSET:
        terms["ticks"] = _ticks(body.get("ticks", 0))
    else:
        ttype = body.get("ttype")
        terms["ttype"] = str(ttype).strip() if ttype not in (None, "") else None
        raw_protect = body.get("limit_price")
        if raw_protect not in (None, ""):
            terms["protect_price"] = _on_tick(to_price(raw_protect, field="limit_price"), sec)
    result = ConditionTerms(
        kind=kind,
        code=sec.code,
        side=side,
        amount=amount,
        price_type=price_type,
        valid_until=_valid(body.get("valid", "today"), now),
        **terms,
    )
    _check_now(result, now, quote)
    order_request(result, quote, amount or 100)  # the order terms pass the direct routes' checks
    return result


def order_request(terms: ConditionTerms, quote: Quote, amount: int) -> OrderRequest:
    """The order a fired condition sends, priced from the quote that fired it."""
    body: dict[str, Any] = {"security": terms.code, "amount": amount}
    if terms.price_type is PriceType.MARKET:
        body["ttype"] = terms.ttype
        if terms.protect_price is not None:
            body["limit_price"] = str(terms.protect_price)
        return validation.market_order(terms.side, body)
    if terms.price_type is PriceType.LIMIT:
        body["price"] = str(terms.limit_price)
    else:
        body["price"] = str(_offset_price(terms, quote))
    return validation.limit_order(terms.side, body)


def trailing_stop_price(terms: ConditionTerms, extreme: Decimal, tick: Decimal) -> Decimal:
    """Where a trailing stop fires, from its peak (sell: below it) or trough (buy: above it), on the tick
    grid and never past the extreme's other side."""
    sell = terms.side is Side.SELL
    if terms.trail_percent is not None:
        factor = (Decimal(100) - terms.trail_percent) if sell else (Decimal(100) + terms.trail_percent)
        raw = extreme * factor / 100
    else:
        distance = terms.trail_amount or Decimal(0)
        raw = extreme - distance if sell else extreme + distance
    rounding = ROUND_FLOOR if sell else ROUND_CEILING
    return (raw / tick).to_integral_value(rounding=rounding) * tick


def _offset_price(terms: ConditionTerms, quote: Quote) -> Decimal:
    """The trigger-time last ± ticks towards a fill, kept inside the day's price limits."""
    tick = Decimal(str(tick_size(tradable_security(terms.code))))
    step = tick * terms.ticks
    price = quote.last - step if terms.side is Side.SELL else quote.last + step
    if quote.limit_down is not None:
        price = max(price, quote.limit_down)
    if quote.limit_up is not None:
        price = min(price, quote.limit_up)
    return price


def _check_now(terms: ConditionTerms, now: dt.datetime, quote: Quote) -> None:
    """Refuse what would fire at once (a trigger the price has already crossed), a limit price outside
    today's limits for a today-only condition, and a time already past on its only day."""
    last, trigger = quote.last, terms.trigger_price
    if trigger is not None and last:
        crossed = {
            ConditionKind.STOP_LOSS: last <= trigger,
            ConditionKind.BREAKOUT_BELOW: last <= trigger,
            ConditionKind.TAKE_PROFIT: last >= trigger,
            ConditionKind.BREAKOUT_ABOVE: last >= trigger,
        }[terms.kind]
        if crossed:
            raise InvalidParameter(
                TEXTS["crossed"].format(label=terms.kind.label, trigger=trigger, last=last)
            )
    today = now.date()
    if terms.valid_until == today and terms.limit_price is not None:
        low, high = quote.limit_down, quote.limit_up
        if low is not None and high is not None and not low <= terms.limit_price <= high:
            raise InvalidParameter(TEXTS["band"].format(price=terms.limit_price, low=low, high=high))
    if terms.at is not None and terms.valid_until == today and now.time() >= terms.at:
        raise InvalidParameter(TEXTS["at_passed"])


def _choice(enum: Any, raw: object, name: str) -> Any:
    try:
        return enum(str(raw).strip().lower())
    except ValueError:
        choices = "、".join(m.value for m in enum)
        key = "kind" if name == "kind" else name
        raise InvalidParameter(TEXTS[key].format(value=_shown(raw), choices=choices)) from None


def _side(raw: object) -> Side:
    text = str(raw).strip().lower()
    if text not in ("buy", "sell"):
        raise InvalidParameter(TEXTS["side"].format(value=_shown(raw)))
    return Side.BUY if text == "buy" else Side.SELL


def _on_tick(price: Decimal, sec: Any) -> Decimal:
    tick = tick_size(sec)
    if price % tick:
        raise OrderRejected(msg.TICK_MISMATCH.format(price=price, tick=tick))
    return price


def _trail(body: Mapping[str, Any], sec: Any) -> dict[str, Decimal]:
    pct, amount = body.get("trail_percent"), body.get("trail_amount")
    if (pct in (None, "")) == (amount in (None, "")):
        raise InvalidParameter(TEXTS["trail"])
    if pct not in (None, ""):
        value = _decimal(pct, TEXTS["trail_pct"])
        if not Decimal("0.1") <= value <= Decimal(50):
            raise InvalidParameter(TEXTS["trail_pct"])
        return {"trail_percent": value}
    return {"trail_amount": _on_tick(to_price(amount, field="trail_amount"), sec)}


def _ticks(raw: object) -> int:
    if isinstance(raw, bool):
        raise InvalidParameter(TEXTS["ticks"])
    value = _decimal(raw, TEXTS["ticks"])
    if value != value.to_integral_value() or not 0 <= value <= MAX_TICKS:
        raise InvalidParameter(TEXTS["ticks"])
    return int(value)


def _at(raw: object) -> dt.time:
    text = str(raw).strip()
    try:
        at = dt.time.fromisoformat(text) if len(text) in (5, 8) else None
    except ValueError:
        at = None
    if at is None or not any(start <= at < end for start, end in CONTINUOUS_WINDOWS):
        raise InvalidParameter(TEXTS["at"].format(value=_shown(raw)))
    return at.replace(microsecond=0)


def _valid(raw: object, now: dt.datetime) -> dt.date:
    today = now.date()
    text = str(raw).strip().lower()
    bad = TEXTS["valid"].format(value=_shown(raw), days=MAX_VALID_DAYS)
    if text == "today":
        day: dt.date | None = today
    else:
        try:
            day = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None or not today <= day <= today + dt.timedelta(days=MAX_VALID_DAYS):
            raise InvalidParameter(bad)
    if day == today and now.time() >= VALID_UNTIL_CLOSE:
        raise InvalidParameter(TEXTS["valid_closed"])
    return day  # type: ignore[return-value]  # None raised above


def _decimal(raw: object, message: str) -> Decimal:
    if isinstance(raw, bool):
        raise InvalidParameter(message)
    try:
        value = parse_decimal(raw)
    except NotANumber:
        raise InvalidParameter(message) from None
    if not value.is_finite():
        raise InvalidParameter(message)
    return value


def _shown(value: object) -> str:
    text = str(value) if isinstance(value, str | int | float | Decimal) else type(value).__name__
    return text if len(text) <= 24 else text[:24] + "…"
