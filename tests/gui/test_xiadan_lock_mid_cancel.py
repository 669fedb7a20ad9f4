"""A workstation lock that lands in the middle of a cancel by 合同编号, after the check before any key.

The cancel types the code filter (3348), selects the row by keys (``{HOME}`` then one ``{DOWN}`` per row
above it), proves the selection with a Ctrl+C, clicks 撤单 and checks the 撤单确认. On a real client a lock
swallows the keys that follow it: the selection keys vanish, the selected line stays where it was (the
first row after the filter's reload), and the 撤单 click (a message: it works locked) cancels *that*
order, unless the 撤单确认 check catches it, which it cannot for an order of the same code, price and
amount. Every case here has two such twins resting and targets the second, so a lost selection would
cancel the first. The adapter asks the desktop again before the filter, before each selection key,
before the proof copy, before the 撤单 click and at the 撤单确认 (answered 否 when locked): the cancel is
refused with the lock's reason, both orders stay open at the paper exchange, and no key goes into the
locked desktop (``keys_while_locked`` misuse, checked at teardown by ``make``). Once unlocked, the same
cancel cancels exactly the target. A lock after 是 is no refusal: the cancel went through.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.domain.errors import BrokerUnavailable, GatewayError, InputLost
from ashare_gateway.domain.messages import KEYS_LOCKED
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.statuses import OrderStatus
from ashare_gateway.simulators.xiadan import FakeXiadan

from .test_xiadan_lock_mid_order import DROPPED, LOCKED, _answers, _spy_inputs

TWIN = OrderRequest("600000", Side.BUY, 100, Decimal("8.40"))
OTHER = OrderRequest("000001", Side.BUY, 100, Decimal("10.50"))
CANCEL_CONFIRM = "撤单确认"
ACCEPTED = f"{CANCEL_CONFIRM}：是(&Y)"
DECLINED = f"{CANCEL_CONFIRM}：否(&N)"


def _twins(broker: XiadanBroker) -> tuple[str, str]:
    """Two resting orders of the same code, price and amount; the 撤单 page shown, its grid read."""
    first, second = (broker.place_order(TWIN).contract_no for _ in range(2))
    assert [e.contract_no for e in broker.cancelable_entrusts()] == [first, second]  # grid order
    return first, second


def _status(sim) -> dict[str, OrderStatus]:
    return {e.contract_no: e.status for e in sim.today_entrusts()}


def _inputs(broker: XiadanBroker) -> list[str]:
    """What a cancel of the second row writes, in order: F5 on the 撤单 page shown (the read of 可撤, then
    the read after the filter), the filter code, the selection keys one by one, the proof copy."""
    keys = broker.layout.keys
    return ["{F5}", "{F5}", keys.clear_edit + TWIN.code, keys.row_first, keys.row_next, keys.copy]


def _refused_and_both_open(broker: XiadanBroker, fake: FakeXiadan, sim, target: str, reason: str) -> None:
    """The exchange first (what a wrong cancel costs), then the refusal's words."""
    try:
        broker.cancel(target)
        said = "no refusal"
    except GatewayError as exc:
        said = f"{type(exc).__name__}: {exc.message}"
    status = _status(sim)
    assert set(status.values()) == {OrderStatus.REPORTED}, f"cancelled while locked ({said}): {status}"
    assert {e.contract_no for e in sim.cancelable_entrusts()} == set(status)  # both twins still open
    assert said.startswith(f"InputLost: 工作站在撤单过程中被锁定：{reason}，撤单未执行"), said
    assert ACCEPTED not in _answers(fake)


def _unlocked_the_same_cancel_cancels_the_target(
    broker: XiadanBroker, fake: FakeXiadan, sim, first: str, target: str
) -> None:
    fake.unlock_desktop()
    broker.cancel(target)
    assert _status(sim) == {first: OrderStatus.REPORTED, target: OrderStatus.CANCELLED}


