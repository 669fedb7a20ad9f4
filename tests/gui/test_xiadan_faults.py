"""Each injected fault of the fake client, met by the real adapter: slow and missing controls, captchas,
lost keystrokes, GBK clipboards, lock screen, idle timeout, keep-alive, crashes, pop-ups, build drift.

No assertion is about time: where a fault needs time to pass (idle lock), the test waits for the
fake's own state with a deadline, and asserts on what happened.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.client_check import ClientMismatch
from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.brokers.ths.dialogs import DialogKind
from ashare_gateway.brokers.ths.layouts import HT
from ashare_gateway.desktop.waiting import wait_until
from ashare_gateway.domain.errors import BrokerUnavailable, NotSupported, OperationTimeout, OrderRejected
from ashare_gateway.domain.market_orders import MarketType
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import HT_BUILD, FakeXiadan, Faults, Latency

BUY = OrderRequest("600000", Side.BUY, 100, Decimal("8.40"))


def events(broker: XiadanBroker, kind: str) -> list[str]:
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    return [e.detail for e in fake.events if e.kind == kind]


def test_modelled_latencies_everywhere(make, sim, flavour, cash) -> None:
    """Controls, lookups, dialogs, grids and the clipboard all arrive late; the adapter waits for each."""
    latency = Latency(page=0.01, lookup=0.03, dialog=0.01, query=0.02, copy=0.01)
    broker = make(flavour, latency=latency, control_delay={1036: 0.02})
    ack = broker.place_order(BUY)
    assert any(e.contract_no == ack.contract_no for e in broker.today_entrusts())
    assert cash(broker.balance()) == cash(sim.balance())
    broker.cancel(ack.contract_no)
    assert broker.cancelable_entrusts() == []


def test_a_missing_control_is_refused_with_a_chinese_message(make, sim) -> None:
    broker = make("ht", missing_controls=frozenset({1034}))  # found at connect (fingerprint.py)
    with pytest.raises(ClientMismatch, match="买入页缺少控件 1034"):
        broker.place_order(BUY)
    assert sim.today_entrusts() == []


def test_a_control_that_goes_missing_later_times_out_with_a_chinese_message(make, sim) -> None:
    broker = make("ht")
    for page in ("buy", "sell"):
        broker.driver.pages.controls[page]["amount"].hidden = True
    with pytest.raises(OperationTimeout, match="委托数量"):
        broker.place_order(BUY)
    assert sim.today_entrusts() == []


def test_a_result_dialog_that_never_comes_leaves_the_outcome_unknown(make, sim) -> None:
    broker = make("ht", latency=Latency(dialog=30.0))
    with pytest.raises(OperationTimeout, match="委托结果未知"):
        broker.place_order(BUY)


@pytest.mark.parametrize("rejects", [0, 2])
def test_copy_captcha_is_solved_offline(make, sim, rejects) -> None:
    broker = make("ht")  # the captcha comes after the connect-time check (it reads two tables)
    broker.driver.faults.captcha_on_copy, broker.driver.faults.captcha_rejects = True, rejects
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]
    assert broker.grids.captchas_solved == 1
    assert len([e for e in events(broker, "captcha") if e.startswith("拒绝")]) >= rejects


def test_save_captcha_and_export(make, sim, flavour) -> None:
    broker = make(flavour, captcha_on_save=True)
    broker.use_layout(broker.layout.with_changes(grid_read="save"))
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]
    assert broker.grids.captchas_solved == 1


def test_the_ime_eating_ctrl_c_is_retried(make, sim) -> None:
    # A build that ignores 0xE122 sends the read to the keys, where the IME eats the first Ctrl+C.
    broker = make("ht", ime_eats_copy=1, copy_command_ignored=True)
    assert len(broker.positions()) == len(sim.positions())
    assert events(broker, "ime")


def test_gbk_clipboard_read_in_the_wrong_code_page_is_repaired(make, sim) -> None:
    broker = make("universal", clipboard_mojibake=True)
    assert [p.name for p in broker.positions()] == [p.name for p in sim.positions()]


def test_lock_screen_is_unlocked_with_the_stored_password(make, creds, flavour) -> None:
    broker = make(flavour)
    broker.login(creds(flavour))
    broker.driver.lock()
    broker.place_order(BUY)
    assert broker.session.unlocks == 1


def test_idle_lock_after_real_idle_time(make, creds) -> None:
    broker = make("ht", lock_after_idle=0.05)
    broker.login(creds("ht"))
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    wait_until(lambda: fake.dialog_titles() and fake.locked, timeout=5, what="客户端锁屏")
    assert broker.balance().cash > 0
    assert broker.session.unlocks >= 1


def test_idle_timeout_notice_then_unlock(make, creds, flavour) -> None:
    broker = make(flavour)
    broker.login(creds(flavour))
    broker.driver.idle_timeout()
    assert broker.positions()
    assert events(broker, "idle_timeout") and events(broker, "unlock")


def test_locked_without_credentials_says_how_to_recover(make) -> None:
    broker = make("ht")  # connect() only: no password to unlock with
    broker.driver.lock()
    with pytest.raises(BrokerUnavailable, match="锁定"):
        broker.balance()


def test_a_wrong_stored_password_does_not_loop(make, creds) -> None:
    broker = make("ht")
    broker.login(creds("ht", password="not-the-password"))  # attaching does not check the password
    broker.driver.lock()
    with pytest.raises(BrokerUnavailable, match="无法解锁"):
        broker.balance()


def test_keepalive_stops_the_client_from_locking(make, creds) -> None:
    broker = make("ht", lock_after_idle=0.3, keepalive_interval=0.02)
    broker.login(creds("ht"))
    keepalive = broker.keepalive
    assert keepalive is not None
    wait_until(lambda: keepalive.ticks >= 25, timeout=10, what="保活计时")
    assert not broker.driver.locked and not events(broker, "lock")


def test_a_dead_client_is_restarted_and_logged_in_again(make, sim, creds, flavour) -> None:
    broker = make(flavour)
    broker.login(creds(flavour))
    broker.driver.crash()
    ack = broker.place_order(BUY)
    assert any(e.contract_no == ack.contract_no for e in sim.today_entrusts())
    assert broker.session.restarts == 1 and broker.driver.starts == 2


def test_a_client_dying_during_an_order_leaves_it_unknown_then_restarts(make, sim, creds) -> None:
    broker = make("ht", crash_on_submit=1)
    broker.login(creds("ht"))
    with pytest.raises(OperationTimeout, match="委托结果未知"):
        broker.place_order(BUY)
    broker.place_order(BUY)
    assert broker.session.restarts == 1 and len(sim.today_entrusts()) == 1


def test_a_dead_client_without_credentials_cannot_restart(make) -> None:
    broker = make("ht")
    broker.driver.crash()
    with pytest.raises(BrokerUnavailable, match="无法自动重启"):
        broker.balance()


def test_random_popups_are_closed(make, sim, flavour, cash) -> None:
    broker = make(flavour, popup_rate=1.0, seed=3)
    for price in ("8.40", "8.41", "8.42"):
        broker.place_order(OrderRequest("600000", Side.BUY, 100, Decimal(price)))
    assert len(broker.today_entrusts()) == 3 and cash(broker.balance()) == cash(sim.balance())
    assert len(events(broker, "popup")) >= 5
    assert {c.kind for c in broker.popups.seen} >= {DialogKind.SUCCESS, DialogKind.CONFIRM}


def test_an_unknown_dialog_is_recorded_and_dismissed(make) -> None:
    broker = make("ht")
    broker.driver.popup("重要通知", "请及时升级到最新版本的交易客户端。")
    broker.place_order(BUY)
    unknown = [c for c in broker.popups.seen if c.kind is DialogKind.UNKNOWN]
    assert unknown and "升级" in unknown[0].text


def test_risk_warning_is_answered(make, sim, flavour) -> None:
    broker = make(flavour, risk_codes=frozenset({"600000"}))
    broker.place_order(BUY)
    assert any("风险警示" in d for d in events(broker, "dialog"))
    assert len(sim.today_entrusts()) == 1


def test_without_confirm_dialog(make, sim, flavour) -> None:
    broker = make(flavour, confirm_dialog=False)
    broker.place_order(BUY)
    assert not any(d.startswith("委托确认") for d in events(broker, "dialog"))
    assert len(sim.today_entrusts()) == 1


def test_broker_rejections_pass_through_verbatim(make, flavour) -> None:
    broker = make(flavour)
    with pytest.raises(OrderRejected, match="可用资金不足"):
        broker.place_order(OrderRequest("600519", Side.BUY, 100_000, Decimal("1480.00")))
    with pytest.raises(OrderRejected, match="证券代码999999无效"):
        broker.place_order(OrderRequest("999999", Side.BUY, 100, Decimal("1.00")))


def test_client_without_market_orders(make) -> None:
    broker = make("universal", no_market_orders=True)
    with pytest.raises(NotSupported, match="不支持市价委托"):
        broker.place_order(OrderRequest("000001", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST))


def test_user_agreement_after_login_is_accepted(make, creds, flavour) -> None:
    broker = make(flavour, connect=False, logged_in=False, agreement_on_login=True)
    broker.driver.kill()
    broker.login(creds(flavour))
    assert broker.driver.running and any("用户协议" in d for d in events(broker, "dialog"))


def test_code_lookup_needing_typed_keys_falls_back(make, sim) -> None:
    broker = make("ht")  # the ht build starts its lookup on typed keys only
    broker.use_layout(broker.layout.with_changes(code_entry="set_text"))
    broker.place_order(BUY)
    assert len(sim.today_entrusts()) == 1


def test_a_drifted_build_is_a_layout_change(sim, fast) -> None:
    """A client build that renamed a menu item fails clearly; describing it in the layout fixes it."""
    build = HT_BUILD.with_changes(
        tree={
            **{k: v for k, v in HT_BUILD.tree.items() if v != "balance"},
            ("查询[F4]", "资金股份"): "balance",
        }
    )
    fake = FakeXiadan(sim, build=build, faults=Faults(), exe_path=r"C:\htzqzyb2\xiadan.exe")
    broker = XiadanBroker(fake, HT, timeouts=fast, path_exists=fake.file_exists)
    assert broker.connect().exe_path == r"C:\htzqzyb2\xiadan.exe"
    with pytest.raises(BrokerUnavailable, match="资金股票"):
        broker.positions()
    layout = HT.with_changes(menu={**HT.menu, "balance": ("查询[F4]", "资金股份")})
    fixed = XiadanBroker(fake, layout, timeouts=fast, path_exists=fake.file_exists)
    fixed.connect()
    assert [p.code for p in fixed.positions()] == [p.code for p in sim.positions()]
    assert fake.misuse == []
