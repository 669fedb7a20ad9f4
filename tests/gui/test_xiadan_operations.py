"""Every broker operation, for both client flavours, through the real adapter against the fake client.

The paper exchange behind the fake is the judge: an order the adapter reports must be in the
exchange's book with the same 合同编号, price and amount; a cancel must cancel there.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.domain.errors import BrokerUnavailable, InvalidParameter, NotSupported, OrderRejected
from ashare_gateway.domain.market_orders import MarketType
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus
from ashare_gateway.simulators.xiadan import FakeXiadan
from ashare_gateway.simulators.xiadan_factory import make_fake_xiadan_broker


def fake_of(broker: XiadanBroker) -> FakeXiadan:
    return broker.driver  # type: ignore[return-value]


def limit(code: str, side: Side, amount: int, price: str) -> OrderRequest:
    return OrderRequest(code=code, side=side, amount=amount, price=Decimal(price))


def test_connect_finds_the_exe_in_the_usual_folders(make, flavour) -> None:
    broker = make(flavour, connect=False)
    info = broker.connect()
    assert info.exe_path == fake_of(broker).exe_path  # C:\htwt\xiadan.exe (2nd ht folder) / C:\ths\xiadan.exe
    assert info.main_window_title == "网上股票交易系统5.0"


def test_connect_with_a_wrong_path_fails_in_chinese(make) -> None:
    broker = make("ht", connect=False)
    with pytest.raises(BrokerUnavailable, match="连接客户端失败"):
        broker.connect(r"D:\nowhere\xiadan.exe")


def test_login_starts_the_client_and_logs_in(make, sim, flavour, creds) -> None:
    broker = make(flavour, connect=False, logged_in=False)
    fake = fake_of(broker)
    fake.kill()
    info = broker.login(creds(flavour))
    assert info.account == "gui" and fake.logged_in and fake.starts == 2
    assert broker.balance().cash == sim.balance().cash


def test_ht_login_requires_the_comm_password(make, creds) -> None:
    broker = make("ht", connect=False, logged_in=False)
    with pytest.raises(InvalidParameter, match="comm_password"):
        broker.login(creds("universal"))


def test_login_with_a_wrong_password_shows_the_clients_reason(make, flavour, creds) -> None:
    broker = make(flavour, connect=False, logged_in=False)
    with pytest.raises(BrokerUnavailable, match="登录失败"):
        broker.login(creds(flavour, password="wrong"))


def test_queries_match_the_paper_exchange(make, sim, flavour, cash) -> None:
    broker = make(flavour)
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))
    sim.place_order(OrderRequest("000001", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST))
    assert cash(broker.balance()) == cash(sim.balance())
    got = {p.code: p for p in broker.positions()}
    want = {p.code: p for p in sim.positions()}
    assert got.keys() == want.keys()
    for code, p in want.items():
        assert (got[code].quantity, got[code].available, got[code].cost_price) == (
            p.quantity,
            p.available,
            p.cost_price.quantize(Decimal("0.001")),
        )
        assert got[code].market == p.market and got[code].name == p.name
    entrusts = broker.today_entrusts()
    assert [(e.contract_no, e.code, e.side, e.quantity, e.status) for e in entrusts] == [
        (e.contract_no, e.code, e.side, e.quantity, e.status) for e in sim.today_entrusts()
    ]
    trades = broker.today_trades()
    assert [(t.contract_no, t.trade_no, t.quantity, t.price) for t in trades] == [
        (t.contract_no, t.trade_no, t.quantity, t.price) for t in sim.today_trades()
    ]
    cancelable = [e.contract_no for e in sim.cancelable_entrusts()]
    assert [e.contract_no for e in broker.cancelable_entrusts()] == cancelable


def test_limit_buy_and_sell_reach_the_exchange(make, sim, flavour) -> None:
    broker = make(flavour)
    buy = broker.place_order(limit("600000", Side.BUY, 200, "8.41"))
    sell = broker.place_order(limit("000001", Side.SELL, 100, "12.00"))
    book = {e.contract_no: e for e in sim.today_entrusts()}
    assert (book[buy.contract_no].code, book[buy.contract_no].price, book[buy.contract_no].quantity) == (
        "600000",
        Decimal("8.41"),
        200,
    )
    assert book[sell.contract_no].side is Side.SELL and book[sell.contract_no].price == Decimal("12.00")
    assert "合同编号" in buy.message


def test_a_fund_price_keeps_three_decimals(make, sim) -> None:
    broker = make("ht")
    sim.place_order(OrderRequest("000001", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST))
    ack = broker.place_order(limit("510300", Side.BUY, 100, "3.951"))
    assert next(e for e in sim.today_entrusts() if e.contract_no == ack.contract_no).price == Decimal("3.951")


@pytest.mark.parametrize(
    ("code", "mtype"),
    [("000001", MarketType.COUNTERPARTY_BEST), ("600000", MarketType.BEST5_IOC), ("000001", MarketType.FOK)],
)
def test_market_orders_choose_the_type_by_label(make, sim, flavour, code, mtype) -> None:
    broker = make(flavour)
    ack = broker.place_order(OrderRequest(code, Side.BUY, 100, market_type=mtype))
    entrust = next(e for e in sim.today_entrusts() if e.contract_no == ack.contract_no)
    assert entrust.market_type is mtype


def test_star_market_order_carries_the_protective_price(make, sim, flavour) -> None:
    broker = make(flavour)
    last = sim.quote("688981").last
    ack = broker.place_order(
        OrderRequest(
            "688981",
            Side.SELL,
            200,
            market_type=MarketType.OWN_BEST,
            protect_price=(last * Decimal("0.98")).quantize(Decimal("0.01")),
        )
    )
    assert any(e.contract_no == ack.contract_no for e in sim.today_entrusts())
    with pytest.raises(InvalidParameter, match="protect_price"):
        broker.place_order(OrderRequest("688981", Side.SELL, 200, market_type=MarketType.OWN_BEST))


def test_a_market_type_the_client_lacks_is_not_supported(make) -> None:
    broker = make("ht")
    with pytest.raises(NotSupported, match="对手方最优"):
        broker.place_order(OrderRequest("600000", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST))


def test_cancel_by_contract_number_selects_the_right_row(make, sim, flavour) -> None:
    broker = make(flavour)
    acks = [broker.place_order(limit("600000", Side.BUY, 100, p)) for p in ("8.50", "8.51", "8.52")]
    broker.cancel(acks[1].contract_no)  # the middle row: keyboard selection, no coordinates
    status = {e.contract_no: e.status for e in sim.today_entrusts()}
    assert status[acks[1].contract_no] is OrderStatus.CANCELLED
    assert status[acks[0].contract_no] is status[acks[2].contract_no] is OrderStatus.REPORTED
    with pytest.raises(OrderRejected, match="未找到可撤委托"):
        broker.cancel(acks[1].contract_no)


def test_cancel_all(make, sim, flavour) -> None:
    broker = make(flavour)
    assert broker.cancel_all() == 0
    for p in ("8.50", "8.51"):
        broker.place_order(limit("600000", Side.BUY, 100, p))
    assert broker.cancel_all() == 2
    assert sim.cancelable_entrusts() == [] and broker.cancelable_entrusts() == []


def test_auto_ipo(make, exchange, sim, flavour) -> None:
    broker = make(flavour)
    result = broker.auto_ipo()
    applied = {r["code"]: r["amount"] for r in exchange.ipo_subscriptions(sim.account_id)}
    assert {a.code: a.amount for a in result.applied} == applied and applied
    assert result.entitled == len(applied)
    assert broker.auto_ipo().entitled == 0  # only the first subscription per IPO counts


def test_refresh_and_pop_dialog_check_and_close(make, flavour) -> None:
    broker = make(flavour)
    broker.positions()
    broker.refresh()
    assert broker.has_pop_dialog() is False and broker.close_pop_dialog() is False
    fake_of(broker).popup("提示", "测试弹窗")
    assert broker.has_pop_dialog() is True
    assert broker.close_pop_dialog() is True
    assert broker.has_pop_dialog() is False


def test_exit_closes_the_client(make, flavour) -> None:
    broker = make(flavour)
    broker.exit()
    assert not fake_of(broker).running


def test_save_as_export_reads_the_same_tables(make, sim, flavour) -> None:
    broker = make(flavour)
    broker.use_layout(broker.layout.with_changes(grid_read="save"))
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]
    assert [e.contract_no for e in broker.today_entrusts()] == [e.contract_no for e in sim.today_entrusts()]


def test_the_factory_for_the_cli(sim, creds, fast) -> None:
    broker = make_fake_xiadan_broker(sim, "universal", timeouts=fast, logged_in=False)
    assert isinstance(broker, XiadanBroker) and broker.kind == "xiadan-fake"
    broker.login(creds("universal"))  # the fake checks the password with the paper exchange
    assert broker.balance().cash > 0
    broker.exit()


def test_the_provider_for_serve(exchange, creds) -> None:
    """``serve --broker xiadan-fake``: connect attaches to the demo account's client, login opens one."""
    from ashare_gateway.simulators.xiadan_factory import FakeXiadanProvider

    provider = FakeXiadanProvider(exchange, keepalive_interval=None)
    broker, info = provider.connect(r"C:\htzqzyb2\xiadan.exe")
    assert (info.account, info.exe_path) == ("demo", r"C:\htzqzyb2\xiadan.exe")
    assert provider.connect(None)[0] is broker  # one client (and one keep-alive) per account
    other, info = provider.login(creds("ht"))
    assert info.account == "gui" and other is not broker
    assert other.place_order(limit("600000", Side.BUY, 100, "8.40")).contract_no
    for b in (broker, other):
        b.exit()
        assert b.driver.misuse == []
