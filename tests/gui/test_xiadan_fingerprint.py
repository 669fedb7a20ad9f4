"""The connect-time fingerprint (issue 14 "At connect"; brokers/ths/fingerprint.py): a client that does
not match its layout is refused, naming what differs, before anything is typed into it.

Each mismatch is a fake build or window state a real client can have. What the adapter before the
fingerprint did with it is said at each test (checked by reverting the connect-time call): it traded
(the compact window, a renamed 合同编号 column), or typed half an order and timed out. The paper
exchange behind the fake is the judge of whether anything reached the books.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from ashare_gateway.brokers.client_check import ClientMismatch, Guarded
from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.brokers.ths.fingerprint import Trigger
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.errors import BrokerUnavailable
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import FakeXiadan
from ashare_gateway.simulators.xiadan.builds import HT_BUILD
from tests.conftest import serve

BUY = OrderRequest("600000", Side.BUY, 100, Decimal("8.40"))  # rests: the order stays in the books


def fake_of(broker: XiadanBroker) -> FakeXiadan:
    return broker.driver  # type: ignore[return-value]


def renamed(columns: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if c == old else c for c in columns)


# ----------------------------------------------------------------------------------- a matching client


def test_a_matching_client_passes_and_trades(make, sim, flavour) -> None:
    broker = make(flavour)
    fp = broker.fingerprint
    assert fp is not None and fp.problems == ()
    assert set(fp.checked) == {"buy", "sell", "market_buy", "market_sell", "entrusts", "cancel", "ipo"}
    assert all(broker.refusal(g) is None for g in Guarded)
    ack = broker.place_order(BUY)
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]


# ----------------------------------------------------------------------------------- mismatches


def test_a_build_without_the_amount_edit_refuses_orders_naming_it(make, sim) -> None:
    """Before: the adapter typed code and price into the client, then waited 5 s for 1034 and timed out."""
    ids = {**HT_BUILD.order_ids, "amount": 1035}  # the build numbers its 数量 edit differently
    broker = make("ht", build=HT_BUILD.with_changes(order_ids=ids))
    with pytest.raises(ClientMismatch) as refused:
        broker.place_order(BUY)
    text = refused.value.message
    assert text.startswith("客户端界面与华泰布局不符：买入页缺少控件 1034 (Edit)；卖出页缺少控件 1034 (Edit)")
    assert "委托、市价委托已停止" in text and "仍可撤单、新股申购、查询" in text
    assert refused.value.status_code == 409
    assert sim.today_entrusts() == [] and fake_of(broker).orders_sent == []
    # Reads and cancels do not depend on the order pages: they go on.
    assert broker.refusal(Guarded.READS) is None and broker.refusal(Guarded.CANCELS) is None
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]


def test_a_control_of_the_wrong_class_is_named(make, sim) -> None:
    """A build whose 1034 is a label (the 数量 edit elsewhere): the id alone would match."""
    broker = make("ht", connect=False)
    fake = fake_of(broker)
    for page in ("buy", "sell"):
        fake.pages.controls[page]["amount"].class_name = "Static"
    broker.connect()
    with pytest.raises(ClientMismatch, match=r"买入页控件 1034 的类型为 Static（应为 Edit）"):
        broker.place_order(BUY)
    assert sim.today_entrusts() == []


def test_a_renamed_contract_number_column_refuses_orders_and_cancels(make, sim) -> None:
    """Before: with no result pop-up the order went in and came back with an empty 合同编号 (nothing to
    cancel it by); with one, the cancel never found its row."""
    columns = {
        **HT_BUILD.columns,
        "entrusts": renamed(HT_BUILD.columns["entrusts"], "合同编号", "申请编号"),
        "cancel": renamed(HT_BUILD.columns["cancel"], "合同编号", "申请编号"),
    }
    broker = make("ht", build=HT_BUILD.with_changes(columns=columns), result_popups=False)
    with pytest.raises(ClientMismatch, match="当日委托缺少列 合同编号") as refused:
        broker.place_order(BUY)
    assert "撤单页" not in refused.value.message  # each refusal names what stops it
    with pytest.raises(ClientMismatch, match="：撤单页缺少列 合同编号。") as cancel:
        broker.cancel_all()
    assert "委托、市价委托、撤单已停止（仍可新股申购、查询）" in cancel.value.message
    assert sim.today_entrusts() == [] and fake_of(broker).orders_sent == []


def test_the_compact_mode_is_refused_with_what_to_click_and_left_by_reconnecting(make, sim) -> None:
    """精简模式: no menu tree, menu commands do nothing. Before: the universal adapter typed a buy into
    the compact window (its page never changes, and it is the buy page) and the order went in."""
    broker = make("universal", compact_mode=True)
    fp = broker.fingerprint
    assert fp is not None and fp.compact and fp.checked == ()
    with pytest.raises(ClientMismatch) as refused:
        broker.place_order(BUY)
    assert refused.value.message.startswith("客户端处于精简模式（主窗口没有左侧菜单树 129）")
    assert "专业" in refused.value.message and "重新连接" in refused.value.message
    with pytest.raises(ClientMismatch, match="精简模式"):
        broker.positions()  # no menu: reads are refused too
    assert sim.today_entrusts() == [] and fake_of(broker).orders_sent == []
    fake_of(broker).set_compact(False)  # the user clicks 专业
    broker.connect()
    assert broker.fingerprint.problems == ()
    ack = broker.place_order(BUY)
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]


def test_a_renamed_menu_item_refuses_what_it_carries(make, sim) -> None:
    tree = {k: v for k, v in HT_BUILD.tree.items() if v != "cancel"}
    broker = make("ht", build=HT_BUILD.with_changes(tree={**tree, ("撤单[F3] ",): "cancel"}))
    assert broker.fingerprint.problems[0].text == "菜单缺少“撤单[F3]”"
    with pytest.raises(ClientMismatch, match="菜单缺少“撤单\\[F3\\]”"):
        broker.cancel_all()
    assert broker.refusal(Guarded.ORDERS) is None  # orders do not go through 撤单
    assert broker.place_order(BUY).contract_no


def test_another_program_in_the_main_window_stops_everything(make, sim) -> None:
    broker = make("ht", build=HT_BUILD.with_changes(main_class="TdxW_MainFrame_Class"))
    with pytest.raises(ClientMismatch, match=r"主窗口类型为 TdxW_MainFrame_Class（应匹配 \^Afx:）"):
        broker.balance()
    assert all(broker.refusal(g) is not None for g in Guarded)
    assert sim.today_entrusts() == []


# ----------------------------------------------------------------------------------- after a restart


def test_a_restart_into_another_build_is_checked_again_before_the_order(make, sim, creds) -> None:
    """A broker's update installed when the dead client is restarted: the build that comes up numbers its
    数量 edit 1035. Before (the fingerprint of the dead client stood): the restarted client got the
    code and price typed, then the order timed out waiting for 1034."""
    broker = make("ht")
    broker.login(creds("ht"))
    assert broker.fingerprint.problems == () and broker.fingerprint.trigger is Trigger.LOGIN
    fake = fake_of(broker)
    fake.update_on_restart(HT_BUILD.with_changes(order_ids={**HT_BUILD.order_ids, "amount": 1035}))
    fake.crash()
    with pytest.raises(ClientMismatch) as refused:
        broker.place_order(BUY)
    assert refused.value.message.startswith("客户端界面与华泰布局不符：买入页缺少控件 1034 (Edit)")
    assert broker.session.restarts == 1 and fake.starts == 2
    assert sim.today_entrusts() == [] and fake.orders_sent == []
    assert fake.pages.controls["buy"]["code"].text == ""  # nothing typed into the new build
    report = broker.client_report()["fingerprint"]
    assert report["trigger"] == "restart" and report["refused"] == ["orders", "market_orders"]
    assert broker.refusal(Guarded.READS) is None  # reads go on, on the new build
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]


def test_a_restart_into_the_compact_window_places_nothing(make, sim, creds) -> None:
    """The client comes back in 精简模式 (the user left it there; the mode is kept across starts). Before:
    the universal adapter's menu commands did nothing in the compact window, which stays on its buy
    page, and the buy went in on a client the connect-time check would have refused."""
    broker = make("universal")
    broker.login(creds("universal"))
    fake = fake_of(broker)
    fake.modes.compact = True  # the user clicked 精简 before the client died
    fake.crash()
    with pytest.raises(ClientMismatch, match=r"^客户端处于精简模式"):
        broker.place_order(BUY)
    assert sim.today_entrusts() == [] and fake.orders_sent == []
    assert broker.fingerprint.compact and broker.fingerprint.trigger is Trigger.RESTART
    fake.set_compact(False)  # the user clicks 专业; a reconnect checks again and trading resumes
    broker.connect()
    assert broker.fingerprint.problems == () and broker.fingerprint.trigger is Trigger.CONNECT
    ack = broker.place_order(BUY)
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]


# ----------------------------------------------------------------------------------- settings


def test_settings_come_from_xiadan_ini_and_the_first_flow(make, sim) -> None:
    broker = make("ht", connect=False, result_popups=False)
    path = fake_of(broker).write_ini(
        {"GUI_ORDER_CONFIRM": "yes", "GUI_CHEDAN_CONFIRM": "no", "SET_MRJG": "empty", "SET_MRSL": "last"}
    )
    broker.connect()
    report = broker.client_report()
    settings = {k: v["value"] for k, v in report["settings"].items()}
    assert report["settings_source"] == path == r"C:\htwt\xiadan.ini"
    assert settings["order_confirm"] == "是" and settings["cancel_confirm"] == "否"
    assert settings["buy_price_default"] == "空" and settings["buy_amount_default"] == "非空"
    assert settings["sell_price_default"] == "未知" and settings["result_popups"] == "未知"
    broker.place_order(BUY)  # the client shows no 提示 after it: learnt
    learnt = broker.client_report()["settings"]["result_popups"]
    assert learnt == {"value": "否", "source": "首笔委托", "effect": learnt["effect"]}


def test_without_xiadan_ini_every_setting_is_unknown(make) -> None:
    broker = make("universal")
    report = broker.client_report()
    ini = fake_of(broker).exe_path.replace("xiadan.exe", "xiadan.ini")
    assert report["settings_source"] == f"未找到 {ini}"
    assert {v["value"] for v in report["settings"].values()} == {"未知"}


# ----------------------------------------------------------------------------------- over HTTP


@pytest.fixture
def gui(tmp_path, clock: ManualClock):
    settings = Settings(data_dir=tmp_path, demo_market=False, broker="xiadan-fake", quotes="offline")
    with serve(settings, clock) as served:
        yield served


def test_health_shows_the_check_and_a_mismatched_client_refuses_orders_over_http(gui) -> None:
    with gui.client() as api:
        assert api.post("/connect", json={}).status_code == 200
        (handle,) = gui.gateway.service.clients.all()
        fake = fake_of(handle.broker)
        fake.write_ini({"GUI_ORDER_CONFIRM": "no", "GUI_WT_YDTS": "yes", "SET_MCSL": "empty"})
        fake.set_compact(True)
        assert api.post("/connect", json={}).status_code == 200  # the check runs again
        health = httpx.get(f"{gui.url}/health").json()
        (check,) = health["accounts"][0]["client_checks"]
        assert check["fingerprint"]["compact_mode"] is True and check["fingerprint"]["refused"] == [
            g.value for g in Guarded
        ]
        assert check["settings"]["order_confirm"]["value"] == "否"
        assert check["settings"]["result_popups"] == {
            "value": "是",
            "source": "xiadan.ini",
            "effect": check["settings"]["result_popups"]["effect"],
        }
        assert check["settings"]["sell_amount_default"]["value"] == "空"
        refused = api.post("/buy", json={"security": "600000", "price": 8.40, "amount": 100})
        assert refused.status_code == 409
        assert refused.json()["message"].startswith("客户端处于精简模式")
        journal = httpx.get(f"{gui.url}/api/journal/orders").json()["data"]
        assert journal == []  # refused before the journal: never recorded as sent
        assert fake.orders_sent == [] and handle.broker.session.main is not None
        exchange = gui.gateway.exchange
        assert exchange.broker(exchange.ensure_demo_account()).today_entrusts() == []


def test_a_menu_tree_that_cannot_be_read_is_reported_and_each_page_is_still_visited(make, sim) -> None:
    """The driver's walk stops on a tree it cannot read (win32_tree.MAX_ITEMS: items linked in a loop);
    that refuses nothing by itself: the pages are then checked by visiting them, and orders go on."""
    broker = make("ht", connect=False)

    def unreadable(tree: int) -> list[tuple[str, ...]]:
        raise BrokerUnavailable("菜单树超过400项，未能读完（客户端菜单树异常？）")

    fake_of(broker).tree_paths = unreadable  # type: ignore[method-assign]
    broker.connect()
    fp = broker.fingerprint
    assert fp is not None
    assert [p.text for p in fp.problems] == [
        "菜单树无法读取（菜单树超过400项，未能读完（客户端菜单树异常？）），各页面在连接时逐个打开检查"
    ]
    assert set(fp.checked) == {"buy", "sell", "market_buy", "market_sell", "entrusts", "cancel", "ipo"}
    assert all(broker.refusal(g) is None for g in Guarded)
    ack = broker.place_order(BUY)
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]
