"""The adapter against a fake as unkind as the real clients (issue 14; sources in docs/clients.md).

Each test models one behaviour a real xiadan.exe has and the older adapter did not survive: the
撤单确认 that shows no 合同编号, grid keys that do not reach the grid, result pop-ups switched off,
WM_SETTEXT ignored by newer universal builds, a price auto-fill that lands after the read-back. The
paper exchange behind the fake is the judge of what really happened.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.desktop.driver import literal_keys
from ashare_gateway.domain.errors import OrderRejected, OutcomeUnknown
from ashare_gateway.domain.market_orders import MarketType
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus
from ashare_gateway.simulators.xiadan import UNIVERSAL_NEW_BUILD, FakeXiadan


def fake_of(broker: XiadanBroker) -> FakeXiadan:
    return broker.driver  # type: ignore[return-value]


def events(broker: XiadanBroker, kind: str) -> list[str]:
    return [e.detail for e in fake_of(broker).events if e.kind == kind]


def limit(code: str, side: Side, amount: int, price: str) -> OrderRequest:
    return OrderRequest(code=code, side=side, amount=amount, price=Decimal(price))


def statuses(sim) -> dict[str, OrderStatus]:
    return {e.contract_no: e.status for e in sim.today_entrusts()}


# ----------------------------------------------------------------------------------- cancel


def test_the_cancel_confirm_shows_no_contract_number_and_a_wrong_row_is_refused(make, sim, flavour) -> None:
    """Keys that never reach the grid leave the first row selected: the confirm shows its price, so no.
    (A build that refuses copy: the selection cannot be proved before the click, the confirm is the guard.)"""
    broker = make(flavour, grid_keys_lost=True, copy_refused=True)
    acks = [broker.place_order(limit("600000", Side.BUY, 100, p)) for p in ("8.50", "8.51", "8.52")]
    with pytest.raises(OrderRejected, match=r"撤单确认框的价格.*不符，已取消撤单"):
        broker.cancel(acks[1].contract_no)
    assert set(statuses(sim).values()) == {OrderStatus.REPORTED}  # nothing cancelled, least of all 8.50
    assert fake_of(broker).dialog_titles() == ["网上股票交易系统5.0"]  # the confirm was answered 否


def test_cancel_filters_by_code_so_the_row_is_found_even_when_keys_are_lost(make, sim, flavour) -> None:
    """The peers' way: filter 可撤 by the code (3348 + 查询 3349), read again, pick the 合同编号's row."""
    broker = make(flavour, grid_keys_lost=True)
    first = broker.place_order(limit("000001", Side.BUY, 100, "10.50"))
    target = broker.place_order(limit("600000", Side.BUY, 100, "8.50"))
    last = broker.place_order(limit("000001", Side.BUY, 100, "10.51"))
    broker.cancel(target.contract_no)
    status = statuses(sim)
    assert status[target.contract_no] is OrderStatus.CANCELLED
    assert status[first.contract_no] is status[last.contract_no] is OrderStatus.REPORTED
    # The filter is cleared afterwards: 可撤 lists every code again.
    assert {e.contract_no for e in broker.cancelable_entrusts()} == {first.contract_no, last.contract_no}


def test_cancel_without_result_popups_is_proved_by_the_cancel_list(make, sim, flavour) -> None:
    broker = make(flavour, result_popups=False)
    acks = [broker.place_order(limit("600000", Side.BUY, 100, p)) for p in ("8.50", "8.51")]
    broker.cancel(acks[0].contract_no)
    assert statuses(sim)[acks[0].contract_no] is OrderStatus.CANCELLED
    assert statuses(sim)[acks[1].contract_no] is OrderStatus.REPORTED


def test_cancel_all_counts_from_the_real_confirm_and_needs_no_result_popup(make, sim, flavour) -> None:
    broker = make(flavour, result_popups=False)
    for p in ("8.50", "8.51", "8.52"):
        broker.place_order(limit("600000", Side.BUY, 100, p))
    assert broker.cancel_all() == 3
    assert any("您确认要撤销这( 3 )笔委托吗" in e for e in events(broker, "dialog"))
    assert sim.cancelable_entrusts() == []


# ----------------------------------------------------------------------------------- orders


def test_orders_without_result_popups_take_the_contract_number_from_today_entrusts(
    make, sim, flavour
) -> None:
    broker = make(flavour, result_popups=False)
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))  # an identical order placed by hand earlier
    broker.today_entrusts()
    assert broker.result_popups is None
    first = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert broker.result_popups is False  # learnt: later flows wait Timeouts.result_quiet after the confirm
    second = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))  # the same order again
    contracts = [e.contract_no for e in sim.today_entrusts()]
    assert [first.contract_no, second.contract_no] == contracts[1:]
    market = broker.place_order(
        OrderRequest("000001", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST)
    )
    assert market.contract_no == sim.today_entrusts()[-1].contract_no


def test_without_result_popups_and_an_unknown_day_two_same_orders_are_not_guessed(make, sim) -> None:
    """Never read 当日委托 before: two identical rows could each be the new one, so the outcome is unknown."""
    broker = make("ht", result_popups=False)
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))
    with pytest.raises(OutcomeUnknown, match=r"多笔相同的委托.*委托结果未知"):
        broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert len(sim.today_entrusts()) == 2  # it is in; the caller is told to check, not to retry blindly


def test_a_rejection_still_shows_without_result_popups(make, sim, flavour) -> None:
    broker = make(flavour, result_popups=False)
    broker.place_order(limit("600000", Side.BUY, 100, "8.40"))  # learns that no 提示 follows a success
    with pytest.raises(OrderRejected, match="不足"):
        broker.place_order(limit("600000", Side.BUY, 900_000, "8.40"))
    assert len(sim.today_entrusts()) == 1


@pytest.mark.parametrize("build", ["universal", "universal-new"])
def test_every_wording_of_the_contract_number_is_parsed(make, sim, build) -> None:
    kw = {"build": UNIVERSAL_NEW_BUILD} if build == "universal-new" else {}
    broker = make("universal", **kw)
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert ack.contract_no == sim.today_entrusts()[-1].contract_no


def test_a_newer_universal_build_that_ignores_wm_settext_still_trades(make, sim) -> None:
    """easytrader #447/#449: WM_SETTEXT leaves the order edits empty, and Ctrl+A selects nothing."""
    broker = make("universal", build=UNIVERSAL_NEW_BUILD)
    ack = broker.place_order(limit("600000", Side.BUY, 200, "8.41"))
    entrust = next(e for e in sim.today_entrusts() if e.contract_no == ack.contract_no)
    assert (entrust.code, entrust.price, entrust.quantity) == ("600000", Decimal("8.41"), 200)
    last = sim.quote("688981").last
    star = OrderRequest(
        "688981",
        Side.SELL,
        200,
        market_type=MarketType.OWN_BEST,
        protect_price=(last * Decimal("0.98")).quantize(Decimal("0.01")),
    )
    assert broker.place_order(star).contract_no == sim.today_entrusts()[-1].contract_no
    sell = broker.place_order(limit("000001", Side.SELL, 100, "12.00"))  # fields typed over the last order's
    assert sim.today_entrusts()[-1].contract_no == sell.contract_no


