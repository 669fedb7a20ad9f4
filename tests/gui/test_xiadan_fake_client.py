"""The fake client itself: it must punish what a real client punishes, or "no misuse" proves nothing.

These tests drive the fake directly through the DesktopDriver protocol, doing each wrong thing once,
and check the fake records it (and, where the real client would, acts on the wrong input).
"""

from __future__ import annotations

import pytest

from ashare_gateway.desktop.driver import DesktopDriver
from ashare_gateway.desktop.waiting import wait_until
from ashare_gateway.simulators.desktop.keys import Key, parse_keys
from ashare_gateway.simulators.xiadan import FakeXiadan, Faults, Latency

COMMAND = 0x2000 << 16  # high word of the WM_COMMAND wParam of the menu nodes


@pytest.fixture
def fake(sim) -> FakeXiadan:
    return FakeXiadan(sim, faults=Faults(latency=Latency(lookup=0.02)))


def _main(fake: FakeXiadan) -> int:
    return next(w.handle for w in fake.top_windows() if w.title == "网上股票交易系统5.0")


def _ctl(fake: FakeXiadan, cid: int) -> int:
    handle = fake.find_control(_main(fake), control_id=cid)
    assert handle is not None
    return handle


def _kinds(fake: FakeXiadan) -> list[str]:
    return [e.detail.split(":")[0] for e in fake.misuse]


def _lookup(fake: FakeXiadan, code: str) -> None:
    fake.type_keys(_ctl(fake, 1032), "^a" + code)
    wait_until(lambda: fake.get_text(_ctl(fake, 1036)), timeout=2, what="证券名称")


def test_it_is_a_desktop_driver(fake) -> None:
    assert isinstance(fake, DesktopDriver)


def test_typing_into_a_filled_field_appends_and_is_misuse(fake) -> None:
    code = _ctl(fake, 1032)
    fake.type_keys(code, "600000")
    fake.type_keys(code, "000001")
    assert fake.get_text(code) == "600000000001"
    assert "appended" in _kinds(fake)


def test_a_price_written_before_the_lookup_is_overwritten(fake) -> None:
    fake.type_keys(_ctl(fake, 1032), "600000")
    fake.set_text(_ctl(fake, 1033), "8.50")
    wait_until(lambda: fake.get_text(_ctl(fake, 1036)), timeout=2, what="证券名称")
    assert fake.get_text(_ctl(fake, 1033)) != "8.50"
    assert "price_overwritten" in _kinds(fake)


def test_input_under_a_modal_dialog_is_lost(fake) -> None:
    code = _ctl(fake, 1032)
    fake.popup("提示", "随便什么")
    fake.set_text(code, "600000")
    assert fake.get_text(code) == ""
    assert "input_while_modal" in _kinds(fake)


def test_a_price_in_the_amount_field_is_misuse(fake) -> None:
    fake.set_text(_ctl(fake, 1034), "8.60")
    assert "wrong_field" in _kinds(fake)


def test_fields_of_two_orders_interleaved(fake, sim) -> None:
    _lookup(fake, "600000")
    fake.set_text(_ctl(fake, 1033), "8.60")
    fake.set_text(_ctl(fake, 1034), "300")
    _lookup(fake, "000001")  # a second order starts; its amount is never written
    fake.set_text(_ctl(fake, 1033), "11.00")
    fake.click(_ctl(fake, 1006))
    assert "interleaved" in _kinds(fake)


def test_controls_of_another_page_are_invisible(fake) -> None:
    fake.select_tree_item(_ctl(fake, 129), ["卖出[F2]"])
    sell_code = _ctl(fake, 1032)
    fake.select_tree_item(_ctl(fake, 129), ["买入[F1]"])
    assert fake.find_control(_main(fake), control_id=1038) is None  # 可卖 is a sell-page control
    fake.set_text(sell_code, "600000")
    assert "invisible_control" in _kinds(fake)


def test_controls_appear_only_after_their_latency(sim) -> None:
    clock = {"now": 0.0}
    fake = FakeXiadan(sim, faults=Faults(latency=Latency(page=1.0, query=1.0)), clock=lambda: clock["now"])
    fake.send_command(_main(fake), COMMAND | 165)  # 资金股票
    grid = {"control_id": 1047, "class_name": "CVirtualGridCtrl"}
    assert fake.find_control(_main(fake), **grid) is None
    clock["now"] = 1.5
    assert fake.find_control(_main(fake), **grid) is None  # page 1 s + query 1 s
    clock["now"] = 2.0
    assert fake.find_control(_main(fake), **grid) is not None


def test_copy_is_tab_separated_with_a_header(fake) -> None:
    fake.send_command(_main(fake), COMMAND | 168)
    grid = fake.find_control(_main(fake), control_id=1047, class_name="CVirtualGridCtrl")
    fake.type_keys(grid, "^a")
    fake.type_keys(grid, "^c")
    assert fake.get_clipboard().startswith("委托时间\t证券代码\t")


def test_the_grid_is_nested_in_a_container_with_its_own_id(fake) -> None:
    """1047 → 200 → 1047 grid (easyths order_query.py:96): the id alone finds the container."""
    fake.send_command(_main(fake), COMMAND | 168)
    container = fake.find_control(_main(fake), control_id=1047)
    grid = fake.find_control(_main(fake), control_id=1047, class_name="CVirtualGridCtrl")
    assert container != grid and [c.control_id for c in fake.children(container)] == [200, 1047]
    fake.type_keys(container, "^a")
    fake.type_keys(container, "^c")
    assert fake.get_clipboard() == ""  # keys aimed at the container copy nothing


def test_two_ctrl_chords_in_one_burst_lose_the_second(fake) -> None:
    """GetAsyncKeyState: by the time the client handles the C of ^a^c, Ctrl is up again."""
    fake.send_command(_main(fake), COMMAND | 168)
    grid = fake.find_control(_main(fake), control_id=1047, class_name="CVirtualGridCtrl")
    fake.type_keys(grid, "^a^c")
    assert fake.get_clipboard() == "" and any(e.kind == "ctrl_lost" for e in fake.events)
    fake.send_command(grid, 0xE122)  # Edit→Copy posted to the grid: no keys, nothing to lose
    assert fake.get_clipboard().startswith("委托时间\t证券代码\t")


def test_key_syntax() -> None:
    assert parse_keys("^a600") == [Key("a", frozenset({"ctrl"})), Key("6"), Key("0"), Key("0")]
    assert parse_keys("{HOME}{DOWN 2}") == [Key("HOME"), Key("DOWN"), Key("DOWN")]
    with pytest.raises(ValueError):
        parse_keys("{NOPE}")


def test_keys_while_the_desktop_is_locked_are_lost_and_misuse_messages_land(fake) -> None:
    """A locked workstation / disconnected RDP session swallows typed keys; WM_SETTEXT still lands."""
    code = _ctl(fake, 1032)
    fake.lock_desktop("远程会话已断开（连接状态 4）")
    fake.type_keys(code, "600000")
    assert fake.get_text(code) == ""
    assert _kinds(fake) == ["keys_while_locked"]
    fake.set_text(code, "600000")
    assert fake.get_text(code) == "600000"
    fake.unlock_desktop()
    fake.type_keys(code, "{HOME}+{END}{BACKSPACE}000001")
    assert fake.get_text(code) == "000001"
