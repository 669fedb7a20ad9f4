"""What open orders hold back (冻结), kept incrementally so reading it costs the same at 0 or 5,000 orders.

Each order row stores what it reserves while open — a buy the cash of its unfilled part at the reserve
price plus the most fees that part can pay (the ¥5 minimum commission included), a sell its unfilled
shares — and the account (cash) and the holding (shares) store the totals. Every change of an order goes
through :func:`store` inside the order's own transaction (entry, fill, cancel, expiry, release), which
moves the totals by the difference, so the totals always equal the sum over the open orders.

Data dirs from before these columns are upgraded on open: the columns are added and the totals are
rebuilt from the open orders (:func:`upgrade`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import and_, bindparam, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from ...domain.fees import FeeSchedule, max_buy_fees
from ...domain.instruments import Security
from ...domain.models import Side
from ...store.prepared import Prepared
from . import ledger as t

ZERO = Decimal(0)

# (table, column, SQL type and default) added to data dirs created before the reservations existed
_COLUMNS = (
    (t.accounts, "frozen_cash", "VARCHAR(32) NOT NULL DEFAULT '0'"),
    (t.positions, "frozen", "INTEGER NOT NULL DEFAULT 0"),
    (t.orders, "reserved_cash", "VARCHAR(32) NOT NULL DEFAULT '0'"),
    (t.orders, "reserved_shares", "INTEGER NOT NULL DEFAULT 0"),
)


def buy_reservation(fees: FeeSchedule, sec: Security, price: Decimal, remaining: int, on: dt.date) -> Decimal:
    """Cash frozen for a buy's unfilled part: its value at the reserve price plus the most fees it can pay."""
    if remaining <= 0:
        return ZERO
    amount = price * remaining
    return amount + max_buy_fees(fees, sec, amount, on)


def remaining(order: dict) -> int:
    return order["quantity"] - order["filled"] - order["cancelled"]


def of_order(order: dict, fees: FeeSchedule, sec: Security | None) -> tuple[Decimal, int]:
    """(cash, shares) an order holds back in its current state; nothing once it is closed."""
    left = remaining(order)
    if not order["is_open"] or left <= 0:
        return ZERO, 0
    if order["side"] == Side.SELL:
        return ZERO, left
    assert sec is not None, "an open buy's reservation needs its security (fees depend on it)"
    return buy_reservation(fees, sec, order["reserve_price"], left, order["trade_date"]), 0


def store(
    conn: Connection, order: dict, cash: Decimal, shares: int, *, frozen_before: Decimal | None = None
) -> None:
    """Set the order's reservation to (cash, shares) and move the totals by the difference.

    The order row itself is written by the caller in the same transaction, with the new values this
    leaves in ``order``. ``frozen_before`` is the account's frozen cash when the caller has just read it
    in this transaction (order entry does, to check the cash): it saves re-reading it (issue 15).
    """
    cash_delta = cash - order.get("reserved_cash", ZERO)
    share_delta = shares - order.get("reserved_shares", 0)
    if cash_delta:
        _add_cash(conn, order["account_id"], cash_delta, frozen_before)
    if share_delta:
        _add_shares(conn, order["account_id"], order["code"], share_delta)
    order["reserved_cash"], order["reserved_shares"] = cash, shares


# Built once (issue 15): every order entry, fill and cancel runs these.
_FROZEN_CASH = Prepared(select(t.accounts.c.frozen_cash).where(t.accounts.c.id == bindparam("aid")))
_SET_FROZEN_CASH = Prepared(
    t.accounts.update().where(t.accounts.c.id == bindparam("aid")).values(frozen_cash=bindparam("v_frozen"))
)


def frozen_cash(conn: Connection, account_id: int) -> Decimal:
    ((frozen,),) = _FROZEN_CASH.rows(conn, {"aid": account_id})
    return frozen


def frozen_shares(conn: Connection, account_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(t.positions.c.code, t.positions.c.frozen).where(
            and_(t.positions.c.account_id == account_id, t.positions.c.frozen != 0)
        )
    )
    return {code: int(n) for code, n in rows}


def _add_cash(conn: Connection, account_id: int, delta: Decimal, before: Decimal | None = None) -> None:
    # Read-modify-write: the amount is exact decimal text, which SQL arithmetic would turn into a float.
    current = frozen_cash(conn, account_id) if before is None else before
    _SET_FROZEN_CASH.run(conn, {"aid": account_id, "v_frozen": current + delta})


def _add_shares(conn: Connection, account_id: int, code: str, delta: int) -> None:
    done = conn.execute(
        t.positions.update()
        .where(and_(t.positions.c.account_id == account_id, t.positions.c.code == code))
        .values(frozen=t.positions.c.frozen + delta)
    )
    if done.rowcount != 1:  # a sell is only accepted against a holding, so its row exists
        raise RuntimeError(f"no holding {code} of account {account_id} to reserve {delta} shares from")


def upgrade(engine: Engine, fees: FeeSchedule, resolve: Callable[[str], Security]) -> None:
    """Add the reservation columns to an older data dir and rebuild every total from its open orders."""
    tables = inspect(engine)
    missing = [
        (table, column, ddl)
        for table, column, ddl in _COLUMNS
        if column not in {c["name"] for c in tables.get_columns(table.name)}
    ]
    if not missing:
        return
    with engine.begin() as conn:
        for table, column, ddl in missing:
            conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column}" {ddl}'))
        conn.execute(t.accounts.update().values(frozen_cash=ZERO))
        conn.execute(t.positions.update().values(frozen=0))
        conn.execute(t.orders.update().values(reserved_cash=ZERO, reserved_shares=0))
        for row in conn.execute(select(t.orders).where(t.orders.c.is_open)).mappings().all():
            order = dict(row)
            sec = resolve(order["code"]) if order["side"] != Side.SELL else None
            cash, shares = of_order(order, fees, sec)
            store(conn, order, cash, shares)
            conn.execute(
                t.orders.update()
                .where(t.orders.c.id == order["id"])
                .values(reserved_cash=cash, reserved_shares=shares)
            )
