"""The menu tree walked under Windows (issue 14 "At connect"): a broker's build that renamed menu items
(the stand-in's ``menu_rename``) is found at connect by the real ``Win32Driver.tree_paths`` +
``XiadanBroker`` fingerprint; cancels are refused with the 409 ClientMismatch message naming the item,
orders still work, and the exchange keeps the order (tests/wine/scenarios/menu_scenario.py). A build
whose tree inserts an item's children only when it expands (``menu_lazy``, TVN_ITEMEXPANDING) is read
whole: nothing is reported missing, and its child pages are reached. Opt-in like every Wine test
(ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_against_standin, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["renamed_items_reported", "tree_walk_timed", "orders_still_work", "cancel_refused"]
LAZY_STEPS = [
    "lazy_tree_read_whole",
    "tree_walk_timed",
    "orders_still_work",
    "child_page_read",
    "cancel_works",
]
# 撤单 is a page the fingerprint visits; 当日成交 one it does not (only the tree walk can see it).
RENAMED = {"撤单[F3]": "撤单", "当日成交": "当日成交查询"}


def _run(wine, make_standin, log_name: str, *extra: str, **settings):
    standin = make_standin(logged_in=True, flavour="ht", cancel_confirm="real", **settings)
    return run_against_standin(wine, standin, "menu_scenario.py", *extra, timeout=240, log_name=log_name)


@pytest.fixture(scope="module")
def menu_run(wine, make_standin):
    return _run(wine, make_standin, "menu_ht.log", menu_rename=RENAMED)


@pytest.fixture(scope="module")
def lazy_run(wine, make_standin):
    return _run(wine, make_standin, "menu_lazy_ht.log", "--lazy", menu_lazy=True)


@pytest.mark.parametrize("step", STEPS)
def test_menu_steps_run(menu_run, step: str) -> None:
    step_detail(menu_run, step)


def test_the_renamed_items_are_reported_at_connect(menu_run) -> None:
    detail = step_detail(menu_run, "renamed_items_reported")
    assert "菜单缺少“撤单[F3]”" in detail["problems"], detail
    assert "菜单缺少“查询[F4]/当日成交”" in detail["problems"], detail
    assert detail["refused"] == ["cancels"], detail


def test_the_walk_lists_the_tree_as_the_build_shows_it(menu_run) -> None:
    paths = step_detail(menu_run, "tree_walk_timed")["paths"]
    assert "撤单" in paths and "撤单[F3]" not in paths
    assert "查询[F4]/当日成交查询" in paths and "查询[F4]/资金股票" in paths
    assert "双向委托" in paths  # the stand-in's decoy node is listed too, and harmless


def test_a_cancel_is_refused_naming_the_item_and_the_order_stays(menu_run) -> None:
    detail = step_detail(menu_run, "cancel_refused")
    assert detail["status"] == 409
    assert "菜单缺少“撤单[F3]”" in detail["message"] and "撤单" in detail["message"], detail
    assert detail["order_status"] not in ("已撤", "cancelled"), detail


@pytest.mark.parametrize("step", LAZY_STEPS)
def test_lazy_menu_steps_run(lazy_run, step: str) -> None:
    step_detail(lazy_run, step)


def test_a_tree_filled_on_expansion_is_read_whole_at_connect(lazy_run) -> None:
    """Before (the walk read the children as they stood): "菜单缺少“查询[F4]/资金股票”" and every other
    child path, orders and reads of 当日委托 refused on a good client."""
    detail = step_detail(lazy_run, "lazy_tree_read_whole")
    assert detail["problems"] == [], detail
    assert detail["refused"] == [], detail
    assert detail["fills_before"] == 0 and detail["fills"] >= 3, detail  # 查询[F4], 市价委托, 新股申购
    assert {"entrusts", "market_buy", "ipo"} <= set(detail["checked"]), detail


def test_the_walk_lists_the_filled_children(lazy_run) -> None:
    paths = step_detail(lazy_run, "tree_walk_timed")["paths"]
    assert {"查询[F4]/当日委托", "查询[F4]/资金股票", "市价委托/买入", "新股申购/批量新股申购"} <= set(paths)
