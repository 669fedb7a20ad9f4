"""store/prepared.py: the exchange's hot statements on the raw sqlite3 cursor read and write exactly what
SQLAlchemy would, inside the caller's transaction (issue 15).

On the real paper exchange's SQLite file: each prepared statement is run beside SQLAlchemy's own execution
of the same statement, and the values must be equal *and of the same types* (an amount read back as text
or float instead of an exact Decimal would drift money; a 0/1 instead of a bool would pass a truth test but
not a comparison with ``True``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ashare_gateway.brokers.sim import SimExchange, orders, projections, reservations
from ashare_gateway.brokers.sim import ledger as t
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.store.prepared import Prepared
from tests.conftest import TRADING_MORNING


@pytest.fixture
def ex(tmp_path: Path) -> SimExchange:
    exchange = SimExchange(
        tmp_path / "paper.sqlite3", clock=ManualClock(TRADING_MORNING), calendar=TradingCalendar()
    )
    exchange.ensure_demo_account()
    broker = exchange.broker("demo")
    broker.place_order(OrderRequest("600000", Side.BUY, 300, Decimal("8.01")))  # rests: an open order
    return exchange


def _types(row: dict) -> dict:
    return {k: type(v) for k, v in row.items()}


def test_a_row_reads_as_sqlalchemy_reads_it(ex: SimExchange) -> None:
    with ex.db.begin() as conn:
        aid, contract = conn.execute(select(t.orders.c.account_id, t.orders.c.contract_no)).one()
        params = {"aid": aid, "contract": contract}
        ours = orders._CANCEL_ROW.first(conn, params)
        theirs = dict(conn.execute(orders._CANCEL_ROW.statement, params).mappings().one())
    assert ours == theirs and _types(ours) == _types(theirs)
    assert isinstance(ours["price"], Decimal) and ours["price"] == Decimal("8.01")
    assert ours["is_open"] is True and isinstance(ours["created_at"], dt.datetime)
    assert isinstance(ours["trade_date"], dt.date) and isinstance(ours["reserved_cash"], Decimal)


def test_the_prepared_insert_stores_sqlalchemys_formats(ex: SimExchange) -> None:
    """The text in the file, as SQL compares and sorts it: dates and times in SQLAlchemy's own SQLite
    format (microseconds included, or ``created_at`` ordering and equality break against old rows),
    amounts as exact decimal text, booleans 0/1."""
    with ex.db.begin() as conn:
        stored = conn.exec_driver_sql(
            "SELECT created_at, trade_date, is_open, price, reserved_cash FROM sim_orders"
        ).one()
    created, trade_date, is_open, price, reserved = stored
    assert (created, trade_date, is_open, price) == ("2026-11-20 10:00:00.000000", "2026-11-20", 1, "8.01")
    assert isinstance(reserved, str) and Decimal(reserved) > Decimal("2403")  # 300 × 8.01 plus its fees


def test_an_update_writes_what_sqlalchemy_reads_back_and_a_rollback_undoes_it(ex: SimExchange) -> None:
    with ex.db.begin() as conn:
        aid = conn.execute(select(t.accounts.c.id)).scalar_one()
        before = reservations.frozen_cash(conn, aid)
    exact = Decimal("12345.6789")  # not a float's value: it must come back digit for digit
    with ex.db.begin() as conn:
        changed, _ = reservations._SET_FROZEN_CASH.run(conn, {"aid": aid, "v_frozen": exact})
        assert changed == 1
        stored = conn.execute(select(t.accounts.c.frozen_cash).where(t.accounts.c.id == aid)).scalar_one()
        assert stored == exact and isinstance(stored, Decimal)
        assert projections._CASH_AND_FROZEN.rows(conn, {"aid": aid})[0][1] == exact
        conn.rollback()  # the caller's transaction: the prepared write goes with it
    with ex.db.begin() as conn:
        assert reservations.frozen_cash(conn, aid) == before


def test_constants_in_the_statement_are_bound(ex: SimExchange) -> None:
    """``won > 0`` is a bound constant of the statement, not a parameter the caller passes."""
    stmt = select(t.orders.c.quantity).where(t.orders.c.quantity > 200)
    with ex.db.begin() as conn:
        assert Prepared(stmt).rows(conn, {}) == [(300,)]
        assert Prepared(select(t.orders.c.quantity).where(t.orders.c.quantity > 300)).rows(conn, {}) == []
