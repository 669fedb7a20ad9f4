"""A locked workstation / a disconnected RDP session, met by the real adapter over the fake client.

The fake desktop's switch (``lock_desktop``) is what the real driver reads from WTS/OpenInputDesktop
(``desktop/win32_session.py``; under Wine: ``tools/wine/session_shim.py``). Typed keys go nowhere then,
so an order and a cancel (flows that type keys) are refused before any key, with the driver's reason;
reads and 全部撤单 work by messages and go on. The same flows under Wine, with the keys really swallowed:
tests/wine/test_wine_session_lock.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.desktop.waiting import wait_until
from ashare_gateway.domain.errors import BrokerUnavailable
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.simulators.xiadan import FakeXiadan

BUY = OrderRequest("600000", Side.BUY, 100, Decimal("8.40"))


def _spy_keys(fake: FakeXiadan) -> list[str]:
    """Every key string the adapter hands to the fake from now on (the fake itself still runs)."""
    typed: list[str] = []
    type_keys = fake.type_keys

    def spy(handle: int, keys: str) -> None:
        typed.append(keys)
        type_keys(handle, keys)

    fake.type_keys = spy  # type: ignore[method-assign]
    return typed


@pytest.mark.parametrize("reason", ["工作站已锁定（锁屏）", "远程会话已断开（连接状态 4）"])
def test_a_locked_desktop_refuses_orders_and_cancels_before_any_key(make, sim, flavour, reason) -> None:
    broker = make(flavour)
    ack = broker.place_order(BUY)  # rests: one order to cancel
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop(reason)
    typed = _spy_keys(fake)

    with pytest.raises(BrokerUnavailable, match=f"^{reason}：按键无法送达客户端，委托未执行"):
        broker.place_order(BUY)
    with pytest.raises(BrokerUnavailable, match=f"^{reason}：按键无法送达客户端，撤单未执行"):
        broker.cancel(ack.contract_no)
    assert typed == []
    assert [e.contract_no for e in sim.today_entrusts()] == [ack.contract_no]
    assert [e.contract_no for e in sim.cancelable_entrusts()] == [ack.contract_no]

    # Reads go on while locked (the fake reads its grids as the real client's 0xE122 copy does).
    assert [e.contract_no for e in broker.cancelable_entrusts()] == [ack.contract_no]

    fake.unlock_desktop()
    broker.cancel(ack.contract_no)
    assert sim.cancelable_entrusts() == []


def test_a_page_read_again_while_locked_is_refreshed_by_messages_not_f5(make, sim) -> None:
    """The tree build refreshes a data page already shown with F5; a locked desktop swallows it and the
    grid would be read as it was. Locked, the page is shown afresh through another one, by messages."""
    broker = make("ht")
    assert broker.today_entrusts() == []  # 当日委托 is the page shown now
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop()
    typed = _spy_keys(fake)
    placed = sim.place_order(BUY)  # from elsewhere (another terminal): only a reload shows it
    assert [e.contract_no for e in broker.today_entrusts()] == [placed.contract_no]
    assert typed == []


def test_the_keep_alive_sends_no_key_while_locked(make, creds) -> None:
    """Its F5 would go nowhere (and the Win32 driver refuses it, a warning on every tick): it waits."""
    broker = make("ht", keepalive_interval=0.02)
    broker.login(creds("ht"))
    keepalive = broker.keepalive
    assert keepalive is not None
    fake: FakeXiadan = broker.driver  # type: ignore[assignment]
    fake.lock_desktop("远程会话已断开（连接状态 4）")
    typed = _spy_keys(fake)
    first = keepalive.ticks
    wait_until(lambda: keepalive.ticks >= first + 5, timeout=10, what="保活计时")
    assert typed == []
    fake.unlock_desktop()
    wait_until(lambda: typed, timeout=10, what="解锁后的保活按键")
    assert set(typed) == {"{F5}"}
