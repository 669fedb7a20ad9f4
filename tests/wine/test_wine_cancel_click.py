"""The cancel race *at the click* under Wine (issue 14, docs/clients.md row 32): the 可撤 grid changes as
the 撤单 click lands, after every selection key and the adapter's proof copy (the stand-in's
``cancel_reorder_at_click``, tools/wine/standin/reorder.py). Nothing on the client side can see it coming:
an order of the same code at another price and amount shows in the 撤单确认 and must be refused with
nothing cancelled; a twin (same code, price, amount) cannot be told apart by the confirm, the client
cancels it, and the adapter must say so (``OutcomeUnknown``) — never report the intended order cancelled
while it is still live. tests/wine/scenarios/cancel_click_scenario.py, ht and universal.
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_flavour, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]


@pytest.fixture(scope="module", params=["ht", "universal"])
def click_run(request, wine, make_standin):
    return run_flavour(wine, make_standin, "cancel_click_scenario.py", request.param, cancel_confirm="real")


def _new_order(detail: dict) -> str:
    """The one order the stand-in listed at the click (the step's books have it, the books before not)."""
    (new,) = set(detail["orders"]) - set(detail["books_before"])
    return new


def _click_change_happened(detail: dict, count: int) -> None:
    assert detail["click_changes"] == count and not detail["pending"], (
        f"the grid was never changed at the click: the test proves nothing\n{detail}"
    )


def test_another_order_listed_as_the_click_lands_is_refused_by_the_confirm(click_run) -> None:
    detail = step_detail(click_run, "other_at_click")
    _click_change_happened(detail, 1)
    target, other = detail["contract_no"], _new_order(detail)
    orders = detail["orders"]
    assert orders[other]["price"] != orders[target]["price"], detail  # the confirm could tell them apart
    assert orders[target]["cancelable"] and orders[other]["cancelable"], f"something was cancelled: {detail}"
    assert detail["result"] == "OrderRejected" and "已取消撤单" in detail["message"], detail


def test_a_twin_listed_as_the_click_lands_is_never_reported_as_the_cancel_done(click_run) -> None:
    """The 提示 names the twin's 合同编号: the adapter reports OutcomeUnknown naming both."""
    detail = step_detail(click_run, "twin_at_click")
    _click_change_happened(detail, 2)
    target, twin = detail["contract_no"], _new_order(detail)
    orders = detail["orders"]
    assert not orders[twin]["cancelable"], f"the twin was not cancelled: the race did not happen\n{detail}"
    assert orders[target]["cancelable"], detail  # the intended order is still live
    assert detail["result"] == "OutcomeUnknown", f"the twin was cancelled and the cancel reported {detail}"
    assert f"合同编号为{twin}，不是{target}" in detail["message"], detail["message"]
    assert "请查询当日委托核对" in detail["message"], detail["message"]


def test_a_twin_cancelled_without_a_result_popup_is_never_reported_done(click_run) -> None:
    """No 提示 at all: the intended order still in 可撤 is what tells (clients.md row 4)."""
    detail = step_detail(click_run, "twin_at_click_no_result_popup")
    _click_change_happened(detail, 3)
    target, twin = detail["contract_no"], _new_order(detail)
    orders = detail["orders"]
    assert not orders[twin]["cancelable"], f"the twin was not cancelled: the race did not happen\n{detail}"
    assert orders[target]["cancelable"], detail
    assert detail["result"] == "OutcomeUnknown", f"the twin was cancelled and the cancel reported {detail}"
    assert "仍在可撤列表中" in detail["message"], detail["message"]


def test_the_same_cancel_with_the_grid_left_alone_cancels_only_its_order(click_run) -> None:
    detail = step_detail(click_run, "again")
    target = detail["contract_no"]
    assert detail["result"] == "cancelled", detail
    still = {c for c, o in detail["orders"].items() if o["cancelable"]}
    assert target not in still, detail
    # the order of another price listed by the first click is untouched
    assert len(still) == 1, f"another order was cancelled with it: {detail}"