@pytest.mark.parametrize(
    ("after", "inputs"),
    [("the filter code", 3), ("the first row key", 4), ("the last row key", 5), ("the proof copy", 6)],
)
def test_a_lock_part_way_through_the_selection_never_cancels_the_twin(
    make, sim, flavour, after, inputs
) -> None:
    """The lock lands right after the ``inputs``-th input of the cancel: after the filter (every selection
    key would be lost: row 0, the twin, stays selected), after ``{HOME}`` (the ``{DOWN}`` to the target
    would be lost), after the last row key (the proof copy would be lost), after the copy (before 撤单)."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    first, target = _twins(broker)
    fake.lock_desktop(LOCKED, after_inputs=inputs)
    written = _spy_inputs(fake)

    _refused_and_both_open(broker, fake, sim, target, LOCKED)
    assert fake.session_locked() == LOCKED  # it did land, mid-cancel
    assert written == _inputs(broker)[:inputs]  # nothing written after it: no key, no WM_SETTEXT
    del fake.type_keys, fake.set_text
    assert not [e for e in fake.events if e.kind == "dialog" and e.detail.startswith(CANCEL_CONFIRM)]
    _unlocked_the_same_cancel_cancels_the_target(broker, fake, sim, first, target)


def test_a_row_key_the_driver_refuses_itself_stops_the_cancel_the_same_way(make, sim, flavour) -> None:
    """The lock lands between the adapter's look and the driver's ``type_keys`` of the ``{DOWN}``: the
    Win32 driver's own last line refuses it (``win32_session.refuse_keys_if_locked``), played by a spy."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    first, target = _twins(broker)
    type_keys, calls = fake.type_keys, []

    def win32_like(handle: int, keys: str) -> None:
        calls.append(keys)
        if keys == broker.layout.keys.row_next:
            fake.lock_desktop(LOCKED)
        if fake.session_locked() is not None:
            raise BrokerUnavailable(KEYS_LOCKED.format(reason=fake.session_locked()))
        type_keys(handle, keys)

    fake.type_keys = win32_like  # type: ignore[method-assign]
    _refused_and_both_open(broker, fake, sim, target, LOCKED)
    assert calls == _inputs(broker)[:5]
    del fake.type_keys
    _unlocked_the_same_cancel_cancels_the_target(broker, fake, sim, first, target)


def test_a_lock_while_the_cancel_confirm_is_up_declines_it(make, sim, flavour) -> None:
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    first, target = _twins(broker)
    fake.lock_desktop(DROPPED, at_dialog=CANCEL_CONFIRM)

    _refused_and_both_open(broker, fake, sim, target, DROPPED)
    assert _answers(fake)[-1] == DECLINED
    _unlocked_the_same_cancel_cancels_the_target(broker, fake, sim, first, target)


def test_a_lock_after_the_cancel_confirm_was_accepted_is_no_refusal(make, sim, flavour) -> None:
    """The cancel is in: its 提示 is read by messages, and the code filter is left for the next read
    instead of being emptied by keys into the locked desktop."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    first, target = _twins(broker)
    fake.lock_desktop(LOCKED, at_dialog="提示")  # the result pop-up, after 是

    broker.cancel(target)
    assert fake.session_locked() == LOCKED
    assert _status(sim) == {first: OrderStatus.REPORTED, target: OrderStatus.CANCELLED}
    assert ACCEPTED in _answers(fake)


def test_reads_and_cancel_all_while_still_locked_see_every_code(make, sim, flavour) -> None:
    """A refused cancel leaves its code filter (no key goes into the locked desktop): the next read of
    可撤 empties it by WM_SETTEXT, a message, so neither it nor 全部撤单 (clicks) acts on one code only."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    other = broker.place_order(OTHER).contract_no
    first, target = broker.place_order(TWIN).contract_no, broker.place_order(TWIN).contract_no
    broker.cancelable_entrusts()
    fake.lock_desktop(LOCKED, after_inputs=3)  # after the filter code

    with pytest.raises(InputLost, match=r"^工作站在撤单过程中被锁定"):
        broker.cancel(target)
    assert fake.session_locked() == LOCKED
    assert {e.contract_no for e in broker.cancelable_entrusts()} == {other, first, target}
    assert broker.cancel_all() == 3
    assert set(_status(sim).values()) == {OrderStatus.CANCELLED}


def test_a_lock_after_the_accepted_confirm_without_a_result_popup_is_proven_by_messages(
    make, sim, flavour
) -> None:
    """No 提示 (a client setting): the cancel is proven by 可撤 after 是. The lock lands after that read's
    F5: the filter is emptied by WM_SETTEXT (no key), and the cancel is reported done."""
    broker = make(flavour, result_popups=False)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    first, target = _twins(broker)
    fake.lock_desktop(LOCKED, after_inputs=7)  # the six inputs before 撤单, then the proof read's F5
    written = _spy_inputs(fake)

    broker.cancel(target)
    assert fake.session_locked() == LOCKED
    assert written == [*_inputs(broker), "{F5}", ""]  # "": the filter emptied by WM_SETTEXT
    assert _status(sim) == {first: OrderStatus.REPORTED, target: OrderStatus.CANCELLED}
    assert ACCEPTED in _answers(fake)
