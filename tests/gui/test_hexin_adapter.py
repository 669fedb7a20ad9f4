"""The hexin adapter against the fake 同花顺 8.x and 9.x (and its sibling xiadan.exe), on the paper exchange.

The exchange is the judge: an order the adapter reports must be in its book with the same 合同编号,
price and amount. Both fakes must record no misuse (input under a pop-up, appending to a field, a price
written before the lookup, submitting before it), checked at teardown.

The last part is hexin.exe as the peers that drive the real one meet it (issue 14, the hexin bullet);
each of those tests failed on the adapter before that change (brokers/hexin at c28c7a3):
- the flash-order dialog is an empty-titled ``#32770`` on current builds (THSAutoTrader finds it as
  ``{'class_name': '#32770', 'title': ''}``): the adapter found it by its title and timed out on 9.x;
- the 键盘精灵 reads virtual-key codes: ``21`` typed as VK_PACKET characters opens nothing;
- the trading client is the xiadan.exe in hexin.exe's folder: the adapter took any window titled
  网上股票交易系统5.0, and logged in with hexin.exe's own path as the trading client's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from ashare_gateway.brokers.base import Credentials
from ashare_gateway.brokers.hexin.adapter import HexinBroker
from ashare_gateway.brokers.hexin.layouts import V8, V9
from ashare_gateway.brokers.hexin.version import layout_for, parse_title
from ashare_gateway.brokers.ths.timeouts import Timeouts
from ashare_gateway.domain.errors import BrokerUnavailable, InputLost, NotSupported, OrderRejected
from ashare_gateway.domain.fees import FeeSchedule
from ashare_gateway.domain.instruments import resolve_code
from ashare_gateway.domain.market_orders import MarketType
from ashare_gateway.domain.messages import KEYS_LOCKED
from ashare_gateway.domain.models import Entrust, OrderRequest, Side
from ashare_gateway.service.sizing import max_buy_amount
from ashare_gateway.simulators.hexin import BUILDS, FakeHexin
from ashare_gateway.simulators.hexin_factory import HEXIN_EXE, make_fake_hexin_broker
from ashare_gateway.simulators.xiadan.client import FakeXiadan

USER, PASSWORD = "hx", "hx-pass"  # 同花顺's own trading login: no 通讯密码


@pytest.fixture
def account(exchange):
    exchange.create_account(
        USER,
        PASSWORD,
        cash=Decimal("1000000"),
        holdings=(("600000", 1000, Decimal("8.50")), ("688981", 400, Decimal("90.00"))),
    )
    return exchange.broker(USER)


@pytest.fixture(params=["8", "9"])
def version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make(account, fast: Timeouts) -> Iterator[Callable[..., HexinBroker]]:
    """``make(version, connect=True, allow_misuse=False, **faults)`` → a HexinBroker over the fakes."""
    made: list[tuple[HexinBroker, bool]] = []

    def factory(version: str = "8", *, connect: bool = True, allow_misuse: bool = False, **kw) -> HexinBroker:
        kw.setdefault("trading_timeout", 0.5)
        broker = make_fake_hexin_broker(account, version, timeouts=fast, password=PASSWORD, **kw)
        made.append((broker, allow_misuse))
        if connect:
            broker.connect()
        return broker

    yield factory
    for broker, allow in made:
        if not allow:
            assert hexin_of(broker).misuse == [], hexin_of(broker).misuse
            assert trading_of(broker).misuse == [], trading_of(broker).misuse


def hexin_of(broker: HexinBroker) -> FakeHexin:
    return broker.driver  # type: ignore[return-value]


def trading_of(broker: HexinBroker) -> FakeXiadan:
    return broker.trading.driver  # type: ignore[union-attr, return-value]


def booked(account, contract_no: str) -> Entrust:
    return next(e for e in account.today_entrusts() if e.contract_no == contract_no)


def limit(code: str, side: Side, amount: int, price: str | None) -> OrderRequest:
    return OrderRequest(code=code, side=side, amount=amount, price=Decimal(price) if price else None)


# ---- finding 同花顺 and its version ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("同花顺(v8.90.73) - 首页", 8),
        ("同花顺(v9.20.40) - 600000 浦发银行", 9),
        ("同花顺(v10.1.2) - 自选股", 9),
        ("同花顺 (v8.80.52)", 8),
    ],
)
def test_the_version_comes_from_the_title(title: str, family: int) -> None:
    version = parse_title(title)
    assert version is not None and layout_for(version).family == family


def test_titles_that_are_not_a_supported_hexin() -> None:
    assert parse_title("网上股票交易系统5.0") is None
    old = parse_title("同花顺(v7.95.70) - 首页")
    assert old is not None
    with pytest.raises(BrokerUnavailable, match=r"不支持的同花顺版本：v7\.95\.70"):
        layout_for(old)


def test_connect_finds_the_running_client(make, version: str) -> None:
    broker = make(version, connect=False)
    info = broker.connect()
    assert info.exe_path == HEXIN_EXE and info.main_window_title.startswith(f"同花顺(v{version}.")
    assert broker.layout is (V8 if version == "8" else V9)


def test_connect_without_a_running_client_says_so(make) -> None:
    broker = make("8", connect=False)
    hexin_of(broker).kill()
    with pytest.raises(BrokerUnavailable, match="未找到运行中的同花顺"):
        broker.connect()
    with pytest.raises(BrokerUnavailable, match="未找到运行中的同花顺"):
        broker.connect(r"D:\elsewhere\hexin.exe")


# ---- orders through the flash-order dialog --------------------------------------------------------
def test_orders_land_on_the_exchange(make, account, version: str) -> None:
    broker = make(version)
    buy = broker.place_order(limit("600000", Side.BUY, 300, "8.50"))
    sell = broker.place_order(limit("688981", Side.SELL, 201, "95.00"))
    assert buy.message == f"您的买入委托已成功提交，合同编号：{buy.contract_no}。"
    for ack, (code, side, amount, price) in (
        (buy, ("600000", Side.BUY, 300, "8.50")),
        (sell, ("688981", Side.SELL, 201, "95.00")),
    ):
        e = booked(account, ack.contract_no)
        assert (e.code, e.side, e.quantity, e.price) == (code, side, amount, Decimal(price))
    fake = hexin_of(broker)
    assert [e.detail for e in fake.events if e.kind == "key"] == ["21↵", "23↵"]
    assert any(e.kind == "dialog" and e.detail.startswith("委托确认") for e in fake.events)
    assert fake.dialog_titles() == [f"{fake.build.main_title_prefix} - 首页"]  # nothing left open


def test_a_locked_desktop_refuses_a_flash_order_before_any_key(make, account, version: str) -> None:
    """The quick codes and the flash dialog's fields are keys: a locked workstation or a disconnected
    RDP session swallows them (the fake records keys_while_locked as misuse), so nothing is pressed."""
    broker = make(version)
    fake = hexin_of(broker)
    fake.lock_desktop("工作站已锁定（锁屏）")
    with pytest.raises(BrokerUnavailable, match=r"^工作站已锁定（锁屏）：按键无法送达客户端，委托未执行"):
        broker.place_order(limit("600000", Side.BUY, 300, "8.50"))
    with pytest.raises(BrokerUnavailable, match="查询可交易数量未执行"):
        broker.max_amount(Side.BUY, "600000", Decimal("8.50"))
    assert account.today_entrusts() == []
    assert [e.detail for e in fake.events if e.kind == "key"] == []
    fake.unlock_desktop()
    assert booked(account, broker.place_order(limit("600000", Side.BUY, 300, "8.50")).contract_no)


def test_no_price_is_the_clients_default_price(make, account, exchange, version: str) -> None:
    broker = make(version)
    buy = booked(account, broker.place_order(limit("600160", Side.BUY, 100, None)).contract_no)
    sell = booked(account, broker.place_order(limit("600000", Side.SELL, 100, None)).contract_no)
    assert buy.price == exchange.quote("600160").asks[0].price  # 对手价
    assert sell.price == exchange.quote("600000").bids[0].price


def test_the_most_tradable_is_the_clients_own_figure(make, account, version: str) -> None:
    broker = make(version)
    cash = account.balance().available
    on = account.exchange.clock.now().date()
    assert broker.max_amount(Side.BUY, "600160", Decimal("21.21")) == max_buy_amount(
        resolve_code("600160"), Decimal("21.21"), cash, FeeSchedule(), on
    )
    assert broker.max_amount(Side.BUY, "688981", Decimal("90.00")) == max_buy_amount(
        resolve_code("688981"), Decimal("90.00"), cash, FeeSchedule(), on
    )  # STAR: 200 + steps of 1
    assert broker.max_amount(Side.SELL, "600000", None) == 1000
    assert broker.max_amount(Side.SELL, "688981", None) == 400
    assert broker.max_amount(Side.SELL, "600160", None) == 0
    assert hexin_of(broker).orders_sent == []  # reading 可用 sends nothing


def test_the_brokers_rejections_pass_through(make, version: str) -> None:
    broker = make(version)
    with pytest.raises(OrderRejected, match=r"^提交失败：\[600160:14\.590\]超过涨跌限制。25\.93-21\.21。$"):
        broker.place_order(limit("600160", Side.BUY, 100, "14.59"))
    with pytest.raises(OrderRejected, match=r"^委托失败，可交易股数为0$"):
        broker.place_order(limit("600160", Side.SELL, 100, "21.21"))
    with pytest.raises(OrderRejected, match="证券代码600001无效"):
        broker.place_order(limit("600001", Side.BUY, 100, "30.00"))  # not in the paper market: no lookup
    fake = hexin_of(broker)
    assert fake.dialog_titles() == [f"{fake.build.main_title_prefix} - 首页"]  # the dialogs were closed


def test_the_dialog_opens_with_the_shown_stock_and_the_code_is_typed_over(make, account) -> None:
    broker = make("8")
    hexin_of(broker).show_stock("000001")
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    assert booked(account, ack.contract_no).code == "600000"


def test_a_slow_client_is_waited_for_not_raced(make, account, version: str) -> None:
    broker = make(version, latency={"dialog": 0.03, "lookup": 0.08, "refresh": 0.05})
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))  # price written after the lookup only
    assert booked(account, ack.contract_no).price == Decimal("8.40")
    assert broker.max_amount(Side.SELL, "600000", None) == 1000


def test_without_the_confirm_dialog(make, account) -> None:
    broker = make("9", confirm_dialog=False, close_after_order=False)
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    assert booked(account, ack.contract_no).quantity == 100
    assert not any(e.detail.startswith("委托确认") for e in hexin_of(broker).events)


def test_a_stray_popup_is_closed_before_the_order(make, account) -> None:
    broker = make("8")
    fake = hexin_of(broker)
    fake.popup("消息中心", "您有3条未读消息")
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    assert booked(account, ack.contract_no).quantity == 100 and "消息中心" not in fake.dialog_titles()


def test_quick_keys_that_open_nothing_fail_clearly(make) -> None:
    broker = make("8", quick_keys_work=False)
    with pytest.raises(BrokerUnavailable, match=r"同花顺未打开闪电买入对话框（快捷键21\{ENTER\}）"):
        broker.place_order(limit("600000", Side.BUY, 100, "8.50"))


def test_a_restarted_hexin_is_found_again(make, account) -> None:
    broker = make("9")
    fake = hexin_of(broker)
    fake.crash()
    fake.start(HEXIN_EXE)
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    assert booked(account, ack.contract_no).quantity == 100


# ---- what each version can do ---------------------------------------------------------------------
def test_balance_and_positions_per_version(make, account, version: str) -> None:
    broker = make(version)
    assert broker.balance().available == account.balance().available
    if version == "8":
        assert {p.code: p.quantity for p in broker.positions()} == {"600000": 1000, "688981": 400}
    else:
        with pytest.raises(NotSupported, match=r"^同花顺9\.x不支持持仓查询$"):
            broker.positions()


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda b: b.today_entrusts(), "当日委托查询"),
        (lambda b: b.today_trades(), "当日成交查询"),
        (lambda b: b.cancelable_entrusts(), "可撤委托查询"),
        (lambda b: b.cancel("10000001"), "撤单"),
        (lambda b: b.cancel_all(), "全部撤单"),
        (lambda b: b.auto_ipo(), "新股申购"),
        (lambda b: b.quote("600000"), "行情查询"),
        (
            lambda b: b.place_order(OrderRequest("600000", Side.BUY, 100, market_type=MarketType.BEST5_IOC)),
            "市价委托",
        ),
    ],
)
def test_what_hexin_lacks_is_not_supported_in_chinese(make, version: str, call, words: str) -> None:
    broker = make(version)
    with pytest.raises(NotSupported, match=rf"^同花顺{version}\.x不支持{words}$"):
        call(broker)


# ---- the sibling trading client (xiadan.exe) ------------------------------------------------------
def test_login_starts_and_logs_in_the_trading_client(make, account) -> None:
    broker = make("8", connect=False, trading_running=False)
    broker.login(Credentials(USER, PASSWORD))
    assert broker.balance().cash == account.balance().cash
    assert trading_of(broker).logged_in


def test_without_credentials_f12_is_pressed_and_the_wait_ends_clearly(make) -> None:
    broker = make("9", trading_running=False)
    with pytest.raises(BrokerUnavailable, match="请在同花顺中按F12登录交易账户"):
        broker.balance()
    assert any(e.kind == "key" and e.detail == "F12" for e in hexin_of(broker).events)
    assert trading_of(broker).running and not trading_of(broker).logged_in  # at its login window


def test_the_wait_after_f12_polls_at_a_persons_pace(make) -> None:
    """Each look for the logged-in sibling lists processes and windows; under Wine those listings queue
    at the wineserver the starting client needs too, and at 20 looks a second its start took minutes
    (docs/wine.md, the hexin F12 flake). The look is capped at ``Timeouts.start_poll`` (0.25 s)."""
    broker = make("9", trading_running=False, trading_timeout=1.0)
    trading = broker.trading
    assert trading is not None
    looks = 0
    connect = trading.connect

    def counted(*args, **kwargs):
        nonlocal looks
        looks += 1
        return connect(*args, **kwargs)

    trading.connect = counted  # type: ignore[method-assign]
    with pytest.raises(BrokerUnavailable, match="请在同花顺中按F12登录交易账户"):
        broker.balance()
    assert 3 <= looks <= 20, f"{looks} looks for the sibling in 1 s"


def test_pop_dialog_check_and_close(make) -> None:
    broker = make("8")
    assert broker.has_pop_dialog() is False
    hexin_of(broker).popup("同花顺公告", "系统升级通知")
    assert broker.has_pop_dialog() is True and broker.close_pop_dialog() is True
    assert broker.has_pop_dialog() is False and broker.close_pop_dialog() is False


# ==================================================================================================
# hexin.exe as the real one is (issue 14)
# ==================================================================================================
OTHER_BROKERS_XIADAN = r"C:\htzqzyb2\xiadan.exe"  # 华泰's client: the same title, another account


# ---- the flash-order dialog: no caption, found by owner + class + controls ------------------------
def test_the_9x_flash_dialog_has_no_caption_and_orders_still_land(make, account) -> None:
    broker = make("9")
    fake = hexin_of(broker)
    fake.press_keys(fake.top_windows()[0].handle, "21{ENTER}")
    dialog = next(w for w in fake.top_windows() if w.class_name == "#32770")
    assert dialog.title == "" and dialog.owner == fake.top_windows()[-1].handle  # as the real 9.x
    fake.close_window(dialog.handle)
    buy = broker.place_order(limit("600000", Side.BUY, 300, "8.50"))
    sell = broker.place_order(limit("688981", Side.SELL, 201, "95.00"))
    assert booked(account, buy.contract_no).side is Side.BUY
    assert booked(account, sell.contract_no).side is Side.SELL


def test_a_dialog_of_the_other_side_is_never_used(make, account) -> None:
    """A build whose 23 opens 闪电买入 (remapped): the sell is refused, no buy is placed instead."""
    build = BUILDS["9"].with_changes(quick_codes={"21": "buy", "23": "buy"})
    broker = make("9", build=build)
    before = len(account.today_entrusts())
    with pytest.raises(BrokerUnavailable, match="同花顺未打开闪电卖出对话框"):
        broker.place_order(limit("600000", Side.SELL, 100, "8.50"))
    assert len(account.today_entrusts()) == before
    assert hexin_of(broker).orders_sent == []


# ---- quick keys as virtual-key codes --------------------------------------------------------------
def test_vk_packet_digits_open_nothing_virtual_keys_do(account) -> None:
    fake = FakeHexin(account, build=BUILDS["8"])
    main = fake.top_windows()[0].handle
    fake.type_keys(main, "21{ENTER}")  # pywinauto's default: '2', '1' as VK_PACKET
    assert [w.class_name for w in fake.top_windows()] == [fake.build.main_class]
    assert [e.detail for e in fake.events if e.kind == "vk_packet_ignored"] == ["2", "1"]
    fake.press_keys(main, "21{ENTER}")
    assert [w.title for w in fake.top_windows()] == ["闪电买入", fake.top_windows()[1].title]


def test_the_adapter_sends_quick_codes_as_virtual_keys(make, account, version: str) -> None:
    broker = make(version)
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    assert booked(account, ack.contract_no).quantity == 100
    assert not [e for e in hexin_of(broker).events if e.kind == "vk_packet_ignored"]


# ---- the sibling xiadan.exe next to hexin.exe -------------------------------------------------------
def test_another_brokers_xiadan_with_the_same_title_is_not_taken_for_hexins_own(make, account) -> None:
    broker = make("8", trading_exe=OTHER_BROKERS_XIADAN)  # running, logged in, 网上股票交易系统5.0
    sibling = r"同花顺交易客户端（C:\\同花顺软件\\同花顺\\xiadan\.exe）未登录"
    with pytest.raises(BrokerUnavailable, match=sibling):
        broker.balance()
    other = trading_of(broker)
    assert not [e for e in other.events if e.kind in ("key", "click", "command")]  # never touched


def test_the_sibling_is_found_from_the_folder_of_a_hexin_attached_by_title(make, account) -> None:
    folder = r"E:\THS"  # not one of the usual folders: hexin is attached by its title
    broker = make("8", connect=False, hexin_exe=folder + r"\hexin.exe", trading_exe=folder + r"\xiadan.exe")
    assert broker.connect().exe_path == ""
    assert broker.sibling_exe() == folder + r"\xiadan.exe"
    assert broker.balance().available == account.balance().available


def test_login_starts_the_sibling_not_hexin_itself(make, account) -> None:
    """Credentials carry hexin.exe's path (config.ini exe_path): the trading client is its sibling."""
    broker = make("8", connect=False, trading_running=False)
    hexin_exe = hexin_of(broker).exe_path
    broker.login(Credentials(USER, PASSWORD, exe_path=hexin_exe))
    assert broker.balance().cash == account.balance().cash
    trading = trading_of(broker)
    assert trading.logged_in and trading.exe_path == hexin_exe.replace("hexin.exe", "xiadan.exe")


