"""国债逆回购 (exchange bond pledged reverse repo): the instruments, the order rules, fees and the calendar.

A lender places a *sell* of the repo code with the annualised rate (in %) as the price; the amount is in
张 of ¥100. Rules (see docs/repo.md for the sources):

- since 2022-05-16 both exchanges take 1,000 元 (10 张) or a whole multiple of it, and the rate tick is
  0.005 on both (the SZSE tick was 0.001 before);
- T+0 clearing, T+1 settlement: the first settlement day is the next trading day; the maturity clearing
  day is the trade day plus the tenor in *calendar* days, moved to the next trading day when it is
  closed; the maturity settlement day is the trading day after that. Interest runs over the real
  occupancy days, from the first to the maturity settlement day, on a 365-day year. So a Thursday GC001
  earns three days (Friday → Monday); the cash is usable again on the maturity clearing day and
  withdrawable on the maturity settlement day;
- the commission is a fixed share of the amount by tenor, no minimum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from .errors import InvalidParameter, OrderRejected
from .instruments import Market

PAR = Decimal(100)  # one 张
LOT = 10  # 10 张 = 1,000 元: the minimum and the step on both exchanges since 2022-05-16
MAX_PER_ORDER = 100_000  # 张 (¥10,000,000) per order
RATE_TICK = Decimal("0.005")  # % a year, both exchanges since 2022-05-16
MAX_RATE = Decimal(100)
YEAR_DAYS = Decimal(365)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RepoInstrument:
    code: str
    market: Market
    name: str  # GC001 / R-001
    days: int  # the tenor in calendar days


def _sh(code: str, days: int) -> RepoInstrument:
    return RepoInstrument(code, Market.SH, f"GC{days:03d}", days)


def _sz(code: str, days: int) -> RepoInstrument:
    return RepoInstrument(code, Market.SZ, f"R-{days:03d}", days)


TENORS = (1, 2, 3, 4, 7, 14, 28, 91, 182)
INSTRUMENTS: tuple[RepoInstrument, ...] = (
    *(_sh(f"204{d:03d}", d) for d in TENORS),
    _sz("131810", 1),
    _sz("131811", 2),
    _sz("131800", 3),
    _sz("131809", 4),
    _sz("131801", 7),
    _sz("131802", 14),
    _sz("131803", 28),
    _sz("131805", 91),
    _sz("131806", 182),
)
BY_CODE = {i.code: i for i in INSTRUMENTS}
CODES = tuple(BY_CODE)

# Commission by tenor (fraction of the amount), the scale brokers publish as their ceiling; no minimum.
_COMMISSION: tuple[tuple[int, Decimal], ...] = (
    (1, Decimal("0.00001")),
    (2, Decimal("0.00002")),
    (3, Decimal("0.00003")),
    (4, Decimal("0.00004")),
    (7, Decimal("0.00005")),
    (14, Decimal("0.0001")),
    (28, Decimal("0.0002")),
)
_COMMISSION_LONG = Decimal("0.0003")  # more than 28 days

TEXTS = {
    "buy": "国债逆回购须以卖出方式申报（卖出即融出资金）：{code}不能买入",
    "market": "国债逆回购只能限价申报（价格为年化利率%）",
    "amount": "国债逆回购申报数量须为10张（1000元）的整数倍，不少于10张：{amount}张",
    "max": "国债逆回购单笔申报数量不得超过{max}张",
    "tick": "国债逆回购申报利率须为0.005的整数倍：{rate}",
    "rate": "国债逆回购申报利率须大于0且不超过{max}：{rate}",
    "tenor": "没有{days}天期的国债逆回购品种（可选：{choices}）",
    "unknown": "不是开放的国债逆回购品种：{code}",
}


class Status(StrEnum):
    """A loan's state, as the repo listing shows it."""

    LENT = "未到期"
    USABLE = "已到期（资金可用，未到可取日）"
    DONE = "已到期"


def instrument(code: str) -> RepoInstrument:
    found = BY_CODE.get(code)
    if found is None:
        raise InvalidParameter(TEXTS["unknown"].format(code=code))
    return found


def is_repo(code: str) -> bool:
    return code in BY_CODE


def for_tenor(days: int, market: Market | None = None) -> list[RepoInstrument]:
    found = [i for i in INSTRUMENTS if i.days == days and (market is None or i.market is market)]
    if not found:
        raise InvalidParameter(TEXTS["tenor"].format(days=days, choices="、".join(map(str, TENORS))))
    return found


def check_order(code: str, *, is_buy: bool, is_market: bool, amount: int, rate: Decimal | None) -> None:
    """Everything about a repo order that needs no market data, with the reason in Chinese."""
    if is_buy:
        raise OrderRejected(TEXTS["buy"].format(code=code))
    if is_market or rate is None:
        raise InvalidParameter(TEXTS["market"])
    if amount < LOT or amount % LOT:
        raise InvalidParameter(TEXTS["amount"].format(amount=amount))
    if amount > MAX_PER_ORDER:
        raise InvalidParameter(TEXTS["max"].format(max=MAX_PER_ORDER))
    if not Decimal(0) < rate <= MAX_RATE:
        raise InvalidParameter(TEXTS["rate"].format(max=MAX_RATE, rate=rate))
    if rate % RATE_TICK:
        raise OrderRejected(TEXTS["tick"].format(rate=rate))


def principal(amount: int) -> Decimal:
    """成交金额 of ``amount`` 张."""
    return PAR * amount


def commission_rate(days: int) -> Decimal:
    for upto, rate in _COMMISSION:
        if days <= upto:
            return rate
    return _COMMISSION_LONG


def commission(days: int, amount: Decimal) -> Decimal:
    return (amount * commission_rate(days)).quantize(CENT, rounding=ROUND_HALF_UP)


def interest(amount: Decimal, rate: Decimal, days: int) -> Decimal:
    """成交金额 × 年化利率 × 实际占款天数 / 365, to the cent."""
    return (amount * rate / 100 * days / YEAR_DAYS).quantize(CENT, rounding=ROUND_HALF_UP)


class Calendar(Protocol):
    def is_trading_day(self, day: dt.date) -> bool: ...

    def next_trading_day(self, day: dt.date) -> dt.date: ...


@dataclass(frozen=True, slots=True)
class Schedule:
    """The dates of one repo traded on ``trade_date``."""

    trade_date: dt.date
    first_settlement: dt.date  # 首次资金交收日: T+1
    maturity: dt.date  # 到期清算日: T + tenor calendar days, on a trading day; the cash is usable (可用)
    maturity_settlement: dt.date  # 到期资金交收日: the cash is withdrawable (可取)
    days: int  # 实际占款天数 = maturity_settlement − first_settlement


def schedule(inst: RepoInstrument, trade_date: dt.date, calendar: Calendar) -> Schedule:
    first = calendar.next_trading_day(trade_date)
    maturity = trade_date + dt.timedelta(days=inst.days)
    if not calendar.is_trading_day(maturity):
        maturity = calendar.next_trading_day(maturity)
    settle = calendar.next_trading_day(maturity)
    return Schedule(trade_date, first, maturity, settle, (settle - first).days)


@dataclass(frozen=True, slots=True)
class RepoLoan:
    """One filled repo: what was lent, at what rate, and when it comes back."""

    contract_no: str
    code: str
    name: str
    market: Market
    rate: Decimal
    amount: int  # 张
    principal: Decimal
    commission: Decimal
    interest: Decimal
    schedule: Schedule
    status: Status
