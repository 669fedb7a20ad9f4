"""Typed keys are queued input; a read-back is a sent message answered before them (issue 14, clients.md 34).

``Latency.edit_keys`` makes the fake answer a read-back with the old text while the keys wait, and hand
the keys to whatever control has the focus when they land (``simulators/desktop/focus.py``). Over a field
that already reads the wanted text, a read-back that checks "the field reads what I typed" passes at once:
the code left in the edit by a refused order, a saved account equal to ours, a saved password of the
same length. The keys still queued then land in the next field. The paper exchange behind the fake and
the fake's misuse record are the judges.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.domain.errors import OrderRejected
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import FakeXiadan, Faults
from ashare_gateway.simulators.xiadan.faults import Latency

from .conftest import COMM, PASSWORD, USER

LAG = {"edit_keys": 0.05}


def limit(code: str, side: Side, amount: int, price: str) -> OrderRequest:
    return OrderRequest(code=code, side=side, amount=amount, price=Decimal(price))


def test_the_fake_answers_a_read_back_before_queued_keys_and_lands_them_where_the_focus_is(sim) -> None:
    """The model is unkind for real: old text read back, keys landing in the control focused later."""
    now = [0.0]
    fake = FakeXiadan(sim, faults=Faults(latency=Latency(edit_keys=0.05)), clock=lambda: now[0])
    main = next(w.handle for w in fake.top_windows() if w.title == "网上股票交易系统5.0")
    code, price = (fake.find_control(main, control_id=i) for i in (1032, 1033))
    fake.type_keys(code, "600000")
    assert fake.get_text(code) == ""  # the keys are still queued
    fake.type_keys(price, "{HOME}+{END}{BACKSPACE}8.40")  # the price edit takes the focus
    now[0] = 0.06
    assert (fake.get_text(code), fake.get_text(price)) == ("", "8.40")
    assert [e.detail for e in fake.misuse if e.detail.startswith("keys_misdirected")]


def test_a_code_left_in_the_edit_is_typed_again_and_no_key_lands_in_the_price(make, sim, flavour) -> None:
    """A refused order leaves its code (and name) on the page; the next order for the same code types it
    again: emptied and read empty first, so the lookup wait cannot pass on the old name and no queued
    key of the code reaches the price or amount edit. (The universal layout enters the code by WM_SETTEXT,
    a sent message that nothing queues: there the test guards that the emptying changed nothing.)"""
    broker = make(flavour, latency=LAG)
    with pytest.raises(OrderRejected, match="不足"):
        broker.place_order(limit("600000", Side.BUY, 900_000, "8.40"))
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    assert fake.get_text(fake.find_control(broker.session.main, control_id=1032)) == "600000"
    ack = broker.place_order(limit("600000", Side.BUY, 100, "8.41"))
    entrust = next(e for e in sim.today_entrusts() if e.contract_no == ack.contract_no)
    assert (entrust.code, entrust.price, entrust.quantity) == ("600000", Decimal("8.41"), 100)
    assert fake.misuse == []


def test_a_saved_account_and_a_saved_password_of_the_same_length_are_typed_over(make, flavour, creds) -> None:
    """Universal builds keep the last account, some a password in an editable edit: both read "done" at
    once, so each field is emptied and read empty (by its length: a password edit tells nothing else)
    before it is typed. Otherwise the old password of the same length goes to the broker (401), and
    the keys typed meanwhile land in the next field."""
    saved = {"user": USER, "password": "x" * len(PASSWORD)}
    if flavour == "ht":
        saved["comm_password"] = "y" * len(COMM)
    broker = make(flavour, connect=False, logged_in=False, latency=LAG, saved_login=saved)
    info = broker.login(creds(flavour))
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    assert info.account == USER and fake.logged_in
    assert fake.misuse == []