# ---- the driver side ------------------------------------------------------------------------------
def test_the_win32_driver_and_the_fake_offer_what_the_hexin_adapter_needs(account) -> None:
    import inspect

    from ashare_gateway.desktop.driver import VirtualKeyDriver
    from ashare_gateway.desktop.win32_vk import VirtualKeyWin32Driver

    for name in ("press_keys", "process_exe"):
        wanted = list(inspect.signature(getattr(VirtualKeyDriver, name)).parameters)
        assert list(inspect.signature(getattr(VirtualKeyWin32Driver, name)).parameters) == wanted
    assert isinstance(FakeHexin(account), VirtualKeyDriver)


# ---- a lock in the middle of a flash order --------------------------------------------------------
MID_ORDER_LOCK = "工作站已锁定（锁屏）"
FLASH_BUY = ("600000", Side.BUY, 300, "8.50")


def _flash_inputs(fake: FakeHexin) -> list[str]:
    """Every key string (typed or as virtual keys) and WM_SETTEXT text the adapter hands hexin from now."""
    written: list[str] = []
    for name in ("press_keys", "type_keys", "set_text"):
        real = getattr(fake, name)

        def spy(handle: int, text: str, real=real) -> None:
            written.append(text)
            real(handle, text)

        setattr(fake, name, spy)
    return written


