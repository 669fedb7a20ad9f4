"""The cancel race in the Linux fake (docs/clients.md row 32): the 可撤 grid changes under the selection.

``Faults.cancel_race`` changes the grid as the adapter's ``{HOME}`` lands on it, between the adapter's
read and its 撤单 click (``simulators/xiadan/grid_race.py``): an order exactly like the top row is
placed and listed on top, or the top row leaves (filled / cancelled elsewhere). The selection stays on
its screen line, which now shows another order with the same code, price and amount, so the 撤单确认
(row 1) cannot tell them apart. A cancel by 合同编号 must then cancel that order or refuse with a clear
message; it must never cancel another order. The Wine stand-in's twin is tests/wine/test_wine_cancel_race.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.domain.errors import OrderRejected, OutcomeUnknown
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus
from ashare_gateway.simulators.xiadan import FakeXiadan
from ashare_gateway.simulators.xiadan.grid_race import GridChange


def _limit(price: str) -> OrderRequest:
    return OrderRequest(code="600000", side=Side.BUY, amount=100, price=Decimal(price))


def _status(sim) -> dict[str, OrderStatus]:
    return {e.contract_no: e.status for e in sim.today_entrusts()}


def _races(broker) -> list[str]:
    fake: FakeXiadan = broker.driver
    return [e.detail for e in fake.events if e.kind == "cancel_race"]


def _cancel_or_refuse(broker, contract_no: str) -> str:
    """Cancel; a refusal is allowed only if it names the order and says 撤单 was never clicked. An
    unknown outcome is returned too, so that the books (what was cancelled) are what the test checks."""
    try:
        broker.cancel(contract_no)
    except OrderRejected as exc:
        assert contract_no in exc.message and "未点击撤单" in exc.message, exc.message
        return "refused"
    except OutcomeUnknown as exc:
        return f"unknown: {exc.message}"
    return "cancelled"


def test_the_fake_cancels_whatever_line_is_selected_when_the_grid_moves(make, sim) -> None:
    """The model is unkind for real: keys + 撤单 + 是 straight on the fake cancel the order slipped in."""
    broker = make("ht", cancel_race=[GridChange.INSERT], result_popups=False)
    target = broker.place_order(_limit("8.41"))
    fake: FakeXiadan = broker.driver
    broker.cancelable_entrusts()  # on the 撤单 page, the grid read
    grid = broker.session.control(broker.layout.grid_id, "撤单表格")
    fake.type_keys(grid, "{HOME}")
    fake.click(broker.session.control(broker.layout.cancel_one_id, "撤单按钮"))
    # The 撤单确认 (ht shows its title in a Static, not as the caption).
    (confirm,) = [w for w in fake.top_windows() if w.class_name == "#32770"]
    code = fake.find_control(confirm.handle, control_id=broker.layout.cancel_confirm.code)
    assert fake.get_text(code) == "600000"  # the twin looks like the target: only its 合同编号 differs
    fake.click(fake.find_control(confirm.handle, control_id=6))  # 是
    (slipped,) = [c for c in _status(sim) if c != target.contract_no]
    assert _status(sim) == {target.contract_no: OrderStatus.REPORTED, slipped: OrderStatus.CANCELLED}


@pytest.mark.parametrize("popups", [True, False], ids=["result-popups", "no-result-popups"])
def test_an_order_slipped_in_on_top_is_never_cancelled_instead(make, sim, flavour, popups) -> None:
    """A twin of the target is listed on top as the selection lands: the selected line shows the twin."""
    broker = make(flavour, cancel_race=[GridChange.INSERT], result_popups=popups)
    target = broker.place_order(_limit("8.41"))
    outcome = _cancel_or_refuse(broker, target.contract_no)
    (race,) = _races(broker)
    status = _status(sim)
    (slipped,) = [c for c in status if c != target.contract_no]
    assert slipped in race, race
    assert status[slipped] is OrderStatus.REPORTED, (
        f"the order slipped in was cancelled ({outcome}): {status}"
    )
    assert not outcome.startswith("unknown"), outcome
    expected = OrderStatus.CANCELLED if outcome == "cancelled" else OrderStatus.REPORTED
    assert status[target.contract_no] is expected, (outcome, status)
    # The same cancel again, the grid left alone: only its own order goes.
    if outcome == "refused":
        broker.cancel(target.contract_no)
    status = _status(sim)
    assert status[target.contract_no] is OrderStatus.CANCELLED
    assert status[slipped] is OrderStatus.REPORTED


def test_a_row_leaving_above_the_target_never_cancels_its_twin_below(make, sim, flavour) -> None:
    """The top row is filled away as the selection lands: the target's line now shows its twin below."""
    broker = make(flavour, cancel_race=[GridChange.REMOVE])
    first, target, twin = (broker.place_order(_limit(p)) for p in ("8.41", "8.42", "8.42"))
    outcome = _cancel_or_refuse(broker, target.contract_no)
    (race,) = _races(broker)
    assert first.contract_no in race, race
    status = _status(sim)
    assert status[first.contract_no] is OrderStatus.CANCELLED  # by the race: gone from 可撤
    assert status[twin.contract_no] is OrderStatus.REPORTED, (
        f"the twin was cancelled instead ({outcome}): {status}"
    )
    assert not outcome.startswith("unknown"), outcome
    if outcome == "refused":
        assert status[target.contract_no] is OrderStatus.REPORTED
        broker.cancel(target.contract_no)
    status = _status(sim)
    assert status[target.contract_no] is OrderStatus.CANCELLED
    assert status[twin.contract_no] is OrderStatus.REPORTED


def test_the_refusal_says_the_grid_may_have_changed(make, sim) -> None:
    broker = make("universal", cancel_race=[GridChange.INSERT])
    target = broker.place_order(_limit("8.41"))
    with pytest.raises(OrderRejected, match=r"表格在选择时有变动.*未点击撤单"):
        broker.cancel(target.contract_no)
    assert not [e for e in broker.driver.events if e.kind == "dialog" and "撤单" in e.detail]


def test_a_change_as_the_click_lands_is_never_reported_as_the_cancel_done(make, sim, flavour) -> None:
    """After every key and the proof copy, a twin is listed on top as 撤单 lands: the client cancels the
    twin (the 撤单确认 shows the same code, price and amount). The adapter cannot prevent that; its 提示
    names the twin's 合同编号, so the cancel must not be reported done."""
    broker = make(flavour, cancel_race_at_click=[GridChange.INSERT])
    target = broker.place_order(_limit("8.41"))
    with pytest.raises(OutcomeUnknown, match=f"合同编号为\\d+，不是{target.contract_no}.*请查询当日委托核对"):
        broker.cancel(target.contract_no)
    (race,) = _races(broker)
    status = _status(sim)
    (slipped,) = [c for c in status if c != target.contract_no]
    assert slipped in race and "click" in race, race
    assert status == {target.contract_no: OrderStatus.REPORTED, slipped: OrderStatus.CANCELLED}
