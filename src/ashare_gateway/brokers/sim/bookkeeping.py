"""Ledger reads and writes for one fill, one order, one account: the paper broker's back office.

Every function takes an open SQLAlchemy connection inside the caller's transaction, so an order's
fills, its cash and its holdings change together or not at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from ...domain import repo
from ...domain.fees import FeeSchedule, fill_fees
from ...domain.instruments import Security
from ...domain.models import Side
from ...domain.statuses import OrderStatus
from ...store.prepared import Prepared
from . import ledger as t
from . import reservations
from .reservations import buy_reservation

__all__ = ["buy_reservation"]  # re-exported for order entry

ZERO = Decimal(0)


def day_flows(conn: Connection, account_id: int, day: dt.date) -> dict[str, dict[str, int]]:
    """Per code: shares bought that are not yet sellable (T+1) and shares bought/sold today."""
    rows = conn.execute(
        select(t.trades.c.code, t.trades.c.side, t.trades.c.t0, func.sum(t.trades.c.quantity))
        .where(and_(t.trades.c.account_id == account_id, t.trades.c.trade_date == day))
        .group_by(t.trades.c.code, t.trades.c.side, t.trades.c.t0)
    )
    out: dict[str, dict[str, int]] = {}
    for code, side, t0, qty in rows:
        entry = out.setdefault(code, {"bought": 0, "sold": 0, "locked": 0})
        entry["bought" if side == "buy" else "sold"] += int(qty)
        if side == "buy" and not t0:
            entry["locked"] += int(qty)
    return out


def sale_proceeds_since(conn: Connection, account_id: int, day: dt.date) -> Decimal:
    """Net cash from sells on or after ``day``: usable at once, withdrawable from the next trading day."""
    total = ZERO
    for row in conn.execute(
        select(
            t.trades.c.amount, t.trades.c.commission, t.trades.c.stamp_duty, t.trades.c.transfer_fee
        ).where(
            and_(
                t.trades.c.account_id == account_id,
                t.trades.c.trade_date >= day,
                t.trades.c.side == "sell",
                t.trades.c.code.not_in(repo.CODES),  # a repo "sell" lends cash out (repo_desk.py)
            )
        )
    ):
        total += row.amount - row.commission - row.stamp_duty - row.transfer_fee
    return total


def apply_fill(
    conn: Connection,
    *,
    order: dict,
    sec: Security,
    name: str,
    price: Decimal,
    quantity: int,
    when: dt.datetime,
    day: dt.date,
    t0: bool,
    fees: FeeSchedule,
) -> None:
    """Book one fill: the trade row with its fees, cash, the holding and the order's progress."""
    is_sell = order["side"] == Side.SELL
    amount = price * quantity
    f = fill_fees(
        fees,
        sec,
        is_sell=is_sell,
        fill_amount=amount,
        order_filled_before=order["filled_amount"],
        commission_paid=order["commission_paid"],
        on=day,
    )
    conn.execute(
        t.trades.insert().values(
            account_id=order["account_id"],
            order_id=order["id"],
            trade_date=day,
            time=when.time().replace(microsecond=0),
            code=sec.code,
            side=order["side"],
            price=price,
            quantity=quantity,
            amount=amount,
            commission=f.commission,
            stamp_duty=f.stamp_duty,
            transfer_fee=f.transfer_fee,
            t0=t0,
        )
    )
    cash_delta = amount - f.total if is_sell else -(amount + f.total)
    acct = conn.execute(select(t.accounts.c.cash).where(t.accounts.c.id == order["account_id"])).scalar_one()
    conn.execute(
        t.accounts.update().where(t.accounts.c.id == order["account_id"]).values(cash=acct + cash_delta)
    )
    move_holding(
        conn, order["account_id"], sec.code, name, quantity if not is_sell else -quantity, -cash_delta, day
    )

    order["filled"] += quantity
    order["filled_amount"] += amount
    order["commission_paid"] += f.commission
    remaining = order["quantity"] - order["filled"] - order["cancelled"]
    order["status"] = OrderStatus.FILLED if remaining == 0 else OrderStatus.PARTIALLY_FILLED
    order["is_open"] = remaining > 0
    save_order(conn, order, fees, sec)


def move_holding(
    conn: Connection, account_id: int, code: str, name: str, qty: int, cost: Decimal, day: dt.date
) -> None:
    row = (
        conn.execute(
            select(t.positions).where(
                and_(t.positions.c.account_id == account_id, t.positions.c.code == code)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        conn.execute(
            t.positions.insert().values(
                account_id=account_id, code=code, name=name, quantity=qty, cost_amount=cost, last_change=day
            )
        )
        return
    new_qty = row["quantity"] + qty
    new_cost = row["cost_amount"] + cost if new_qty > 0 else ZERO
    conn.execute(
        t.positions.update()
        .where(t.positions.c.id == row["id"])
        .values(quantity=new_qty, cost_amount=new_cost, last_change=day)
    )


def save_order(conn: Connection, order: dict, fees: FeeSchedule, sec: Security | None) -> None:
    """Write an order's progress and move what it reserves (``sec`` is needed while a buy is open)."""
    _write(conn, order, *reservations.of_order(order, fees, sec))


def close_order(
    conn: Connection, order: dict, *, reason: str = "", frozen_before: Decimal | None = None
) -> None:
    """Cancel what is left of an order (a user's cancel, an IOC remainder or the end of the day).

    ``frozen_before``: the account's frozen cash, when the caller read it with the order (a cancel does).
    """
    remaining = order["quantity"] - order["filled"] - order["cancelled"]
    order["cancelled"] += remaining
    order["status"] = OrderStatus.PARTIALLY_CANCELLED if order["filled"] else OrderStatus.CANCELLED
    order["is_open"] = False
    if reason:
        order["reason"] = reason
    _write(conn, order, ZERO, 0, frozen_before)  # a closed order holds nothing back


def _write(
    conn: Connection, order: dict, cash: Decimal, shares: int, frozen_before: Decimal | None = None
) -> None:
    reservations.store(conn, order, cash, shares, frozen_before=frozen_before)
    values = {f"v_{k}": order[k] for k in _PROGRESS}
    values["v_status"] = str(values["v_status"])
    _SAVE_PROGRESS.run(conn, {**values, "oid": order["id"]})


# An order's progress columns, and the UPDATE that writes them, built once (issue 15).
_PROGRESS = (
    "filled",
    "filled_amount",
    "cancelled",
    "commission_paid",
    "status",
    "reason",
    "is_open",
    "price",
    "reserve_price",
    "trade_date",
    "reserved_cash",
    "reserved_shares",
)
_SAVE_PROGRESS = Prepared(
    t.orders.update()
    .where(t.orders.c.id == bindparam("oid"))
    .values({k: bindparam(f"v_{k}") for k in _PROGRESS})  # bind names must differ from column names
)
