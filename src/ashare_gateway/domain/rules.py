"""Order rules by board and date: lots, per-order maximums, ticks, price limits, the price cage.

Everything here is a pure function of the instrument, the date and the quote, so the paper exchange,
the HTTP validators and the tests share one source of truth (dossier ``ashare-rules.md`` §2–§3).
Prices are :class:`~decimal.Decimal` and limit prices are rounded half-up, never with ``round()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import messages as msg
from .errors import InvalidParameter, OrderRejected
from .instruments import Board, Kind, Security
from .numbers import NotANumber, parse_decimal

ST_LIMIT_CHANGE = dt.date(2026, 7, 6)  # main-board ST ±5% → ±10%
CHINEXT_20PCT = dt.date(2020, 8, 24)
REGISTRATION_MAIN_BOARD = dt.date(2023, 4, 10)  # no limit for the first 5 days of main-board IPOs
NEW_LISTING_FREE_DAYS = 5

TICK_STOCK = Decimal("0.01")
TICK_FINE = Decimal("0.001")
TICK_REPO = Decimal("0.005")  # 国债逆回购 rates, both exchanges since 2022-05-16 (domain/repo.py)


def tick_size(sec: Security) -> Decimal:
    """0.01 for stocks, 0.001 for funds and convertible bonds, 0.005 (of a rate in %) for repos."""
    if sec.kind is Kind.REPO:
        return TICK_REPO
    return TICK_FINE if sec.kind in (Kind.FUND, Kind.CONVERTIBLE_BOND) else TICK_STOCK


def to_price(value: object, *, field: str = "price") -> Decimal:
    """Parse a price given as number or numeric string; reject bools, NaN, infinities and ≤ 0."""
    if value is None or value == "":
        raise InvalidParameter(msg.MISSING_PARAM.format(name=field))
    try:
        price = parse_decimal(value)  # bounded before conversion; ASCII digits only; no NaN
    except NotANumber as exc:
        text = msg.BAD_PRICE.format(price=_shown(value))
        raise InvalidParameter(f"{text}（{exc.reason}）" if exc.reason else text) from None
    if not price.is_finite() or price <= 0 or price > Decimal("100000"):
        raise InvalidParameter(msg.BAD_PRICE.format(price=value))
    return price


def to_amount(value: object, *, field: str = "amount") -> int:
    """Parse a share amount: a positive whole number (an integral float or numeric string is accepted)."""
    if value is None or value == "":
        raise InvalidParameter(msg.MISSING_PARAM.format(name=field))
    try:
        dec = parse_decimal(value)  # bounded before conversion: 1e999999 never reaches int()
    except NotANumber as exc:
        detail = f"数量须为正整数，{exc.reason}" if exc.reason else "数量须为正整数"
        raise InvalidParameter(msg.AMOUNT_DETAIL.format(detail=detail)) from None
    if not dec.is_finite() or dec != dec.to_integral_value() or dec <= 0:
        raise InvalidParameter(msg.AMOUNT_DETAIL.format(detail="数量须为正整数"))
    return int(dec)


def _shown(value: object) -> str:
    """A caller's value echoed in a message, cut short (it may be 64 KiB of digits)."""
    text = str(value) if isinstance(value, str | int | float | Decimal) else type(value).__name__
    return text if len(text) <= 24 else text[:24] + "…"


def on_tick(price: Decimal, sec: Security) -> bool:
    return price % tick_size(sec) == 0


