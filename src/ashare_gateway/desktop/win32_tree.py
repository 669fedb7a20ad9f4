"""The client's menu tree (SysTreeView32 129) read item by item: ``Win32Driver.tree_paths``.

Why: the connect-time fingerprint (``brokers/ths/fingerprint.py``) checks every menu path of the
layout before trading. A broker's build that renames an item (``撤单[F3]`` → ``撤单``) otherwise shows
only when that page is first visited, and for pages the fingerprint does not visit (当日成交, 资金股票)
only when a read needs it.

How: pywinauto's ``TreeViewWrapper`` (``roots()``, then ``children()`` and ``text()`` per item), the
same calls its ``get_item`` makes when ``select_tree_item`` looks a path up (easytrader's
``_switch_left_menus`` selects through ``get_item`` too). The texts are TVITEMs read out of the
client's memory (``TVM_GETITEMW`` into a block allocated in its process), which pywinauto sizes for a
32-bit client from a 64-bit Python (docs/wine.md "32-bit"). Each item costs a few cross-process
messages, so the walk is bounded: items deeper than ``MAX_DEPTH`` are not listed (no layout path is
deeper than 2; a broken tree whose items link back to their parents repeats only down to it), and a
tree of more than ``MAX_ITEMS`` items stops the walk with an error instead of a partial list that
would report present items missing.

Lazily filled trees: a common Win32 pattern inserts an item's children only when the tree sends
TVN_ITEMEXPANDING (the item carries ``cChildren`` = 1 and no child, or a placeholder child, until then).
Read as it stands, such a tree lists its top items only and the fingerprint would refuse a good client
("菜单缺少…"). So every collapsed item that says it has children is expanded (TVM_EXPAND, sent) before
its children are read, as pywinauto's ``get_item`` does on the way down ("ensure that the item is
expanded (as this is sometimes required for loading the tree view branches)",
``pywinauto/controls/common_controls.py`` 0.6.9, ``TreeViewWrapper.get_item``), which easytrader's
``_switch_left_menus`` selects through. Nothing expanded is collapsed back: easytrader leaves the items
its ``get_item`` expanded open (its ``_collapse_left_menus`` is defined and never called), selecting a
child expands its parent anyway (TVM_SELECTITEM with TVGN_CARET), and a tree that drops its children on
collapse would leave the item handles kept below pointing at deleted items.

The handle of every item seen is kept in the driver's cache, so the navigation that follows the
fingerprint selects each page with one message (``Win32Driver.select_tree_item``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ..domain.errors import BrokerUnavailable

log = logging.getLogger(__name__)

MAX_DEPTH = 4  # levels listed (1 = the top items); 华泰's tree has 2
MAX_ITEMS = 400  # items read at most; a real client's tree has 40-60
TVIS_EXPANDED = 0x20  # the item's children are shown (commctrl.h)


def _expanded_children(element: Any) -> list[Any]:
    """The item's children, after expanding it when it is collapsed and says it has some.

    ``item()`` is pywinauto's TVITEM of the element (``cChildren``: 0 none, 1 some,
    I_CHILDRENCALLBACK = -1 asked of the client; ``state``: TVIS_EXPANDED). The expansion is what
    makes a lazily filled tree insert them (TVN_ITEMEXPANDING); an item already expanded is left alone.
    """
    item = element.item()
    if item.cChildren and not item.state & TVIS_EXPANDED:
        element.expand()
    return list(element.children())


def walk(roots: list[Any]) -> list[tuple[tuple[str, ...], int]]:
    """Every item under ``roots`` (pywinauto tree elements), depth first: (path of texts, item handle).

    Collapsed items with children are expanded first (a lazily filled tree inserts them only then).
    Raises ``BrokerUnavailable`` past ``MAX_ITEMS`` items.
    """
    found: list[tuple[tuple[str, ...], int]] = []
    stack: list[tuple[tuple[str, ...], Any]] = [((), element) for element in reversed(roots)]
    while stack:
        parent, element = stack.pop()
        if len(found) >= MAX_ITEMS:
            raise BrokerUnavailable(f"菜单树超过{MAX_ITEMS}项，未能读完（客户端菜单树异常？）")
        path = (*parent, element.text())
        found.append((path, int(element.elem)))
        if len(path) < MAX_DEPTH:
            stack.extend((path, child) for child in reversed(_expanded_children(element)))
    return found


class MenuTreeReader:
    """Mixed into ``Win32Driver``: ``tree_paths`` of the DesktopDriver protocol."""

    _pw: dict[str, Any]
    _tree_items: dict[tuple[int, tuple[str, ...]], int]

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        """Every item path of the tree, depth first; the item handles kept for ``select_tree_item``."""
        started = time.perf_counter()
        try:
            items = walk(self._pw["common_controls"].TreeViewWrapper(tree).roots())
        except BrokerUnavailable:
            raise
        except Exception as exc:
            raise BrokerUnavailable(f"Windows操作失败（读取菜单树）：{exc}") from exc
        self._tree_items.update({(tree, path): handle for path, handle in items})
        log.info("menu tree: %d items read in %.3f s", len(items), time.perf_counter() - started)
        return [path for path, _ in items]
