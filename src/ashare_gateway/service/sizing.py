"""Orders whose price may be left to the client and whose amount may be "max" (the ths dialect's terms).

Why in the service and not in a dialect: "at the client's default price" and "as many as the account can
trade" are facts about the account and the market, the same for every dialect that offers them. The
answer is a plain :class:`~ashare_gateway.domain.models.OrderRequest` with a concrete amount, so the order
then takes the usual path (journal, risk limits, lane) like any other.

Two sources of those facts, tried in this order:

1. The client itself, when its adapter offers :class:`ClientSizing` (hexin's flash-order dialog computes
   its own 可用 after 刷新, and fills its own default price): the gateway then never second-guesses it.
2. Otherwise the gateway computes them from what every broker reports: a quote for the default price
   (the opposite best: ask1 for a buy, bid1 for a sell, clipped to the day's limits), ``balance`` and the
   lot rules and fees for the most a buy can afford, ``positions`` (T+1 and frozen shares excluded) for
   the most a sell can deliver. The quote is the service's (``TraderService.client_quote``): the broker's
   own, or for a GUI client the quote source the user chose with ``--quotes`` (issue 11), never the
   paper exchange's list. Without any quote (no source, or a code the source does not know) the price
   stays ``None``: the client's own default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Protocol, runtime_checkable

from ..brokers.base import Broker, Operation
from ..domain import messages as msg
from ..domain.errors import InvalidParameter, NotSupported, OrderRejected
from ..domain.fees import FeeSchedule, max_buy_fees
from ..domain.instruments import Security
from ..domain.models import OrderRequest, Quote, Side
from ..domain.rules import check_buy_amount, lot_rule, tick_size, to_amount, to_price
from .validation import require, tradable_security

MAX = "max"
# Spellings of "no price" a ths caller may send besides leaving the field out (the spec lists None).
NO_PRICE = frozenset({"", "none", "null"})

TEXTS = {
    "max_needs_price": "该客户端不提供行情，无法按最大数量（max）计算买入数量，请同时给出委托价格",
    "no_default_price": "无法确定默认委托价格：{code}没有可用的行情",
}


@dataclass(frozen=True, slots=True)
class FlexOrder:
    """A checked order whose price (None: the client's default) and amount (None: "max") may be open."""

    security: Security
    side: Side
    price: Decimal | None
    amount: int | None

    @property
    def label(self) -> str:
        return f"{self.side.label} {self.security.code} {self.amount if self.amount is not None else MAX}"


@runtime_checkable
class ClientSizing(Protocol):
    """An adapter whose client computes the most it can trade (its 可买/可卖 or 可用 after 刷新).

    ``price`` None means at the client's default price. Returns 0 when nothing can be traded.
    """

    def max_amount(self, side: Side, code: str, price: Decimal | None) -> int: ...


# ---------------------------------------------------------------------------- parsing
def parse_flex_order(side: Side, body: Mapping[str, Any], *, code_field: str = "stock_code") -> FlexOrder:
    """Check a ths-style order: a code (bare or with sh/sz/bj), an optional price, an amount or "max"."""
    sec = tradable_security(require(body, code_field))
    price = optional_price(body.get("price"), sec)
    raw_amount = require(body, "amount")
    if isinstance(raw_amount, str) and raw_amount.strip().lower() == MAX:
        return FlexOrder(sec, side, price, None)
    amount = to_amount(raw_amount)
    if side is Side.BUY:
        check_buy_amount(sec, amount)
    elif amount > lot_rule(sec).max_limit:
        raise InvalidParameter(
            msg.AMOUNT_DETAIL.format(detail=msg.MAX_PER_ORDER.format(max=lot_rule(sec).max_limit))
        )
    return FlexOrder(sec, side, price, amount)


def optional_price(raw: object, sec: Security) -> Decimal | None:
    """A ths price: absent or a spelling of "none" is the client's default (None); else on the tick."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in NO_PRICE):
        return None
    price = to_price(raw)
    if price % tick_size(sec):
        raise OrderRejected(msg.TICK_MISMATCH.format(price=price, tick=tick_size(sec)))
    return price


# ---------------------------------------------------------------------------- resolving
QuoteFn = Callable[[str], Quote]


def resolve(
    broker: Broker, order: FlexOrder, *, fees: FeeSchedule, on: dt.date, quote: QuoteFn | None = None
) -> OrderRequest:
    """The concrete order: price filled in (or left to the client), amount computed for "max".

    Runs inside the client's lane (several broker reads that belong together). ``quote`` is where prices
    come from (default: the broker's own ``quote``).
    """
    price = order.price
    if price is None:
        price = quoted_default_price(broker, order, quote)
    amount = order.amount
    if amount is None:
        amount = max_amount(broker, order, price, fees=fees, on=on)
    return OrderRequest(code=order.security.code, side=order.side, amount=amount, price=price)


def quoted_default_price(broker: Broker, order: FlexOrder, quote_fn: QuoteFn | None = None) -> Decimal | None:
    """The paper rule for "no price": the opposite best price; None when there is no quote."""
    if isinstance(broker, ClientSizing):
        return None  # the client fills its own default price (hexin: 系统设置 → 默认价格)
    if quote_fn is None and not broker.capabilities.supports(Operation.QUOTE):
        return None  # a GUI client without quotes, and no quote source passed in
    try:
        quote = (quote_fn or broker.quote)(order.security.code)
    except NotSupported:
        return None
    return default_price(quote, order.side)


def default_price(quote: Quote, side: Side) -> Decimal:
    """ask1 for a buy, bid1 for a sell (falling back to the other side, the last price, the prior close),
    clipped to the day's limits: the price a client set to "对手价" fills in."""
    price = quote.buy_benchmark() if side is Side.BUY else quote.sell_benchmark()
    if quote.limit_up is not None:
        price = min(price, quote.limit_up)
    if quote.limit_down is not None:
        price = max(price, quote.limit_down)
    if price <= 0:
        raise OrderRejected(TEXTS["no_default_price"].format(code=quote.code))
    return price


def max_amount(
    broker: Broker, order: FlexOrder, price: Decimal | None, *, fees: FeeSchedule, on: dt.date
) -> int:
    """The most the account can trade now; raises the client's own words when that is nothing."""
    code = order.security.code
    if isinstance(broker, ClientSizing):
        amount = broker.max_amount(order.side, code, price)
    elif order.side is Side.SELL:
        available = next((p.available for p in broker.positions() if p.code == code), 0)
        amount = max_sell_amount(order.security, available)
    else:
        if price is None:
            raise NotSupported(TEXTS["max_needs_price"])
        amount = max_buy_amount(order.security, price, broker.balance().available, fees, on)
    if amount <= 0:
        raise OrderRejected(msg.INSUFFICIENT_SHARES if order.side is Side.SELL else msg.INSUFFICIENT_CASH)
    return amount


def max_sell_amount(sec: Security, available: int) -> int:
    """Everything that may be sold now, odd lot included (one order may take the odd remainder), capped
    at the per-order maximum (a whole number of lots, so the cap never leaves an illegal odd part)."""
    return max(0, min(available, lot_rule(sec).max_limit))


def max_buy_amount(sec: Security, price: Decimal, cash: Decimal, fees: FeeSchedule, on: dt.date) -> int:
    """The largest lot-legal amount whose value plus the most fees it can pay fits in ``cash``.

    The cost is what the paper exchange reserves for a buy (value + commission at its minimum or rate +
    transfer fee + a cent), so an order of this size is never refused for cash by a cent.
    """
    rule = lot_rule(sec)

    def fits(amount: int) -> bool:
        value = price * amount
        return value + max_buy_fees(fees, sec, value, on) <= cash

    ceiling = min(rule.max_limit, int((cash / price).to_integral_value(rounding=ROUND_FLOOR)))
    if ceiling < rule.buy_min or not fits(rule.buy_min):
        return 0
    low, high = 0, (ceiling - rule.buy_min) // rule.buy_step  # steps above the minimum; low always fits
    while low < high:
        mid = (low + high + 1) // 2
        if fits(rule.buy_min + mid * rule.buy_step):
            low = mid
        else:
            high = mid - 1
    return rule.buy_min + low * rule.buy_step