def round_to_tick(value: Decimal, sec: Security) -> Decimal:
    """Round half-up to the instrument's tick: the exchanges' own rounding of limit prices."""
    return value.quantize(tick_size(sec), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class LimitBand:
    """Limit-up/limit-down for one day; ``None`` means no limit (new listings)."""

    up: Decimal | None
    down: Decimal | None

    @property
    def has_limit(self) -> bool:
        return self.up is not None


def limit_pct(sec: Security, on: dt.date, *, is_st: bool = False, wide_fund: bool = False) -> Decimal:
    """The daily price-limit percentage for ``sec`` on date ``on`` (dated rule changes included)."""
    if sec.kind is Kind.CONVERTIBLE_BOND:
        return Decimal("0.20")
    if sec.kind is Kind.FUND:
        return Decimal("0.20") if wide_fund else Decimal("0.10")
    if sec.board is Board.BSE:
        return Decimal("0.30")
    if sec.board is Board.STAR:
        return Decimal("0.20")
    if sec.board is Board.CHINEXT:
        return Decimal("0.20") if on >= CHINEXT_20PCT else Decimal("0.10")
    if is_st:
        return Decimal("0.10") if on >= ST_LIMIT_CHANGE else Decimal("0.05")
    return Decimal("0.10")


def price_band(
    sec: Security,
    prev_close: Decimal,
    on: dt.date,
    *,
    is_st: bool = False,
    wide_fund: bool = False,
    trading_day_index: int | None = None,
) -> LimitBand:
    """Limit prices for the day. ``trading_day_index`` is the 1-based day since listing, when known.

    New listings under the registration system have no limit for their first 5 trading days (BSE: day 1).
    """
    if trading_day_index is not None and sec.kind is Kind.STOCK:
        free_days = 1 if sec.board is Board.BSE else NEW_LISTING_FREE_DAYS
        registration = sec.board in (Board.STAR, Board.CHINEXT, Board.BSE) or on >= REGISTRATION_MAIN_BOARD
        if registration and trading_day_index <= free_days:
            return LimitBand(None, None)
    pct = limit_pct(sec, on, is_st=is_st, wide_fund=wide_fund)
    up = round_to_tick(prev_close * (1 + pct), sec)
    down = round_to_tick(prev_close * (1 - pct), sec)
    return LimitBand(up, max(down, tick_size(sec)))


@dataclass(frozen=True, slots=True)
class LotRule:
    buy_min: int
    buy_step: int
    # Below this, a sell must be of the whole remaining holding.
    odd_below: int
    max_limit: int
    max_market: int


def lot_rule(sec: Security) -> LotRule:
    if sec.kind is Kind.REPO:
        return LotRule(10, 10, 10, 100_000, 100_000)  # 张 of ¥100 (domain/repo.py)
    if sec.kind is Kind.CONVERTIBLE_BOND:
        return LotRule(10, 10, 10, 1_000_000, 1_000_000)
    if sec.board is Board.STAR:
        return LotRule(200, 1, 200, 100_000, 50_000)
    if sec.board is Board.BSE:
        return LotRule(100, 1, 100, 1_000_000, 1_000_000)
    if sec.board is Board.CHINEXT:
        return LotRule(100, 100, 100, 300_000, 150_000)
    return LotRule(100, 100, 100, 1_000_000, 1_000_000)


def check_buy_amount(sec: Security, amount: int, *, market: bool = False) -> None:
    rule = lot_rule(sec)
    _check_max(rule, amount, market)
    if amount < rule.buy_min or (amount - rule.buy_min) % rule.buy_step:
        raise InvalidParameter(msg.AMOUNT_DETAIL.format(detail=_buy_rule_text(sec, rule)))


def check_sell_amount(sec: Security, amount: int, available: int, *, market: bool = False) -> None:
    """A sell is a whole number of lots, or takes the whole odd remainder in one order.

    ``available`` is what may be sold now (T+1 and frozen shares excluded).
    """
    rule = lot_rule(sec)
    _check_max(rule, amount, market)
    if rule.buy_step == 1:
        # STAR/BSE: any amount ≥ the minimum; below it only the whole remainder.
        if amount < rule.odd_below and amount != available:
            raise InvalidParameter(
                msg.AMOUNT_DETAIL.format(detail=f"不足{rule.odd_below}股的部分须一次性卖出")
            )
        return
    odd = amount % rule.buy_step
    if odd and odd != available % rule.buy_step:
        raise InvalidParameter(
            msg.AMOUNT_DETAIL.format(detail=f"须为{rule.buy_step}的整数倍，零股须一次性卖出")
        )


def _check_max(rule: LotRule, amount: int, market: bool) -> None:
    cap = rule.max_market if market else rule.max_limit
    if amount > cap:
        raise InvalidParameter(msg.AMOUNT_DETAIL.format(detail=msg.MAX_PER_ORDER.format(max=cap)))


def _buy_rule_text(sec: Security, rule: LotRule) -> str:
    unit = "张" if sec.kind is Kind.CONVERTIBLE_BOND else "股"
    if rule.buy_step == 1:
        return f"买入数量须不少于{rule.buy_min}{unit}"
    return f"买入数量须为{rule.buy_step}{unit}的整数倍"


def check_price(sec: Security, price: Decimal, band: LimitBand) -> None:
    """Tick grid and daily limits, as the client checks them before it sends an order."""
    tick = tick_size(sec)
    if price % tick:
        raise OrderRejected(msg.TICK_MISMATCH.format(price=price, tick=tick))
    if band.up is not None and band.down is not None and not band.down <= price <= band.up:
        places = 3 if tick == TICK_FINE else 2
        raise OrderRejected(
            msg.PRICE_LIMIT.format(
                code=sec.code,
                price=f"{price:.3f}",
                up=f"{band.up:.{places}f}",
                down=f"{band.down:.{places}f}",
            )
        )


def cage_bounds(sec: Security, benchmark: Decimal) -> tuple[Decimal, Decimal]:
    """(lowest sell, highest buy) allowed in continuous trading around ``benchmark`` (§3 价格笼子).

    Main board and ChiNext: 2% or 10 ticks, whichever is wider; STAR: 2%; BSE: 5% or 10 ticks.
    """
    tick = tick_size(sec)
    if sec.board is Board.STAR:
        pct, ticks = Decimal("0.02"), 0
    elif sec.board is Board.BSE:
        pct, ticks = Decimal("0.05"), 10
    else:
        pct, ticks = Decimal("0.02"), 10
    high = max(benchmark * (1 + pct), benchmark + ticks * tick)
    low = min(benchmark * (1 - pct), benchmark - ticks * tick)
    # Round towards the benchmark so the cage never admits a price the exchange would refuse.
    high = high.quantize(tick, rounding="ROUND_FLOOR")
    low = low.quantize(tick, rounding="ROUND_CEILING")
    return low, high


def cage_applies(sec: Security) -> bool:
    return sec.kind is Kind.STOCK
