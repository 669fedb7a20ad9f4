"""Trading fees by date (dossier §5): commission with a per-order minimum, stamp duty, transfer fee.

经手费 and 证管费 are inside the quoted commission, as brokers quote it ("含规费"). The commission
minimum applies per order, not per fill: each fill pays what brings the order's total commission up to
``max(minimum, rate × filled amount)``, so a partly filled order never pays the minimum twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .instruments import Kind, Security

CENT = Decimal("0.01")
STAMP_CUT = dt.date(2023, 8, 28)
TRANSFER_CUT = dt.date(2022, 4, 29)


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    commission_rate: Decimal = Decimal("0.00025")  # 万2.5
    commission_min: Decimal = Decimal("5")
    fund_commission_min: Decimal = Decimal("0")  # ETFs are commonly "免五"


@dataclass(frozen=True, slots=True)
class FillFees:
    commission: Decimal
    stamp_duty: Decimal
    transfer_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.commission + self.stamp_duty + self.transfer_fee


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def stamp_rate(sec: Security, on: dt.date) -> Decimal:
    if sec.kind is not Kind.STOCK:
        return Decimal(0)
    return Decimal("0.0005") if on >= STAMP_CUT else Decimal("0.001")


def transfer_rate(sec: Security, on: dt.date) -> Decimal:
    if sec.kind is not Kind.STOCK:
        return Decimal(0)
    return Decimal("0.00001") if on >= TRANSFER_CUT else Decimal("0.00002")


def order_commission(schedule: FeeSchedule, sec: Security, amount: Decimal) -> Decimal:
    """Total commission for an order whose filled amount is ``amount``."""
    minimum = schedule.fund_commission_min if sec.kind is not Kind.STOCK else schedule.commission_min
    return _cents(max(minimum, amount * schedule.commission_rate))


def fill_fees(
    schedule: FeeSchedule,
    sec: Security,
    *,
    is_sell: bool,
    fill_amount: Decimal,
    order_filled_before: Decimal,
    commission_paid: Decimal,
    on: dt.date,
) -> FillFees:
    """Fees for one fill of an order that had filled ``order_filled_before`` and paid ``commission_paid``."""
    total_commission = order_commission(schedule, sec, order_filled_before + fill_amount)
    commission = max(Decimal(0), total_commission - commission_paid)
    stamp = _cents(fill_amount * stamp_rate(sec, on)) if is_sell else Decimal(0)
    transfer = _cents(fill_amount * transfer_rate(sec, on))
    return FillFees(commission, stamp, transfer)


def max_buy_fees(schedule: FeeSchedule, sec: Security, amount: Decimal, on: dt.date) -> Decimal:
    """An upper bound of a buy's fees, reserved with the cash so a fill can never overdraw."""
    return order_commission(schedule, sec, amount) + _cents(amount * transfer_rate(sec, on)) + CENT