def test_a_price_overwritten_after_its_read_back_is_caught_by_the_confirm(make, sim, flavour) -> None:
    """The client's auto-fill lands after the typed price read back: the confirm shows it, so 否."""
    broker = make(flavour, late_price_fill=True)
    with pytest.raises(OrderRejected, match=r"委托确认框的价格.*不符，已取消委托"):
        broker.place_order(limit("600000", Side.BUY, 100, "8.01"))
    assert sim.today_entrusts() == []
    assert events(broker, "late_price_fill")


# ----------------------------------------------------------------------------------- windows


def test_stray_windows_are_no_popups_and_never_stop_a_flow(make, sim, flavour) -> None:
    """悬浮工具栏, a 条件单 tip that ignores WM_CLOSE, a toast that closes itself: left alone."""
    broker = make(flavour)
    fake = fake_of(broker)
    for kind in ("toolbar", "tip", "toast"):
        fake.stray(kind)
    assert broker.has_pop_dialog() is False and broker.close_pop_dialog() is False
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert ack.contract_no == sim.today_entrusts()[-1].contract_no
    assert [e.code for e in broker.positions()] == [p.code for p in sim.positions()]
    assert not events(broker, "ignored_close")  # nobody tried to close what will not close
    assert {"悬浮工具栏", "条件单"} <= set(fake.dialog_titles())


def test_login_types_the_fields_and_finds_the_button_with_its_accelerator(make, sim, creds) -> None:
    """Login buttons read "确定(Y)"/"登录(Y)"; the newer universal build's login edits ignore WM_SETTEXT."""
    broker = make("universal", build=UNIVERSAL_NEW_BUILD, connect=False, logged_in=False)
    info = broker.login(creds("universal"))
    assert info.account == "gui" and fake_of(broker).logged_in
    assert events(broker, "settext_ignored") == []  # nothing was sent by WM_SETTEXT


def test_typed_text_with_key_syntax_arrives_as_written(make) -> None:
    """A password like "p+w^d%(1)" must not press Shift, Ctrl or Alt: every value is typed literally."""
    broker = make("ht")
    fake = fake_of(broker)
    broker.cancelable_entrusts()
    edit = fake.find_control(broker.session.main, control_id=3348)
    fake.type_keys(edit, literal_keys("p+w^d%(1){x}~"))
    assert fake.get_text(edit) == "p+w^d%(1){x}~"


def test_ht_login_button_with_accelerator(make, creds) -> None:
    broker = make("ht", connect=False, logged_in=False)
    assert broker.login(creds("ht")).account == "gui"


