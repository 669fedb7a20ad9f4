"""A workstation lock that lands in the middle of an order, after the check before any key had passed.

``test_xiadan_desktop_lock.py`` covers a desktop already locked when the order starts (refused before any
key). Here the lock lands part-way through (the fake's ``lock_desktop(after_inputs=N)`` / ``at_dialog=``):
between the code and the price, between the price and the amount, after the amount and before the submit
click, as the submit click is sent, and while the 委托确认 is up. Keys after it would vanish on a real
client (a field keeps its old or empty value, or half a typed one) and a confirm answered 是 would send an
order the user never saw complete. So the adapter asks the desktop again before each field, before the
submit click and at the confirm (answered 否 when locked): the order is refused with the lock's reason,
nothing reaches the paper exchange, and no key is typed into the locked desktop (the fake's misuse log,
checked at teardown by ``make``). A lock after the confirm was answered 是 is no refusal: the order is in.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.domain.errors import BrokerUnavailable, InputLost
from ashare_gateway.domain.messages import KEYS_LOCKED
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import FakeXiadan

BUY = OrderRequest("600000", Side.BUY, 100, Decimal("8.40"))
LOCKED = "工作站已锁定（锁屏）"
DROPPED = "远程会话已断开（连接状态 4）"
CONFIRM = "委托确认"
ACCEPTED = f"{CONFIRM}：是(&Y)"
DECLINED = f"{CONFIRM}：否(&N)"


def _answers(fake: FakeXiadan) -> list[str]:
    """How the fake's dialogs were answered, by button ("委托确认：是(&Y)")."""
    return [e.detail for e in fake.events if e.kind == "answer"]


def _spy_inputs(fake: FakeXiadan) -> list[str]:
    """Every key string and WM_SETTEXT text the adapter hands to the fake from now on."""
    written: list[str] = []
    type_keys, set_text = fake.type_keys, fake.set_text

    def keys(handle: int, text: str) -> None:
        written.append(text)
        type_keys(handle, text)

    def settext(handle: int, text: str) -> None:
        written.append(text)
        set_text(handle, text)

    fake.type_keys, fake.set_text = keys, settext  # type: ignore[method-assign]
    return written


def _confirms_shown(fake: FakeXiadan) -> int:
    return sum(1 for e in fake.events if e.kind == "dialog" and e.detail.startswith(CONFIRM))


def _lock_as_the_submit_is_clicked(broker: XiadanBroker, fake: FakeXiadan, reason: str) -> None:
    """The lock lands between the adapter's last look at the desktop and its submit click: the click
    still lands (clicks are window messages), and the confirm comes up on a locked desktop. Once."""
    click = fake.click

    def spy(handle: int) -> None:
        main = broker.session.main
        if main is not None and handle == fake.find_control(main, control_id=broker.layout.order.submit):
            del fake.click  # the fake's own click again from now on
            fake.lock_desktop(reason)
        click(handle)

    fake.click = spy  # type: ignore[method-assign]


def _refused_and_nothing_sent(broker: XiadanBroker, fake: FakeXiadan, sim, reason: str) -> None:
    with pytest.raises(InputLost, match=f"^工作站在下单过程中被锁定：{reason}，委托未执行"):
        broker.place_order(BUY)
    assert sim.today_entrusts() == []  # no order reached the paper exchange
    assert fake.orders_sent == []
    assert ACCEPTED not in _answers(fake)


def _unlocked_the_next_order_goes_through(broker: XiadanBroker, fake: FakeXiadan, sim) -> None:
    """The user retries the same order once unlocked, and it goes through as typed now: what the
    refused one left in the fields (its price and amount, equal to this order's, or half of them) is
    emptied before the code, never kept as this order's (the fake flags a value written for the last
    order's code as ``interleaved``, checked at teardown)."""
    fake.unlock_desktop()
    ack = broker.place_order(BUY)
    assert [(e.contract_no, e.code, e.quantity, e.price) for e in sim.today_entrusts()] == [
        (ack.contract_no, BUY.code, BUY.amount, BUY.price)
    ]


@pytest.mark.parametrize(
    ("after", "inputs"),
    [("code", 1), ("price", 2), ("amount", 3)],
)
def test_a_lock_between_the_fields_stops_the_order_before_the_next_key(
    make, sim, flavour, after, inputs
) -> None:
    """Inputs of a first order: the code (typed, or WM_SETTEXT on the universal build), price, amount;
    the lock lands right after the ``inputs``-th. After the amount, it is the submit click that is held."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop(LOCKED, after_inputs=inputs)
    written = _spy_inputs(fake)

    _refused_and_nothing_sent(broker, fake, sim, LOCKED)
    assert fake.session_locked() == LOCKED  # it did land, mid-order
    assert len(written) == inputs  # nothing written after it: no key, no WM_SETTEXT fallback
    del fake.type_keys, fake.set_text
    assert _confirms_shown(fake) == 0  # the submit was never clicked
    _unlocked_the_next_order_goes_through(broker, fake, sim)


def test_keys_the_driver_refuses_itself_stop_the_order_the_same_way(make, sim, flavour) -> None:
    """The lock lands between the adapter's look and the driver's ``type_keys``: the Win32 driver's own
    last line refuses the keys (``win32_session.refuse_keys_if_locked``), here played by a spy on the
    second key string. Nothing was typed, so it is the same refusal, not an unknown outcome."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    type_keys, calls = fake.type_keys, []

    def win32_like(handle: int, keys: str) -> None:
        calls.append(keys)
        if len(calls) == 2:
            fake.lock_desktop(LOCKED)
        if fake.session_locked() is not None:
            raise BrokerUnavailable(KEYS_LOCKED.format(reason=fake.session_locked()))
        type_keys(handle, keys)

    fake.type_keys = win32_like  # type: ignore[method-assign]
    _refused_and_nothing_sent(broker, fake, sim, LOCKED)
    assert len(calls) == 2
    del fake.type_keys
    _unlocked_the_next_order_goes_through(broker, fake, sim)


def test_a_lock_as_the_submit_is_clicked_declines_the_confirm(make, sim, flavour) -> None:
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    _lock_as_the_submit_is_clicked(broker, fake, DROPPED)

    _refused_and_nothing_sent(broker, fake, sim, DROPPED)
    assert _answers(fake) == [DECLINED]
    _unlocked_the_next_order_goes_through(broker, fake, sim)


def test_a_lock_while_the_confirm_is_up_declines_it(make, sim, flavour) -> None:
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop(DROPPED, at_dialog=CONFIRM)

    _refused_and_nothing_sent(broker, fake, sim, DROPPED)
    assert _answers(fake) == [DECLINED]
    _unlocked_the_next_order_goes_through(broker, fake, sim)


def test_a_lock_after_the_confirm_was_accepted_is_no_refusal(make, sim, flavour) -> None:
    """The order is in: its outcome is read by messages as on an unlocked desktop (the 提示's 合同编号)."""
    broker = make(flavour)
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop(LOCKED, at_dialog="提示")  # the result pop-up, after 是

    ack = broker.place_order(BUY)
    assert fake.session_locked() == LOCKED
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]
    assert _answers(fake)[0] == ACCEPTED