def _flash_answers(fake: FakeHexin) -> list[str]:
    return [e.detail for e in fake.events if e.kind == "answer"]


@pytest.mark.parametrize(
    ("after", "inputs"),
    [("the quick keys", 1), ("the code", 2), ("the price", 3), ("the amount", 4)],
)
def test_a_lock_part_way_through_a_flash_order_stops_it(make, account, version, after, inputs) -> None:
    """The lock lands right after the ``inputs``-th input: the quick code (the dialog opens; the code's
    keys would be lost), the code (price and amount are WM_SETTEXT, which lands: the order would be
    filled in and sent on a desktop nobody watches), the price, the amount (before 1006)."""
    broker = make(version)
    fake = hexin_of(broker)
    fake.lock_desktop(MID_ORDER_LOCK, after_inputs=inputs)
    written = _flash_inputs(fake)
    with pytest.raises(InputLost, match=f"^工作站在下单过程中被锁定：{MID_ORDER_LOCK}，委托未执行"):
        broker.place_order(limit(*FLASH_BUY))
    assert fake.session_locked() == MID_ORDER_LOCK
    assert len(written) == inputs  # nothing written after it
    for name in ("press_keys", "type_keys", "set_text"):
        delattr(fake, name)
    assert account.today_entrusts() == [] and fake.orders_sent == []
    assert not any(e.kind == "dialog" and e.detail.startswith("委托确认") for e in fake.events)
    assert fake.dialog_titles() == [f"{fake.build.main_title_prefix} - 首页"]  # the flash dialog closed
    fake.unlock_desktop()
    e = booked(account, broker.place_order(limit(*FLASH_BUY)).contract_no)
    assert (e.code, e.quantity, e.price) == ("600000", 300, Decimal("8.50"))