# ----------------------------------------------------------------------------------- grid reads


def test_grid_reads_fall_back_within_one_read_and_remember_what_worked(make, sim, flavour) -> None:
    """0xE122 first (no keys); a build that ignores it is read with Ctrl+A / Ctrl+C sent apart."""
    broker = make(flavour, copy_command_ignored=True)
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert [e.contract_no for e in broker.today_entrusts()] == [e.contract_no for e in sim.today_entrusts()]
    assert events(broker, "grid_command_ignored") and not events(broker, "ctrl_lost")
    ignored = len(events(broker, "grid_command_ignored"))
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]
    assert len(events(broker, "grid_command_ignored")) == ignored  # the keys are tried first now


def test_a_build_that_refuses_copy_is_read_by_save_as_with_the_vista_dialog(make, sim, flavour) -> None:
    """No copy at all, and a save dialog without the 1152 edit: the file name goes in its first Edit."""
    broker = make(flavour, copy_refused=True, vista_save_dialog=True)
    sim.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert [e.contract_no for e in broker.today_entrusts()] == [e.contract_no for e in sim.today_entrusts()]
    assert events(broker, "copy_refused")
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]


# ----------------------------------------------------------------------------------- page switches


def test_an_asynchronous_page_switch_never_sends_a_sell_from_the_buy_page(make, sim, flavour) -> None:
    """The switch lands later and 买入/卖出 share control IDs: the page is proved before typing."""
    broker = make(flavour, latency={"switch": 0.05})
    buy = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    sell = broker.place_order(limit("000001", Side.SELL, 100, "12.00"))
    book = {e.contract_no: e for e in sim.today_entrusts()}
    assert (book[buy.contract_no].side, book[sell.contract_no].side) == (Side.BUY, Side.SELL)
    acks = [broker.place_order(limit("600000", Side.BUY, 100, p)) for p in ("8.41", "8.42")]
    broker.cancel(acks[0].contract_no)  # 当日委托 and 撤单 share grid 1047 and its columns
    assert statuses(sim)[acks[0].contract_no] is OrderStatus.CANCELLED
    assert statuses(sim)[acks[1].contract_no] is OrderStatus.REPORTED


@pytest.mark.parametrize("moment", ["selection", "proof"])
def test_a_switch_to_the_page_already_shown_never_lands_between_the_selection_and_the_cancel(
    make, sim, flavour, moment
) -> None:
    """On a loaded machine the test above failed safe 2 runs in 5 (issue 14): the 撤单 command re-sent for
    the page already on screen landed after the selection keys, its reload put the selection back on the
    first row, and the cancel was refused: by the selection proof ("选中的是合同编号10000001的委托，不是
    10000003") when it landed before the proof's copy, by the 撤单确认 check (8.40 shown for the 8.41
    order) when it landed between that copy and the click. Here the fake's time stands still but for one
    step of the switch's latency, taken at that ``moment`` (as the selection keys, or the proof's Ctrl+C,
    reach the grid): a switch still pending lands right then, whatever the machine's speed."""
    now = [0.0]
    broker = make(flavour, client_clock=lambda: now[0])
    acks = [broker.place_order(limit("600000", Side.BUY, 100, p)) for p in ("8.40", "8.41", "8.42")]
    assert len(broker.cancelable_entrusts()) == 3  # the 撤单 page is on screen
    fake, keys = fake_of(broker), broker.layout.keys
    grid = broker.session.find(broker.layout.grid_id)
    fake.faults.latency.switch = 0.05  # from here on a switch lands 50 ms after its command
    typed = fake.type_keys
    at_moment = (lambda t: t.startswith(keys.row_first)) if moment == "selection" else keys.copy.__eq__

    def keys_then_time_passes(handle: int, text: str) -> None:
        typed(handle, text)
        if handle == grid and at_moment(text):
            now[0] += fake.faults.latency.switch

    fake.type_keys = keys_then_time_passes  # type: ignore[method-assign]
    broker.cancel(acks[1].contract_no)
    assert statuses(sim) == {
        acks[0].contract_no: OrderStatus.REPORTED,
        acks[1].contract_no: OrderStatus.CANCELLED,
        acks[2].contract_no: OrderStatus.REPORTED,
    }
    assert now[0] > 0  # the grid got the keys, and the time passed there


def test_a_minimised_main_window_is_restored_before_anything_is_typed(make, sim, flavour) -> None:
    """Minimised, its confirm dialog would be hidden and typed keys lost: restore it first."""
    broker = make(flavour, captcha_on_copy=True)
    fake_of(broker).minimise()
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.40"))
    assert ack.contract_no == sim.today_entrusts()[-1].contract_no
    assert events(broker, "restore")
    fake_of(broker).minimise()
    assert [p.code for p in broker.positions()] == [p.code for p in sim.positions()]  # the captcha showed
