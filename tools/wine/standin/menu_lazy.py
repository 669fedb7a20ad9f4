"""A menu tree filled on expansion: the stand-in's ``menu_lazy`` knob.

A common Win32 pattern for trees (and the one nothing in the peers rules out for a broker's build) is
to insert an item's children only when the tree asks for them: the item is inserted with
``cChildren`` = 1 and no child, and the parent window inserts the children when it receives
TVN_ITEMEXPANDING for it (the tree sends it on the first expansion, by the user or by TVM_EXPAND). Read
item by item without expanding, such a tree shows its top items only: the fingerprint's walk
(``desktop/win32_tree.py``) would find every child path missing and refuse a good client.

With ``menu_lazy`` the main frame inserts only the top items; ``on_notify`` inserts the children of an
item the first time it expands (each child that has children of its own waits in turn), and counts the
fills so a test can say the tree was really filled late (``stats["menu_fills"]``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from ctypes import wintypes

from . import win as w

TVN_ITEMEXPANDINGW = -454  # TVN_FIRST (-400) - 54
TVN_ITEMEXPANDINGA = -405  # TVN_FIRST - 5
TVE_EXPAND = 0x2
TVE_ACTIONMASK = 0x3


class TVITEMW(ctypes.Structure):
    _fields_ = [
        ("mask", wintypes.UINT),
        ("hItem", ctypes.c_void_p),
        ("state", wintypes.UINT),
        ("stateMask", wintypes.UINT),
        ("pszText", ctypes.c_void_p),
        ("cchTextMax", ctypes.c_int),
        ("iImage", ctypes.c_int),
        ("iSelectedImage", ctypes.c_int),
        ("cChildren", ctypes.c_int),
        ("lParam", wintypes.LPARAM),
    ]


class NMTREEVIEWW(ctypes.Structure):
    _fields_ = [
        ("hdr", w.NMHDR),
        ("action", wintypes.UINT),
        ("itemOld", TVITEMW),
        ("itemNew", TVITEMW),
        ("ptDrag", wintypes.POINT),
    ]


class LazyFill:
    """The children still to insert, per item handle: ``fill(prefix, item)`` inserts them when asked."""

    def __init__(self, fill: Callable[[tuple[str, ...], int], None]) -> None:
        self._fill = fill
        self.waiting: dict[int, tuple[str, ...]] = {}  # item handle → its path (children not inserted)
        self.fills = 0

    def hold(self, item: int, prefix: tuple[str, ...]) -> None:
        """``item`` (at ``prefix``) has children; insert them only when it first expands."""
        self.waiting[item] = prefix

    def on_notify(self, code: int, lparam: int) -> bool:
        """TVN_ITEMEXPANDING from the tree (same process): fill the item if it is waiting. True: handled."""
        if code not in (TVN_ITEMEXPANDINGW, TVN_ITEMEXPANDINGA):
            return False
        note = NMTREEVIEWW.from_address(lparam)
        item = int(note.itemNew.hItem or 0)
        if note.action & TVE_ACTIONMASK == TVE_EXPAND and item in self.waiting:
            self.fills += 1
            self._fill(self.waiting.pop(item), item)
        return True