def test_a_lock_while_the_flash_confirm_is_up_declines_it(make, account, version) -> None:
    broker = make(version)
    fake = hexin_of(broker)
    fake.lock_desktop("远程会话已断开（连接状态 4）", at_dialog="委托确认")
    refused = r"^工作站在下单过程中被锁定：远程会话已断开（连接状态 4），委托未执行"
    with pytest.raises(InputLost, match=refused):
        broker.place_order(limit(*FLASH_BUY))
    assert _flash_answers(fake) == ["委托确认：否(&N)"]
    assert account.today_entrusts() == [] and fake.orders_sent == []
    fake.unlock_desktop()
    assert booked(account, broker.place_order(limit(*FLASH_BUY)).contract_no).quantity == 300


def test_quick_keys_the_driver_refuses_itself_are_the_same_refusal(make, account, version) -> None:
    """The lock lands between the adapter's look and its ``press_keys``: the Win32 driver's own last line
    refuses the quick code (``win32_session.refuse_keys_if_locked``), played by a spy. Nothing was typed."""
    broker = make(version)
    fake = hexin_of(broker)
    press = fake.press_keys

    def win32_like(handle: int, keys: str) -> None:
        fake.lock_desktop(MID_ORDER_LOCK)
        raise BrokerUnavailable(KEYS_LOCKED.format(reason=MID_ORDER_LOCK))

    fake.press_keys = win32_like  # type: ignore[method-assign]
    with pytest.raises(InputLost, match=r"^工作站在下单过程中被锁定"):
        broker.place_order(limit(*FLASH_BUY))
    fake.press_keys = press  # type: ignore[method-assign]
    fake.unlock_desktop()
    assert account.today_entrusts() == []
    assert booked(account, broker.place_order(limit(*FLASH_BUY)).contract_no).quantity == 300


def test_a_lock_after_the_flash_confirm_was_accepted_is_no_refusal(make, account, version) -> None:
    broker = make(version)
    fake = hexin_of(broker)
    fake.lock_desktop(MID_ORDER_LOCK, at_dialog="提示")  # the result pop-up, after 是
    ack = broker.place_order(limit(*FLASH_BUY))
    assert fake.session_locked() == MID_ORDER_LOCK
    assert [e.contract_no for e in account.today_entrusts()] == [ack.contract_no]
    assert _flash_answers(fake)[0] == "委托确认：是(&Y)"
