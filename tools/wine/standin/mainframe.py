"""The main window ``网上股票交易系统5.0`` (an ``Afx:...`` class): the menu tree (SysTreeView32, id 129)
on the left, the pages inside the frame 0xE900 on the right (the page on screen is 0xE901: panes.py),
F1–F5 and WM_COMMAND navigation, 退出确认 on close.

As in the real client, buy and sell pages share control IDs (1032, 1033, 1034, 1006…), all pages exist
at once (hidden when not current), and with ``async_switch_ms`` a WM_COMMAND page switch lands only
that long after the message returned: a driver must prove the page by what it shows.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import win32con
import win32gui

from ashare_gateway.simulators.xiadan import texts

from . import menu_lazy, menu_rename, panes
from . import win as w
from .cancel_page import CancelPage
from .ids import ID_FRAME, ID_TREE, ID_YES, REFRESH_CMD, SWITCH_TIMER
from .ipo_page import IpoPage
from .order_page import MarketPage, OrderPage
from .page import BalancePage, Page, TablePage

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

# name → (kind of page, the grid's table)
PAGES: tuple[tuple[str, type[Page], str | None], ...] = (
    ("buy", OrderPage, "positions"),
    ("sell", OrderPage, "positions"),
    ("market_buy", MarketPage, "positions"),
    ("market_sell", MarketPage, "positions"),
    ("cancel", CancelPage, "cancel"),
    ("balance", BalancePage, "positions"),
    ("entrusts", TablePage, "entrusts"),
    ("trades", TablePage, "trades"),
    ("ipo", IpoPage, "ipo"),
)
KEY_PAGES = {
    win32con.VK_F1: "buy",
    win32con.VK_F2: "sell",
    win32con.VK_F3: "cancel",
    win32con.VK_F4: "balance",
}
# Extra tree nodes real clients have and the adapter must not trip over: (insert at, path).
DECOY_NODES = ((2, ("双向委托",)), (None, ("查询[F4]", "历史成交")))


class MainFrame:
    def __init__(self, app: App) -> None:
        self.app = app
        build = app.build
        # WM_COMMAND menu nodes (the build may key them by node or by the whole wParam 0x2000<<16|node).
        self.command_pages = {key & 0xFFFF: page for key, page in build.commands.items()}
        self.main = 0
        self.tree = 0
        self.pane = 0
        self.pending_switch: str | None = None
        self.pages: dict[str, Page] = {}
        self.current: str | None = None
        self.tree_items: dict[int, str] = {}
        self.page_items: dict[str, int] = {}
        self._tops: dict[tuple[str, ...], int] = {}
        # parent path → its items in order: (path, page or "", has children); filled by _fill_tree
        self._nodes: dict[tuple[str, ...], list[tuple[tuple[str, ...], str, bool]]] = {}
        self.lazy: menu_lazy.LazyFill | None = None
        self._selecting = False

    def create(self) -> None:
        app = self.app
        title = app.config.title or app.build.main_title
        self.main = win32gui.CreateWindowEx(
            0,
            app.build.main_class,
            title,
            win32con.WS_OVERLAPPEDWINDOW | win32con.WS_CLIPCHILDREN,
            20,
            20,
            1180,
            760,
            0,
            0,
            w.HINST,
            None,
        )
        self.tree = win32gui.CreateWindowEx(
            win32con.WS_EX_CLIENTEDGE,
            "SysTreeView32",
            "",
            w.CHILD | w.TAB | w.TVS_STYLE,
            0,
            0,
            200,
            700,
            self.main,
            ID_TREE,
            w.HINST,
            None,
        )
        pane_style = w.CHILD | win32con.WS_CLIPCHILDREN
        self.pane = win32gui.CreateWindowEx(
            0, "AfxFrameOrView42s", "", pane_style, 204, 0, 900, 700, self.main, ID_FRAME, w.HINST, None
        )
        self._fill_tree()
        for name, cls, table in PAGES:
            page = cls(app, name, table)
            page.create(self.pane)
            self.pages[name] = page
        self.apply_structure()
        self.layout()
        self.navigate("buy")  # data loaded while still hidden: once shown, the window answers at once
        win32gui.ShowWindow(self.main, win32con.SW_SHOW)
        win32gui.UpdateWindow(self.main)
        win32gui.SetForegroundWindow(self.main)
        with contextlib.suppress(Exception):
            win32gui.SetFocus(self.pages["buy"].ctrl(1032))
        log.info("main window %#x", self.main)

    def _fill_tree(self) -> None:
        """The menu tree, in the build's order; with ``menu_lazy`` only the top items (menu_lazy.py)."""
        paths = list(self.app.build.tree.items())
        for at, path in DECOY_NODES:
            paths.insert(len(paths) if at is None else at, (path, ""))
        tops_with_children = {p[0][0] for p in paths if len(p[0]) > 1}
        # Every prefix once, in order of first sight, with its page (a leaf's) and whether it has children.
        self._nodes = {}
        seen: set[tuple[str, ...]] = set()
        for path, page in paths:
            for depth in range(len(path)):
                prefix = path[: depth + 1]
                if prefix in seen:
                    continue
                seen.add(prefix)
                leaf = depth == len(path) - 1
                has_children = not leaf or (depth == 0 and prefix[0] in tops_with_children)
                self._nodes.setdefault(path[:depth], []).append((prefix, page if leaf else "", has_children))
        self.lazy = menu_lazy.LazyFill(self._insert_children) if self.app.config.menu_lazy else None
        self._insert_children((), None)
        if self.lazy is None:  # filled in advance and shown expanded
            for prefix, item in self._tops.items():
                if prefix[0] in tops_with_children:
                    w.tree_expand(self.tree, item)

    def _insert_children(self, parent: tuple[str, ...], parent_item: int | None) -> None:
        """Insert the items under ``parent``; a lazy tree holds back their own children until expanded."""
        for prefix, page, has_children in self._nodes.get(parent, []):
            text = menu_rename.shown(self.app, prefix[-1])  # a build's own menu names
            item = w.tree_insert(self.tree, parent_item, text, len(self.tree_items) + 1, has_children)
            if len(prefix) == 1:
                self._tops[prefix] = item
            if page:
                self.tree_items[item] = page
                self.page_items[page] = item
            if has_children and self.lazy is not None:
                self.lazy.hold(item, prefix)
            elif has_children:
                self._insert_children(prefix, item)

    def apply_structure(self) -> None:
        """Structural settings that can change at run time (the grid nesting)."""
        for page in self.pages.values():
            if page.grid:
                page.grid.nest(bool(self.app.config.grid_nesting))

    def layout(self) -> None:
        if not self.main:
            return
        _, _, width, height = win32gui.GetClientRect(self.main)
        win32gui.MoveWindow(self.tree, 0, 0, 200, height, True)
        win32gui.MoveWindow(self.pane, 204, 0, max(50, width - 204), height, True)
        for name, page in self.pages.items():
            x = 0 if name == self.current or not self.app.config.stale_pages else panes.OFF_AREA
            win32gui.MoveWindow(page.hwnd, x, 0, max(50, width - 204), height, True)

    def key(self, hwnd: int, vk: int) -> bool:
        """A key pressed anywhere in the main window: F1–F5 switch page or refresh (True: handled)."""
        if not self.main or not (hwnd == self.main or win32gui.IsChild(self.main, hwnd)):
            return False
        self.app.touch()
        if vk in KEY_PAGES:
            self.navigate(KEY_PAGES[vk])
            return True
        if vk == win32con.VK_F5:
            self.refresh()
            return True
        return False

    def proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        try:
            if msg == win32con.WM_SIZE:
                if wparam in (win32con.SIZE_RESTORED, win32con.SIZE_MAXIMIZED):
                    self.app.dialogs.restore_hidden()
                self.layout()
                return 0
            if msg == win32con.WM_NOTIFY:
                code, id_from = w.notify_code(lparam)
                if id_from == ID_TREE and self.lazy is not None and self.lazy.on_notify(code, lparam):
                    self.app.stats["menu_fills"] = self.lazy.fills
                    return 0  # FALSE: let the item expand
                if (
                    id_from == ID_TREE
                    and code in (w.TVN_SELCHANGEDW, w.TVN_SELCHANGEDA)
                    and not self._selecting
                ):
                    page = self.tree_items.get(w.tree_selection(self.tree))
                    if page:
                        self.show_page(page)
                return 0
            if msg == win32con.WM_COMMAND:
                cid = w.loword(wparam)
                page = self.command_pages.get(cid)
                if page:
                    self.app.touch()
                    if page == self.current:  # a switch the sender can never see land (clients.md 14)
                        self.app.stats["switch_to_shown"] += 1
                    delay = self.app.config.async_switch_ms
                    if delay > 0:
                        self.pending_switch = page
                        w.set_timer(self.main, SWITCH_TIMER, delay)
                    else:
                        self.navigate(page)
                    return 0
                if cid == REFRESH_CMD:
                    self.refresh()
                    return 0
            if msg == win32con.WM_TIMER and wparam == SWITCH_TIMER:
                w.kill_timer(self.main, SWITCH_TIMER)
                page, self.pending_switch = self.pending_switch, None
                if page:
                    self.navigate(page)
                return 0
            if msg == win32con.WM_CLOSE:
                if (
                    self.app.config.exit_confirm
                    and self.app.dialogs.modal("退出确认", texts.EXIT, "yesno") != ID_YES
                ):
                    return 0
                win32gui.DestroyWindow(hwnd)
                return 0
            if msg == win32con.WM_DESTROY:
                win32gui.PostQuitMessage(0)
                return 0
        except Exception:
            log.exception("main window message %#x", msg)
            return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    # --- pages ---------------------------------------------------------------------------------------
    def navigate(self, page: str) -> None:
        """Switch page as the tree would, keeping the tree's selection in step."""
        item = self.page_items.get(page)
        if item:
            self._selecting = True
            try:
                w.tree_select(self.tree, item)
            finally:
                self._selecting = False
        self.show_page(page)

    def show_page(self, name: str) -> None:
        if name not in self.pages:
            return
        handles = {other: page.hwnd for other, page in self.pages.items()}
        panes.show(handles, name, self.current, stale=bool(self.app.config.stale_pages))
        page = self.pages[name]
        self.current = name
        page.refresh()
        _, _, width, height = win32gui.GetClientRect(self.pane)
        win32gui.MoveWindow(page.hwnd, 0, 0, max(50, width), max(50, height), True)
        win32gui.ShowWindow(page.hwnd, win32con.SW_SHOW)
        target = page.focus_target()
        if target:
            win32gui.SetFocus(target)

    def refresh(self) -> None:
        if self.current:
            self.pages[self.current].refresh()
