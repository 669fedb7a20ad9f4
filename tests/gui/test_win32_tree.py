"""The menu-tree walk of ``Win32Driver.tree_paths`` (desktop/win32_tree.py), on trees built here.

The walk itself is plain Python over pywinauto's tree elements (``text()``, ``children()``, ``elem``);
under Wine it runs against the stand-in's SysTreeView32 (tests/wine/test_wine_menu.py). Here: the
order of the paths, the depth bound, a tree larger than the item bound stopping with an error
instead of a partial list (which would report present items missing), and a lazily filled tree (its
children inserted only when an item is expanded, TVN_ITEMEXPANDING) read whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from ashare_gateway.desktop import win32_tree
from ashare_gateway.domain.errors import BrokerUnavailable


@dataclass
class Item:
    """What the walk reads of a pywinauto ``_treeview_element``: an item filled in advance, shown expanded
    (the stand-in's and, as far as the peers show, the real client's tree)."""

    label: str
    elem: int
    kids: list[Item] = field(default_factory=list)
    expanded: bool = True
    expands: int = 0

    def text(self) -> str:
        return self.label

    def item(self) -> SimpleNamespace:
        """The TVITEM fields the walk reads: cChildren and the TVIS_EXPANDED state bit."""
        return SimpleNamespace(cChildren=1 if self.kids else 0, state=0x20 if self.expanded else 0)

    def expand(self) -> Item:
        self.expanded = True
        self.expands += 1
        return self

    def children(self) -> list[Item]:
        return self.kids


@dataclass
class LazyItem(Item):
    """An item of a lazily filled tree: ``cChildren`` = 1 and no child (or only ``placeholder``) until
    it is expanded, when the client inserts the children on TVN_ITEMEXPANDING."""

    placeholder: str | None = None

    def children(self) -> list[Item]:
        if self.expanded:
            return self.kids
        return [Item(self.placeholder, 999)] if self.placeholder else []


def test_every_item_is_listed_depth_first_with_its_handle() -> None:
    query = Item("查询[F4]", 3, [Item("资金股票", 4), Item("当日委托", 5)])
    roots = [Item("买入[F1]", 1), Item("撤单", 2), query, Item("新股申购", 6, [Item("批量新股申购", 7)])]
    assert win32_tree.walk(roots) == [
        (("买入[F1]",), 1),
        (("撤单",), 2),
        (("查询[F4]",), 3),
        (("查询[F4]", "资金股票"), 4),
        (("查询[F4]", "当日委托"), 5),
        (("新股申购",), 6),
        (("新股申购", "批量新股申购"), 7),
    ]


def test_items_deeper_than_the_bound_are_not_read() -> None:
    deep = Item("5", 5)
    chain = Item("1", 1, [Item("2", 2, [Item("3", 3, [Item("4", 4, [deep])])])])
    paths = [p for p, _ in win32_tree.walk([chain])]
    assert max(len(p) for p in paths) == win32_tree.MAX_DEPTH
    assert ("1", "2", "3", "4", "5") not in paths


def test_a_tree_whose_items_link_back_is_bounded_and_a_larger_one_stops_with_an_error() -> None:
    top = Item("查询[F4]", 1)
    top.kids = [Item("当日委托", 2, [top])]  # a broken tree: the child's child is the top item again
    assert len(win32_tree.walk([top])) == win32_tree.MAX_DEPTH  # repeated down to the depth bound only
    wide = [Item(str(i), 100 + i) for i in range(win32_tree.MAX_ITEMS)]
    with pytest.raises(BrokerUnavailable, match="菜单树超过400项"):
        win32_tree.walk([top, *wide])


def test_a_tree_of_exactly_the_bound_is_read_whole() -> None:
    roots = [Item(str(i), i) for i in range(win32_tree.MAX_ITEMS)]
    assert len(win32_tree.walk(roots)) == win32_tree.MAX_ITEMS


def test_a_lazily_filled_tree_is_expanded_item_by_item_and_read_whole() -> None:
    """Before: the walk read ``children()`` as they stood, so a tree filling its items on expansion
    listed its top items only, and the fingerprint refused a good client ("菜单缺少…")."""
    query = LazyItem("查询[F4]", 3, [Item("资金股票", 4), Item("当日委托", 5)], expanded=False)
    ipo = LazyItem("新股申购", 6, [Item("批量新股申购", 7)], expanded=False, placeholder="加载中…")
    roots = [Item("买入[F1]", 1), query, ipo]
    assert win32_tree.walk(roots) == [
        (("买入[F1]",), 1),
        (("查询[F4]",), 3),
        (("查询[F4]", "资金股票"), 4),
        (("查询[F4]", "当日委托"), 5),
        (("新股申购",), 6),
        (("新股申购", "批量新股申购"), 7),
    ]
    assert (query.expands, ipo.expands) == (1, 1)  # expanded once, left expanded


def test_items_already_expanded_or_without_children_are_not_expanded() -> None:
    leaf = Item("买入[F1]", 1, expanded=False)
    shown = Item("查询[F4]", 2, [Item("当日委托", 3)])
    assert len(win32_tree.walk([leaf, shown])) == 3
    assert (leaf.expands, shown.expands) == (0, 0)
