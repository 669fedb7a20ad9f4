"""Controls are found inside the page on screen, ``GetDlgItem(GetDlgItem(main, 0xE900), 0xE901)``.

The real client keeps its other pages alive with the same control ids (买入 and 卖出 share
1032/1033/1034/1006; 当日委托 and 撤单 share grid 1047), and a page just left can still be shown while
the switch completes (puppet: ``PAGE = 59648, 59649``, every control taken with GetDlgItem from it).
``Faults.stale_page`` keeps the page left shown and first in Z order: a search of the whole main window
takes its controls; the adapter must take the pane's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.domain.errors import OrderRejected
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus
from ashare_gateway.simulators.xiadan import FakeXiadan, Faults
from ashare_gateway.simulators.xiadan.pages import FRAME_ID, PANE_ID

COMMAND = 0x2000 << 16


def _limit(code: str, side: Side, amount: int, price: str) -> OrderRequest:
    return OrderRequest(code=code, side=side, amount=amount, price=Decimal(price))


def _main(fake: FakeXiadan) -> int:
    return next(w.handle for w in fake.top_windows() if w.title == "网上股票交易系统5.0")


def test_the_fake_keeps_the_page_left_shown_with_the_same_ids(sim) -> None:
    """The model is unkind for real: a whole-window search finds the page left, the pane the new one."""
    fake = FakeXiadan(sim, faults=Faults(stale_page=True))
    main = _main(fake)
    fake.send_command(main, COMMAND | 162)  # 卖出
    anywhere = fake.find_control(main, control_id=1006)
    pane = fake.child(fake.child(main, FRAME_ID), PANE_ID)
    in_pane = fake.find_control(pane, control_id=1006)
    assert fake.get_text(anywhere) == "买入"  # the buy page, still shown and first in Z order
    assert fake.get_text(in_pane) == "卖出"
    assert fake.child(main, 0x1234) is None


def test_a_sell_after_a_buy_is_typed_into_the_sell_page_while_the_buy_page_lingers(
    make, sim, flavour
) -> None:
    broker = make(flavour, stale_page=True)
    buy = broker.place_order(_limit("600000", Side.BUY, 100, "8.40"))
    sell = broker.place_order(_limit("000001", Side.SELL, 100, "12.00"))
    book = {e.contract_no: e for e in sim.today_entrusts()}
    assert (book[buy.contract_no].side, book[sell.contract_no].side) == (Side.BUY, Side.SELL)
    assert (book[sell.contract_no].code, book[sell.contract_no].quantity) == ("000001", 100)


def test_a_cancel_reads_the_cancel_grid_not_the_entrusts_grid_left_behind(make, sim, flavour) -> None:
    broker = make(flavour, stale_page=True)
    acks = [broker.place_order(_limit("600000", Side.BUY, 100, p)) for p in ("8.41", "8.42")]
    filled = broker.place_order(_limit("000001", Side.BUY, 100, "11.30"))  # fills: not cancelable
    assert {e.contract_no for e in broker.today_entrusts()} >= {a.contract_no for a in acks}
    cancelable = {e.contract_no for e in broker.cancelable_entrusts()}  # right after 当日委托
    assert filled.contract_no not in cancelable
    broker.today_entrusts()
    broker.cancel(acks[1].contract_no)
    status = {e.contract_no: e.status for e in sim.today_entrusts()}
    assert status[acks[1].contract_no] is OrderStatus.CANCELLED
    assert status[acks[0].contract_no] is OrderStatus.REPORTED


# ----------------------------------------------------------------------------------- the cancel race


def test_the_cancel_proves_its_row_is_selected_before_it_clicks(make, sim, flavour) -> None:
    """Selection keys are queued input, the 撤单 click a posted message the client handles first: with the
    keys still pending, the click would cancel (or, through the 撤单确认 check, refuse) the wrong row."""
    broker = make(flavour, latency={"grid_keys": 0.05})
    acks = [broker.place_order(_limit("600000", Side.BUY, 100, p)) for p in ("8.41", "8.42", "8.43")]
    broker.cancel(acks[2].contract_no)
    status = {e.contract_no: e.status for e in sim.today_entrusts()}
    assert status[acks[2].contract_no] is OrderStatus.CANCELLED
    assert {status[a.contract_no] for a in acks[:2]} == {OrderStatus.REPORTED}
    fake = broker.driver
    assert not [e for e in fake.events if e.kind == "grid_keys_lost"]


def test_a_selection_the_keys_never_reached_is_refused_before_the_click(make, sim, flavour) -> None:
    """Keys lost on the way: the copy of the selected row names another order, so 撤单 is never clicked."""
    broker = make(flavour, grid_keys_lost=True)
    acks = [broker.place_order(_limit("600000", Side.BUY, 100, p)) for p in ("8.50", "8.51")]
    with pytest.raises(OrderRejected, match=f"选中的是合同编号{acks[0].contract_no}的委托.*未点击撤单"):
        broker.cancel(acks[1].contract_no)
    assert {e.status for e in sim.today_entrusts()} == {OrderStatus.REPORTED}
    assert not [e for e in broker.driver.events if e.kind == "dialog" and "撤单" in e.detail]
