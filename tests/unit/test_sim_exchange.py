"""The paper exchange through the broker protocol, on the real timetable with a clock the test moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.brokers.sim.quotes import OfflineQuotes
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.errors import InvalidParameter, OrderRejected
from ashare_gateway.domain.instruments import Market, ipo_stock_code, parse_security
from ashare_gateway.domain.market_orders import MarketType
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.domain.statuses import OrderStatus

FRIDAY = "2026-11-20"
MONDAY = "2026-11-23"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(f"{FRIDAY} 10:00:00")


@pytest.fixture
def exchange(tmp_path: Path, clock: ManualClock) -> SimExchange:
    ex = SimExchange(tmp_path / "paper.sqlite3", clock=clock, calendar=TradingCalendar())
    ex.ensure_demo_account()
    return ex


def buy(code: str, amount: int, price: str | None = None, **kw) -> OrderRequest:
    return OrderRequest(code, Side.BUY, amount, D(price) if price else None, **kw)


def sell(code: str, amount: int, price: str | None = None, **kw) -> OrderRequest:
    return OrderRequest(code, Side.SELL, amount, D(price) if price else None, **kw)


def entrust(broker, contract_no: str):
    return next(e for e in broker.today_entrusts() if e.contract_no == contract_no)


def quote_now(broker, code: str):
    return broker.quote(code)


def test_t_plus_one_and_cash_availability(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    ask = quote_now(b, "600036").asks[0].price
    ack = b.place_order(buy("600036", 200, str(ask + D("0.05"))))
    assert entrust(b, ack.contract_no).status is OrderStatus.FILLED
    pos = next(p for p in b.positions() if p.code == "600036")
    assert (pos.quantity, pos.available, pos.today_bought) == (200, 0, 200)  # bought today: not sellable
    with pytest.raises(OrderRejected, match="可交易股数为0"):
        b.place_order(sell("600036", 100, str(ask)))
    clock.set(f"{MONDAY} 10:00:00")
    pos = next(p for p in b.positions() if p.code == "600036")
    assert (pos.quantity, pos.available) == (200, 200)


def test_t0_instruments_can_be_sold_the_same_day(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    ask = quote_now(b, "511010").asks[0].price
    b.place_order(buy("511010", 100, str(ask)))
    pos = next(p for p in b.positions() if p.code == "511010")
    assert pos.available == pos.quantity == 100


def test_sale_proceeds_usable_today_withdrawable_tomorrow(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    before = b.balance()
    bid = quote_now(b, "000001").bids[0].price
    b.place_order(sell("000001", 1000, str(bid)))
    after = b.balance()
    trades = b.today_trades()
    proceeds = sum(t.net_cash for t in trades)
    assert proceeds > 0
    assert after.available == before.available + proceeds
    assert after.withdrawable == before.withdrawable  # not withdrawable until the next trading day
    clock.set(f"{MONDAY} 10:00:00")
    assert b.balance().withdrawable == after.available


def test_fees_on_each_trade(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    bid = quote_now(b, "600519").bids[0].price
    b.place_order(sell("600519", 100, str(bid)))
    (t,) = b.today_trades()
    assert t.commission == max(D("5"), (t.amount * D("0.00025")).quantize(D("0.01")))
    assert t.stamp_duty == (t.amount * D("0.0005")).quantize(D("0.01"))
    assert t.transfer_fee == (t.amount * D("0.00001")).quantize(D("0.01"))


def test_resting_order_fills_when_the_market_comes_to_it(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    q = quote_now(b, "600000")
    ack = b.place_order(buy("600000", 100, str(q.bids[0].price - D("0.02"))))
    assert entrust(b, ack.contract_no).status is OrderStatus.REPORTED
    frozen = b.balance().frozen
    assert frozen > 0  # cash is reserved while the order rests
    clock.set(f"{FRIDAY} 14:56:00")  # the deterministic walk passes through the price during the day
    e = entrust(b, ack.contract_no)
    assert e.status is OrderStatus.FILLED and e.filled_avg_price <= e.price
    assert b.balance().frozen == 0


def test_partial_fill_against_displayed_depth(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    q = quote_now(b, "600000")
    level1 = q.asks[0]
    ack = b.place_order(buy("600000", level1.volume + 10_000, str(level1.price)))
    e = entrust(b, ack.contract_no)
    assert e.status is OrderStatus.PARTIALLY_FILLED
    assert e.filled_quantity == level1.volume  # only what was shown at that price
    # A second order at the same price in the same snapshot finds that liquidity gone.
    ack2 = b.place_order(buy("600000", 100, str(level1.price)))
    assert entrust(b, ack2.contract_no).filled_quantity == 0


def test_orders_expire_at_the_end_of_the_day(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    ack = b.place_order(buy("600000", 100, "7.90"))
    clock.set(f"{FRIDAY} 16:00:00")  # after the close, before the night settlement: still today's
    assert [e.contract_no for e in b.today_entrusts()] == [ack.contract_no]
    clock.set(f"{FRIDAY} 17:00:00")  # settled: the business day moved on to Monday
    assert b.today_entrusts() == []
    assert b.balance().frozen == 0
    assert exchange.open_contracts(b.account_id) == []
    assert ack.contract_no


def test_night_order_goes_to_the_opening_auction(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    clock.set(f"{FRIDAY} 20:00:00")
    ack = b.place_order(buy("600000", 100, "8.75"))
    e = entrust(b, ack.contract_no)
    assert e.status is OrderStatus.PENDING and e.trade_date == dt.date(2026, 11, 23)
    clock.set(f"{MONDAY} 09:16:00")
    assert entrust(b, ack.contract_no).status is OrderStatus.REPORTED
    clock.set(f"{MONDAY} 09:26:00")
    e = entrust(b, ack.contract_no)
    open_price = D("0.01") * OfflineQuotes().snapshot("600000", dt.date(2026, 11, 23), 0).last
    assert e.status is OrderStatus.FILLED and e.filled_avg_price == open_price


def test_no_cancel_in_locked_auction_and_closing_auction(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    clock.set(f"{FRIDAY} 09:21:00")
    ack = b.place_order(buy("600000", 100, "7.90"))
    with pytest.raises(OrderRejected, match="当前时段不允许撤单"):
        b.cancel(ack.contract_no)
    clock.set(f"{FRIDAY} 09:31:00")
    b.cancel(ack.contract_no)
    assert entrust(b, ack.contract_no).status is OrderStatus.CANCELLED
    clock.set(f"{FRIDAY} 14:58:00")
    ack = b.place_order(buy("600000", 100, "7.90"))
    with pytest.raises(OrderRejected, match="当前时段不允许撤单"):
        b.cancel(ack.contract_no)


def test_market_orders_only_in_continuous_trading(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    for when, text in (("09:21:00", "连续竞价"), ("12:00:00", "连续竞价"), ("14:58:00", "只接受限价委托")):
        clock.set(f"{FRIDAY} {when}")
        with pytest.raises(OrderRejected, match=text):
            b.place_order(buy("600000", 100, market_type=MarketType.BEST5_IOC))


def test_market_order_types(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    depth = sum(level.volume for level in quote_now(b, "000001").asks)
    fok = b.place_order(buy("000001", (depth // 100 + 1) * 100, market_type=MarketType.FOK))
    e = entrust(b, fok.contract_no)
    assert e.status is OrderStatus.CANCELLED and e.filled_quantity == 0  # not all fillable: nothing fills
    ioc = b.place_order(buy("000001", (depth // 100 + 1) * 100, market_type=MarketType.BEST5_IOC))
    e = entrust(b, ioc.contract_no)
    assert e.status is OrderStatus.PARTIALLY_CANCELLED and e.filled_quantity == depth
    own = b.place_order(buy("000002", 100, market_type=MarketType.OWN_BEST))
    assert entrust(b, own.contract_no).status is OrderStatus.REPORTED  # rests at its own best bid


def test_star_market_order_carries_a_protective_price(exchange: SimExchange) -> None:
    exchange.create_account("star", "p", cash=D("1000000"))
    b = exchange.broker("star")
    ack = b.place_order(buy("688981", 200, market_type=MarketType.COUNTERPARTY_BEST))
    e = entrust(b, ack.contract_no)
    assert e.filled_quantity == 200 and e.price <= quote_now(b, "688981").limit_up


def test_price_cage_makes_a_rejected_order(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    with pytest.raises(OrderRejected, match="价格笼子") as err:
        b.place_order(buy("600519", 100, "1540.00"))
    rejected = [e for e in b.today_entrusts() if e.status is OrderStatus.REJECTED]
    assert len(rejected) == 1 and rejected[0].contract_no in err.value.message


def test_ipo_quota_lottery_and_payment_on_t_plus_2(exchange: SimExchange, clock: ManualClock) -> None:
    b = exchange.broker("demo")
    result = b.auto_ipo()
    assert [(a.code, a.amount) for a in result.applied] == [("787001", 5000), ("001366", 10000)]
    exchange.create_account("poor", "p", cash=D("50000"))
    assert exchange.broker("poor").auto_ipo().entitled == 0  # no holdings: no quota
    subs = exchange.ipo_subscriptions(b.account_id)
    assert all(s["won"] is None for s in subs)
    clock.set(f"{MONDAY} 10:00:00")  # T+1: the draw
    assert all(s["won"] is not None for s in exchange.ipo_subscriptions(b.account_id))
    clock.set("2026-11-24 10:00:00")  # T+2: winners pay
    subs = exchange.ipo_subscriptions(b.account_id)
    assert all(s["settled"] for s in subs)
    held = {p.code: p.quantity for p in b.positions()}
    for s in subs:  # winners hold the stock's code (787001 → 688001), never the subscription code
        assert s["code"] not in held
        if s["won"]:
            assert held[ipo_stock_code(parse_security(s["code"]))] == s["won"]


def test_a_restarted_exchange_keeps_everything(tmp_path: Path, clock: ManualClock) -> None:
    ex = SimExchange(tmp_path / "p.sqlite3", clock=clock)
    ex.ensure_demo_account()
    b = ex.broker("demo")
    ack = b.place_order(buy("600000", 100, "7.90"))
    cash = b.balance().available
    ex.db.dispose()
    ex2 = SimExchange(tmp_path / "p.sqlite3", clock=clock)
    b2 = ex2.broker("demo")
    assert [e.contract_no for e in b2.cancelable_entrusts()] == [ack.contract_no]
    assert b2.balance().available == cash
    b2.cancel(ack.contract_no)
    assert b2.balance().frozen == 0


def test_unknown_security_and_ipo_codes(exchange: SimExchange) -> None:
    b = exchange.broker("demo")
    with pytest.raises(OrderRejected, match="未找到证券"):
        b.place_order(buy("600001", 100, "10.00"))
    with pytest.raises(OrderRejected, match="新股申购"):
        b.place_order(buy("787001", 500, "18.88"))
    with pytest.raises(InvalidParameter, match="账户已存在"):
        exchange.create_account("demo", "x")


def test_ipo_quota_values_average_20_trading_days_ending_t_minus_2(
    exchange: SimExchange, clock: ManualClock
) -> None:
    b = exchange.broker("demo")
    before = exchange.ipo_market_values(b.account_id)
    ask = quote_now(b, "600036").asks[0].price
    b.place_order(buy("600036", 200, str(ask + D("0.05"))))
    assert exchange.ipo_market_values(b.account_id) == before  # bought today: after T-2, not counted yet
    clock.set("2026-11-25 10:00:00")  # Wednesday: T-2 is Monday; the window holds Friday and Monday
    prev_close = exchange.quotes.reference("600036").prev_close
    after = exchange.ipo_market_values(b.account_id)
    assert after[Market.SH] == (before[Market.SH] + 200 * prev_close * 2 / 20).quantize(D("0.01"))
    assert after[Market.SZ] == before[Market.SZ]
