"""冻结 kept incrementally: after any sequence of orders, fills, cancels and expiries, the frozen cash and
shares the paper exchange reports equal what its open orders hold back, recomputed here from 当日委托.

Everything goes through the broker interface a client uses (place, cancel, balance, positions, 当日委托)
on a real SQLite file, with a clock the test moves so resting orders fill and expire.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from decimal import Decimal as D
from pathlib import Path

import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.errors import OrderRejected
from ashare_gateway.domain.fees import FeeSchedule, max_buy_fees
from ashare_gateway.domain.instruments import parse_security
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar

DAYS = ("2026-11-20", "2026-11-23", "2026-11-24")  # Friday, Monday, Tuesday
CODES = ("600000", "000001", "510300", "600036")  # the first three are held by the demo account
TICK = D("0.01")


def _exchange(path: Path, clock: ManualClock) -> SimExchange:
    ex = SimExchange(path, clock=clock, calendar=TradingCalendar())
    ex.ensure_demo_account()
    return ex


def expected_frozen(broker) -> tuple[D, dict[str, int]]:
    """Σ over the open orders of 当日委托: a buy's unfilled value plus its most fees, a sell's shares."""
    cash, shares = D(0), {}
    for e in broker.cancelable_entrusts():
        left = e.quantity - e.filled_quantity - e.cancelled_quantity
        if e.side is Side.BUY:
            value = e.price * left
            cash += value + max_buy_fees(FeeSchedule(), parse_security(e.code), value, e.trade_date)
        else:
            shares[e.code] = shares.get(e.code, 0) + left
    return cash, shares


def assert_consistent(broker) -> None:
    cash, shares = expected_frozen(broker)
    bal = broker.balance()
    assert bal.frozen == cash
    assert bal.available == bal.cash - cash
    frozen_by_code = {p.code: p.frozen for p in broker.positions() if p.frozen}
    assert frozen_by_code == shares


def _random_step(rng: random.Random, broker, clock: ManualClock) -> None:
    roll = rng.random()
    if roll < 0.55:
        code = rng.choice(CODES)
        side = Side.BUY if rng.random() < 0.6 else Side.SELL
        q = broker.quote(code)
        touch = (q.asks if side is Side.BUY else q.bids) or (q.bids if side is Side.BUY else q.asks)
        if not touch:
            return
        ticks = rng.randint(-4, 2)  # mostly passive (rests), sometimes through the touch (fills)
        price = touch[0].price + (TICK * ticks if side is Side.BUY else -TICK * ticks)
        price = min(max(price, q.limit_down), q.limit_up)
        amount = 100 * rng.randint(1, 30)
        # not enough cash or shares, or a cage refusal: a refusal must leave nothing frozen behind
        with contextlib.suppress(OrderRejected):
            broker.place_order(OrderRequest(code, side, amount, price))
    elif roll < 0.75:
        open_orders = broker.cancelable_entrusts()
        if open_orders:
            broker.cancel(rng.choice(open_orders).contract_no)
    else:
        clock.advance(rng.choice((3, 30, 300, 1800)))  # the market moves: fills, lunch, the close


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_frozen_totals_equal_the_open_orders_after_random_trading(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    clock = ManualClock(f"{DAYS[0]} 09:40:00")
    ex = _exchange(tmp_path / "paper.sqlite3", clock)
    broker = ex.broker("demo")
    checked_open = 0
    for day in DAYS:
        clock.set(f"{day} 09:40:00")
        for _ in range(70):
            _random_step(rng, broker, clock)
            assert_consistent(broker)
            checked_open = max(checked_open, len(broker.cancelable_entrusts()))
    assert checked_open >= 5  # the sequence really kept orders resting
    assert any(e.filled_quantity for e in broker.today_entrusts())  # and really filled some
    # The totals survive a restart: a second exchange on the same file reports the same.
    before = broker.balance().frozen
    ex.db.dispose()
    again = _exchange(tmp_path / "paper.sqlite3", clock).broker("demo")
    assert again.balance().frozen == before
    assert_consistent(again)


def test_expiry_at_the_day_end_releases_the_reservations(tmp_path: Path) -> None:
    clock = ManualClock(f"{DAYS[0]} 10:00:00")
    broker = _exchange(tmp_path / "paper.sqlite3", clock).broker("demo")
    q = broker.quote("600000")
    broker.place_order(OrderRequest("600000", Side.BUY, 500, q.limit_down))
    broker.place_order(OrderRequest("600000", Side.SELL, 300, q.limit_up))
    assert broker.balance().frozen > 0
    clock.set(f"{DAYS[1]} 10:00:00")
    assert broker.balance().frozen == 0
    assert next(p for p in broker.positions() if p.code == "600000").frozen == 0
    assert broker.balance().available == broker.balance().cash


def test_the_minimum_commission_is_reserved(tmp_path: Path) -> None:
    """A small buy reserves the ¥5 minimum commission, not the rate: a fill can never overdraw."""
    clock = ManualClock(f"{DAYS[0]} 10:00:00")
    broker = _exchange(tmp_path / "paper.sqlite3", clock).broker("demo")
    before = broker.balance()
    price = broker.quote("000001").limit_down
    ack = broker.place_order(OrderRequest("000001", Side.BUY, 100, price))
    value = price * 100  # about ¥1,000: the commission rate alone would be a few 角
    frozen = broker.balance().frozen
    assert D("5.00") <= frozen - value < D("5.10")
    assert broker.balance().available == before.available - frozen
    broker.cancel(ack.contract_no)
    assert broker.balance().frozen == 0
    assert broker.balance().available == before.available


def test_a_data_dir_from_before_the_reservation_columns_is_backfilled(tmp_path: Path) -> None:
    clock = ManualClock(f"{DAYS[0]} 10:00:00")
    path = tmp_path / "paper.sqlite3"
    ex = _exchange(path, clock)
    broker = ex.broker("demo")
    q = broker.quote("600000")
    buy = broker.place_order(OrderRequest("600000", Side.BUY, 700, q.limit_down))
    broker.place_order(OrderRequest("600000", Side.SELL, 400, q.limit_up))
    frozen = broker.balance().frozen
    ex.db.dispose()
    with sqlite3.connect(path) as db:  # the schema of a data dir written before this change
        for table, column in (
            ("sim_accounts", "frozen_cash"),
            ("sim_positions", "frozen"),
            ("sim_orders", "reserved_cash"),
            ("sim_orders", "reserved_shares"),
        ):
            db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    broker = _exchange(path, clock).broker("demo")
    assert broker.balance().frozen == frozen
    assert next(p for p in broker.positions() if p.code == "600000").frozen == 400
    assert_consistent(broker)
    broker.cancel(buy.contract_no)  # released from the backfilled reservation: back to exactly nothing
    assert broker.balance().frozen == 0
    assert_consistent(broker)
