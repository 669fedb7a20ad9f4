"""A Win32 stand-in for 同花顺 xiadan.exe (网上股票交易系统5.0), backed by the project's paper exchange.

A real Windows GUI program (Windows CPython + pywin32 under Wine), built to the structure recorded in
shared/domain/client-automation.md so the project's pywinauto driver and xiadan adapter can be tested
for real: the main window ``网上股票交易系统5.0`` (an ``Afx:...`` class), the menu tree (SysTreeView32,
id 129), pages as child dialogs (only the current one visible, as in the real client where hidden pages
keep their controls), order fields 1032/1033/1034, submit 1006, name 1036, 可买/可卖 1018/1038, the
market-type combo 1541, balance statics 1012-1017, grids of class ``CVirtualGridCtrl`` (id 1047) that
copy tab-separated text on Ctrl+A Ctrl+C, modal pop-ups (委托确认 1040 + Yes 6/No 7; 提示 1004 + OK 1;
撤单确认; 申购确认; 风险提示), the copy captcha (image 2405, edit 2404, OK 1, Cancel 2, status 2406),
the login window and the lock screen (Edit 1039).

IDs, titles, texts and column names come from the Linux fake client's model of the real builds
(``ashare_gateway.desktop.fake.builds`` / ``texts`` / ``grids``), so both fakes describe one world.

Test hooks (never part of a real client): a JSON-lines control socket on 127.0.0.1 (see ``control.py``)
to raise the lock screen or an unexpected pop-up, switch the captcha on, move the market clock, and read
the exchange's own view of the account.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import queue
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import win32con
import win32gui

from ashare_gateway.desktop.fake import builds, grids, texts
from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.instruments import Board, Market
from ashare_gateway.domain.market_orders import match_label
from ashare_gateway.domain.models import OrderRequest, Side

from . import control
from . import win as w
from .backend import Backend, parse_decimal, side_of

log = logging.getLogger("standin")

WM_APP_CONTROL = win32con.WM_APP + 1
WM_APP_ACTION = win32con.WM_APP + 2
REFRESH_CMD = 32790
COPY_CMD = 0xE122
DLGC_WANTARROWS, DLGC_WANTALLKEYS, DLGC_WANTCHARS = 0x1, 0x4, 0x80
LOOKUP_TIMER = 7

# Dialog control IDs (client-automation.md §2-§4).
ID_TITLE, ID_TEXT_TIP, ID_TEXT_CONFIRM = 1365, 1004, 1040
ID_OK, ID_CANCEL, ID_YES, ID_NO = 1, 2, 6, 7
ID_CAPTCHA_EDIT, ID_CAPTCHA_IMAGE, ID_CAPTCHA_STATUS = 2404, 2405, 2406
ID_LOCK_EDIT = 1039
ID_EXCHANGE_COMBO = 1003
LOGIN_EDIT_IDS = {"user": 1001, "password": 1002, "comm_password": 1005}
LOGIN_LABELS = {"user": "资金账号", "password": "交易密码", "comm_password": "通讯密码"}


@dataclass
class Config:
    db: str
    flavour: str = "ht"
    accounts: list[dict] = field(
        default_factory=lambda: [{"user": "demo", "password": "demo", "comm_password": "demo"}]
    )
    logged_in: bool = False  # skip the login window: log in as the first account
    clock: str = "2026-11-20 10:00:00"  # a fixed market time ("system" = wall clock, always open)
    captcha: str = "off"  # off | always | once: a captcha before every (or the first) grid copy
    captcha_rejects: int = 0  # the next N captcha answers are refused whatever they are
    confirm: bool = True  # 委托确认 shown (设置→快速交易 not turned off)
    exit_confirm: bool = True
    risk_codes: list[str] = field(default_factory=list)
    lookup_delay_ms: int = 0  # the code lookup (name, price, 可买) arrives this late
    control_port: int = 0
    log: str | None = None
    seed: int = 7
    title: str | None = None  # main window title (default: the build's)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Config:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Page:
    name: str
    kind: str  # order | market | cancel | balance | table | ipo
    hwnd: int = 0
    grid: Grid | None = None
    table: str | None = None
    looked_up: str | None = None  # the code the name/price/可买 currently describe
    rows: list[Any] = field(default_factory=list)  # the objects behind the grid rows (cancel page)

    def ctrl(self, cid: int) -> int:
        return win32gui.GetDlgItem(self.hwnd, cid)


# ------------------------------------------------------------------------------------------------
# The grid: CVirtualGridCtrl
# ------------------------------------------------------------------------------------------------
class Grid:
    """A read-only table window that copies itself to the clipboard on Ctrl+A Ctrl+C (like the real)."""

    by_hwnd: ClassVar[dict[int, Grid]] = {}

    def __init__(self, app: App, parent: int, cid: int) -> None:
        self.app = app
        self.container = win32gui.CreateWindowEx(
            0,
            "HexinScrollWnd",
            "",
            w.CHILD | win32con.WS_CLIPCHILDREN,
            0,
            0,
            10,
            10,
            parent,
            200,
            w.HINST,
            None,
        )
        self.hwnd = win32gui.CreateWindowEx(
            win32con.WS_EX_CLIENTEDGE,
            "CVirtualGridCtrl",
            "",
            w.CHILD | w.TAB,
            0,
            0,
            10,
            10,
            self.container,
            cid,
            w.HINST,
            None,
        )
        Grid.by_hwnd[self.hwnd] = self
        self.header: tuple[str, ...] = ()
        self.rows: list[list[str]] = []
        self.selected = -1
        self.select_all = False
        self._char_done = False
        self.on_activate = None  # callable(row) for double-click / Enter (the cancel page)

    def place(self, x: int, y: int, width: int, height: int) -> None:
        win32gui.MoveWindow(self.container, x, y, max(10, width), max(10, height), True)
        win32gui.MoveWindow(self.hwnd, 0, 0, max(10, width), max(10, height), True)

    def set_data(self, header: tuple[str, ...], rows: list[list[str]]) -> None:
        self.header, self.rows = tuple(header), rows
        self.selected = 0 if rows else -1
        self.select_all = False
        win32gui.InvalidateRect(self.hwnd, None, True)

    def copy_text(self) -> str:
        rows = (
            self.rows
            if self.select_all
            else ([self.rows[self.selected]] if 0 <= self.selected < len(self.rows) else [])
        )
        return grids.to_tsv(self.header, rows, trailing_tab=self.app.build.trailing_tab)

    def copy(self) -> None:
        self.app.stats["copy_requests"] += 1
        if not self.app.pass_captcha():
            return
        w.set_clipboard(self.hwnd, self.copy_text())
        self.app.stats["copies"] += 1

    def move(self, row: int) -> None:
        if self.rows:
            self.selected = max(0, min(len(self.rows) - 1, row))
            self.select_all = False
            win32gui.InvalidateRect(self.hwnd, None, True)

    ROW_H = 20
    COL_W = 88

    def paint(self, hwnd: int) -> None:
        hdc, ps = win32gui.BeginPaint(hwnd)
        try:
            left, top, right, bottom = win32gui.GetClientRect(hwnd)
            win32gui.FillRect(hdc, (left, top, right, bottom), win32gui.GetStockObject(win32con.WHITE_BRUSH))
            win32gui.SetBkMode(hdc, win32con.TRANSPARENT)
            lines = [list(self.header), *self.rows]
            for r, cells in enumerate(lines):
                y = r * self.ROW_H
                if y > bottom:
                    break
                row_index = r - 1
                if r == 0:
                    win32gui.FillRect(
                        hdc, (0, y, right, y + self.ROW_H), win32gui.GetSysColorBrush(win32con.COLOR_BTNFACE)
                    )
                elif self.select_all or row_index == self.selected:
                    win32gui.FillRect(
                        hdc,
                        (0, y, right, y + self.ROW_H),
                        win32gui.GetSysColorBrush(win32con.COLOR_HIGHLIGHT),
                    )
                for c, text in enumerate(cells):
                    x = c * self.COL_W
                    win32gui.DrawText(
                        hdc,
                        text,
                        -1,
                        (x + 3, y + 2, x + self.COL_W - 2, y + self.ROW_H),
                        win32con.DT_LEFT | win32con.DT_SINGLELINE | win32con.DT_NOPREFIX,
                    )
        finally:
            win32gui.EndPaint(hwnd, ps)

    @staticmethod
    def wndproc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        grid = Grid.by_hwnd.get(hwnd)
        if grid is None:
            return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)
        try:
            return grid._handle(hwnd, msg, wparam, lparam)
        except Exception:
            log.exception("grid message %#x", msg)
            return 0

    def _handle(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == win32con.WM_PAINT:
            self.paint(hwnd)
            return 0
        if msg == win32con.WM_GETDLGCODE:
            return DLGC_WANTALLKEYS | DLGC_WANTARROWS | DLGC_WANTCHARS
        if msg == win32con.WM_LBUTTONDOWN:
            win32gui.SetFocus(hwnd)
            row = (w.hiword(lparam) // self.ROW_H) - 1
            if row >= 0:
                self.move(row)
            return 0
        if msg == win32con.WM_LBUTTONDBLCLK:
            row = (w.hiword(lparam) // self.ROW_H) - 1
            if 0 <= row < len(self.rows) and self.on_activate:
                self.move(row)
                self.on_activate(row)
            return 0
        if msg == win32con.WM_KEYDOWN:
            self.app.touch()
            ctrl = w.ctrl_down()
            if ctrl and wparam == ord("A"):
                self.select_all = True
                self._char_done = True
                win32gui.InvalidateRect(hwnd, None, True)
            elif ctrl and wparam == ord("C"):
                self._char_done = True
                self.copy()
            elif wparam == win32con.VK_HOME:
                self.move(0)
            elif wparam == win32con.VK_END:
                self.move(len(self.rows) - 1)
            elif wparam == win32con.VK_DOWN:
                self.move(self.selected + 1)
            elif wparam == win32con.VK_UP:
                self.move(self.selected - 1)
            elif wparam == win32con.VK_RETURN and self.on_activate and 0 <= self.selected < len(self.rows):
                self.on_activate(self.selected)
            return 0
        if msg == win32con.WM_CHAR:
            # Keystrokes posted without a keyboard state arrive as control characters only.
            if wparam in (1, 3):
                if self._char_done:
                    self._char_done = False
                elif wparam == 1:
                    self.select_all = True
                    win32gui.InvalidateRect(hwnd, None, True)
                else:
                    self.copy()
            return 0
        if msg == win32con.WM_COMMAND and w.loword(wparam) == COPY_CMD:
            self.select_all = True
            self.copy()
            return 0
        if msg == win32con.WM_DESTROY:
            Grid.by_hwnd.pop(hwnd, None)
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)


# ------------------------------------------------------------------------------------------------
# The application
# ------------------------------------------------------------------------------------------------
class App:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.build = builds.BUILDS[config.flavour]
        # WM_COMMAND menu nodes (the build may key them by node or by the whole wParam 0x2000<<16|node).
        self.command_pages = {key & 0xFFFF: page for key, page in self.build.commands.items()}
        self.main = 0
        self.tree = 0
        self.msgwnd = 0
        self.login_hwnd = 0
        self.pages: dict[str, Page] = {}
        self.current: str | None = None
        self.tree_items: dict[int, str] = {}
        self.page_items: dict[str, int] = {}
        self._selecting = False
        self.locked = False
        self.pending_popups: list[dict] = []
        self.actions: queue.Queue = queue.Queue()
        self.requests: queue.Queue = queue.Queue()
        self.open_dialogs: list[dict] = []
        self.dialog_log: list[dict] = []
        self.captcha_answer: str | None = None
        self.captcha_count = 0
        self.stats = {
            "orders": 0,
            "copies": 0,
            "copy_requests": 0,
            "captchas": 0,
            "captcha_ok": 0,
            "captcha_wrong": 0,
            "lookups": 0,
        }
        self.last_input = time.monotonic()
        self._subclassed: dict[int, Any] = {}
        self.rng = np.random.default_rng(config.seed)
        self.backend: Backend | None = None
        self.server: control.Server | None = None
        self.exit_code = 0

    # --- start-up ----------------------------------------------------------------------------------
    def run(self) -> int:
        w.init_common_controls()
        self._register_classes()
        self.msgwnd = win32gui.CreateWindowEx(
            0, "AshareStandinMsg", "", 0, 0, 0, 0, 0, win32con.HWND_MESSAGE, 0, w.HINST, None
        )
        if self.config.control_port >= 0:
            self.server = control.Server(self.config.control_port, self._remote)
            self.server.start()
            log.info("control port %d", self.server.port)
        t0 = time.perf_counter()
        self.backend = Backend(
            self.config.db, self.build, clock=self.config.clock, accounts=self.config.accounts
        )
        log.info("exchange ready in %.2fs", time.perf_counter() - t0)
        if self.config.logged_in:
            first = self.config.accounts[0]
            if not self.backend.login(first["user"], first["password"], first.get("comm_password")):
                log.error("auto login failed for %s", first["user"])
                return 3
        elif not self._login():
            log.info("login cancelled")
            return 0
        self._create_main()
        self._loop()
        return self.exit_code

    def _register_classes(self) -> None:
        def register(name: str, proc, style: int = 0, brush: int = win32con.COLOR_BTNFACE + 1) -> None:
            wc = win32gui.WNDCLASS()
            wc.hInstance = w.HINST
            wc.lpszClassName = name
            wc.lpfnWndProc = proc
            wc.style = style
            wc.hCursor = win32gui.LoadCursor(0, win32con.IDC_ARROW)
            wc.hbrBackground = brush
            win32gui.RegisterClass(wc)

        register(self.build.main_class, self._main_proc, win32con.CS_HREDRAW | win32con.CS_VREDRAW)
        register("CVirtualGridCtrl", Grid.wndproc, win32con.CS_DBLCLKS, win32con.COLOR_WINDOW + 1)
        register("HexinScrollWnd", self._plain_proc)
        register("AshareStandinMsg", self._msg_proc)

    @staticmethod
    def _plain_proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def _loop(self) -> None:
        keys = {
            win32con.VK_F1: "buy",
            win32con.VK_F2: "sell",
            win32con.VK_F3: "cancel",
            win32con.VK_F4: "balance",
        }
        while True:
            rc, msg = win32gui.GetMessage(None, 0, 0)
            if rc in (0, -1):
                break
            hwnd, message, wparam = msg[0], msg[1], msg[2]
            if (
                message == win32con.WM_KEYDOWN
                and self.main
                and (hwnd == self.main or win32gui.IsChild(self.main, hwnd))
            ):
                self.touch()
                if wparam in keys:
                    self.navigate(keys[wparam])
                    continue
                if wparam == win32con.VK_F5:
                    self.refresh()
                    continue
            win32gui.TranslateMessage(msg)
            win32gui.DispatchMessage(msg)

    def touch(self) -> None:
        self.last_input = time.monotonic()

    # --- login ---------------------------------------------------------------------------------------
    def _login(self) -> bool:
        fields = self.build.login_fields
        controls: list[list] = []
        y = 30
        for name in fields:
            controls.append(w.label(LOGIN_LABELS[name], (12, y + 2, 50, 10)))
            controls.append(w.edit(LOGIN_EDIT_IDS[name], (66, y, 110, 13), password=name != "user"))
            y += 20
        controls.append(w.label("网上股票交易系统5.0", (12, 10, 160, 12)))
        controls.append(w.button("确定", ID_OK, (50, y + 6, 50, 15), default=True))
        controls.append(w.button("取消", ID_CANCEL, (110, y + 6, 50, 15)))
        template = w.dialog(self.build.login_title, (200, y + 30), controls)

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                self.login_hwnd = hwnd
                return True
            if msg == win32con.WM_COMMAND:
                cid = w.loword(wparam)
                if cid == ID_OK:
                    values = {n: w.get_text(win32gui.GetDlgItem(hwnd, LOGIN_EDIT_IDS[n])) for n in fields}
                    self._try_login(hwnd, values)
                    return True
                if cid == ID_CANCEL:
                    win32gui.EndDialog(hwnd, ID_CANCEL)
                    return True
            if msg == win32con.WM_CLOSE:
                win32gui.EndDialog(hwnd, ID_CANCEL)
                return True
            return False

        result = win32gui.DialogBoxIndirect(w.HINST, template, 0, proc)
        self.login_hwnd = 0
        return result == ID_OK

    def _try_login(self, hwnd: int, values: dict[str, str]) -> None:
        if not values.get("user") or not values.get("password"):
            self.message(texts.LOGIN_FAILED.format(reason="请输入账号和密码"), parent=hwnd)
            return
        if "comm_password" in values and not values["comm_password"]:
            self.message(texts.NEED_COMM, parent=hwnd)
            return
        if self.backend.login(values["user"], values["password"], values.get("comm_password")):
            log.info("login %s", values["user"])
            win32gui.EndDialog(hwnd, ID_OK)
        else:
            self.message(texts.LOGIN_FAILED.format(reason="账号或密码错误"), parent=hwnd)

    # --- main window ---------------------------------------------------------------------------------
    def _create_main(self) -> None:
        title = self.config.title or self.build.main_title
        self.main = win32gui.CreateWindowEx(
            0,
            self.build.main_class,
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
            129,
            w.HINST,
            None,
        )
        self._fill_tree()
        for name, kind, table in (
            ("buy", "order", "positions"),
            ("sell", "order", "positions"),
            ("market_buy", "market", "positions"),
            ("market_sell", "market", "positions"),
            ("cancel", "cancel", "cancel"),
            ("balance", "balance", "positions"),
            ("entrusts", "table", "entrusts"),
            ("trades", "table", "trades"),
            ("ipo", "ipo", "ipo"),
        ):
            self._create_page(name, kind, table)
        self._layout()
        self.navigate("buy")  # data loaded while still hidden: once shown, the window answers at once
        win32gui.ShowWindow(self.main, win32con.SW_SHOW)
        win32gui.UpdateWindow(self.main)
        win32gui.SetForegroundWindow(self.main)
        with contextlib.suppress(Exception):
            win32gui.SetFocus(self.pages["buy"].ctrl(1032))
        log.info("main window %#x", self.main)

    def _fill_tree(self) -> None:
        parents: dict[tuple[str, ...], int] = {}
        paths = list(self.build.tree.items())
        # Extra nodes real clients have and the adapter must not trip over.
        paths.insert(2, (("双向委托",), ""))
        paths.append((("查询[F4]", "历史成交"), ""))
        tops_with_children = {p[0][0] for p in paths if len(p[0]) > 1}
        for path, page in paths:
            for depth in range(len(path)):
                prefix = path[: depth + 1]
                if prefix in parents:
                    continue
                parent = parents.get(path[:depth]) if depth else None
                leaf = depth == len(path) - 1
                has_children = not leaf or (depth == 0 and prefix[0] in tops_with_children)
                item = w.tree_insert(self.tree, parent, prefix[-1], len(self.tree_items) + 1, has_children)
                parents[prefix] = item
                if leaf and page:
                    self.tree_items[item] = page
                    self.page_items[page] = item
        for prefix, item in parents.items():
            if len(prefix) == 1 and prefix[0] in tops_with_children:
                w.tree_expand(self.tree, item)

    def _layout(self) -> None:
        if not self.main:
            return
        _, _, width, height = win32gui.GetClientRect(self.main)
        win32gui.MoveWindow(self.tree, 0, 0, 200, height, True)
        for page in self.pages.values():
            win32gui.MoveWindow(page.hwnd, 204, 0, max(50, width - 204), height, True)

    def _main_proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        try:
            if msg == win32con.WM_SIZE:
                self._layout()
                return 0
            if msg == win32con.WM_NOTIFY:
                code, id_from = w.notify_code(lparam)
                if id_from == 129 and code in (w.TVN_SELCHANGEDW, w.TVN_SELCHANGEDA) and not self._selecting:
                    page = self.tree_items.get(w.tree_selection(self.tree))
                    if page:
                        self.show_page(page)
                return 0
            if msg == win32con.WM_COMMAND:
                cid = w.loword(wparam)
                page = self.command_pages.get(cid)
                if page:
                    self.touch()
                    self.navigate(page)
                    return 0
                if cid == REFRESH_CMD:
                    self.refresh()
                    return 0
            if msg == win32con.WM_CLOSE:
                if self.config.exit_confirm and self.modal("退出确认", texts.EXIT, "yesno") != ID_YES:
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

    def _msg_proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == WM_APP_CONTROL:
            while True:
                try:
                    request, reply = self.requests.get_nowait()
                except queue.Empty:
                    break
                try:
                    reply.put(self.handle_request(request))
                except Exception as exc:
                    log.exception("control request %r", request)
                    reply.put({"ok": False, "error": repr(exc)})
            return 0
        if msg == WM_APP_ACTION:
            try:
                action = self.actions.get_nowait()
            except queue.Empty:
                return 0
            try:
                action()
            except Exception:
                log.exception("deferred action")
            return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def later(self, action) -> None:
        self.actions.put(action)
        win32gui.PostMessage(self.msgwnd, WM_APP_ACTION, 0, 0)

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
        for other, page in self.pages.items():
            if other != name:
                win32gui.ShowWindow(page.hwnd, win32con.SW_HIDE)
        page = self.pages[name]
        self.current = name
        self.refresh(page)
        win32gui.ShowWindow(page.hwnd, win32con.SW_SHOW)
        if page.kind in ("order", "market"):
            win32gui.SetFocus(page.ctrl(1032))
        elif page.grid:
            win32gui.SetFocus(page.grid.hwnd)

    def refresh(self, page: Page | None = None) -> None:
        page = page or (self.pages.get(self.current) if self.current else None)
        if page is None or self.backend is None or self.backend.broker is None:
            return
        try:
            if page.kind == "balance":
                values = self.backend.balance_values()
                for label_text, cid in self.build.balance_statics.items():
                    w.set_text(page.ctrl(cid), f"{values.get(label_text, Decimal(0)):.2f}")
            if page.grid and page.table:
                if page.table == "cancel":
                    page.rows = self.backend.cancelable()
                header, rows = self.backend.table(page.table)
                page.grid.set_data(header, rows)
        except Exception:
            log.exception("refresh %s", page.name)

    def _create_page(self, name: str, kind: str, table: str | None) -> None:
        page = Page(name, kind, table=table)
        controls: list[list] = []
        grid_top = 150
        if kind in ("order", "market"):
            side = side_of(name)
            verb = side.label
            controls += [
                w.label("证券代码", (10, 12, 40, 10)),
                w.edit(1032, (55, 10, 70, 13)),
                w.label("", (130, 12, 80, 10), 1036),
                w.label(f"{verb}价格" if kind == "order" else "保护限价", (10, 30, 40, 10)),
                w.edit(1033, (55, 28, 70, 13)),
                w.label("可买(股)" if side is Side.BUY else "可卖(股)", (10, 48, 40, 10)),
                w.label("", (55, 48, 70, 10), 1018 if side is Side.BUY else 1038),
                w.label(f"{verb}数量", (10, 66, 40, 10)),
                w.edit(1034, (55, 64, 70, 13)),
                w.label("交易市场", (10, 84, 40, 10)),
                w.combo(ID_EXCHANGE_COMBO, (55, 82, 70, 60)),
            ]
            if kind == "market":
                controls += [w.label("报价方式", (10, 102, 40, 10)), w.combo(1541, (55, 100, 130, 90))]
            controls.append(w.button(verb, 1006, (55, 120, 60, 15), default=True))
        elif kind == "cancel":
            controls += [
                w.button("撤单", 1099, (10, 8, 40, 14)),
                w.button("全撤(Z /)", 30001, (55, 8, 50, 14)),
                w.button("撤买(X)", 30002, (110, 8, 45, 14)),
                w.button("撤卖(C)", 30003, (160, 8, 45, 14)),
            ]
            grid_top = 40
        elif kind == "balance":
            for i, (label_text, cid) in enumerate(self.build.balance_statics.items()):
                x, y = 10 + (i % 3) * 110, 10 + (i // 3) * 18
                controls += [w.label(label_text, (x, y, 40, 10)), w.label("", (x + 42, y, 60, 10), cid)]
            grid_top = 70
        elif kind == "ipo":
            controls.append(w.button("一键申购", 1006, (10, 8, 50, 15)))
            grid_top = 40
        else:
            grid_top = 10

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            try:
                return self._page_proc(page, hwnd, msg, wparam, lparam)
            except Exception:
                log.exception("page %s message %#x", page.name, msg)
                return False

        page.hwnd = win32gui.CreateDialogIndirect(w.HINST, w.page_template(controls), self.main, proc)
        self.pages[name] = page
        if kind in ("order", "market"):
            w.combo_fill(page.ctrl(ID_EXCHANGE_COMBO), ["上海Ａ股", "深圳Ａ股"], 0)
            if not self.build.settext_triggers_lookup:
                self._subclass_code_edit(page)
        if table:
            top_px = self._dlu_to_px(page.hwnd, grid_top)
            page.grid = Grid(self, page.hwnd, self.build.grid_id)
            page.grid.top = top_px
            if kind == "cancel":
                page.grid.on_activate = lambda row, p=page: self.later(lambda: self.cancel_row(p, row))

    @staticmethod
    def _dlu_to_px(hwnd: int, y: int) -> int:
        rect = ctypes.wintypes.RECT(0, 0, 0, y)
        ctypes.windll.user32.MapDialogRect(hwnd, ctypes.byref(rect))
        return rect.bottom

    def _page_proc(self, page: Page, hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
        if msg == win32con.WM_INITDIALOG:
            return True
        if msg == win32con.WM_SIZE and page.grid:
            width, height = w.loword(lparam), w.hiword(lparam)
            top = getattr(page.grid, "top", 10)
            page.grid.place(8, top, width - 16, height - top - 8)
            return True
        if msg == win32con.WM_TIMER and wparam == LOOKUP_TIMER:
            win32gui.KillTimer(hwnd, LOOKUP_TIMER)
            self.lookup(page)
            return True
        if msg != win32con.WM_COMMAND:
            return False
        cid, code = w.loword(wparam), w.hiword(wparam)
        self.touch()
        if page.kind in ("order", "market"):
            if cid == 1032 and code == win32con.EN_CHANGE:
                if self.build.settext_triggers_lookup:
                    self.schedule_lookup(page)
                elif page.looked_up and w.get_text(page.ctrl(1032)) != page.looked_up:
                    self.clear_lookup(page)
                return True
            if cid == 1006 and code == win32con.BN_CLICKED:
                self.submit(page)
                return True
        elif page.kind == "cancel" and code == win32con.BN_CLICKED:
            if cid == 1099:
                self.cancel_row(page, page.grid.selected if page.grid else -1)
                return True
            if cid in (30001, 30002, 30003):
                self.cancel_many(page, {30001: None, 30002: Side.BUY, 30003: Side.SELL}[cid])
                return True
        elif page.kind == "ipo" and cid == 1006 and code == win32con.BN_CLICKED:
            self.apply_ipo(page)
            return True
        return False

    # --- code lookup ---------------------------------------------------------------------------------
    def _subclass_code_edit(self, page: Page) -> None:
        """Typed characters trigger the lookup; WM_SETTEXT alone does not (the ht build's behaviour)."""
        edit = page.ctrl(1032)

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
            result = win32gui.CallWindowProc(self._subclassed[hwnd], hwnd, msg, wparam, lparam)
            if msg == win32con.WM_CHAR:
                self.schedule_lookup(page)
            return result

        self._subclassed[edit] = win32gui.SetWindowLong(edit, win32con.GWL_WNDPROC, proc)

    def schedule_lookup(self, page: Page) -> None:
        code = w.get_text(page.ctrl(1032)).strip()
        if len(code) != 6:
            self.clear_lookup(page)
            return
        if self.config.lookup_delay_ms > 0:
            win32gui.SetTimer(page.hwnd, LOOKUP_TIMER, self.config.lookup_delay_ms)
        else:
            self.lookup(page)

    def clear_lookup(self, page: Page) -> None:
        page.looked_up = None
        w.set_text(page.ctrl(1036), "")
        w.set_text(page.ctrl(1018 if side_of(page.name) is Side.BUY else 1038), "")

    def lookup(self, page: Page) -> None:
        code = w.get_text(page.ctrl(1032)).strip()
        info = self.backend.lookup(code)
        if info is None:
            self.clear_lookup(page)
            return
        self.stats["lookups"] += 1
        price = info.last
        price_text = f"{price:.3f}" if price.as_tuple().exponent <= -3 else f"{price:.2f}"
        if page.kind == "order":
            w.set_text(page.ctrl(1033), price_text)
        win32gui.SendMessage(
            page.ctrl(ID_EXCHANGE_COMBO), win32con.CB_SETCURSEL, 0 if info.market is Market.SH else 1, 0
        )
        if side_of(page.name) is Side.BUY:
            w.set_text(page.ctrl(1018), str(self.backend.buyable(price)))
        else:
            w.set_text(page.ctrl(1038), str(self.backend.sellable(code)))
        if page.kind == "market":
            labels = list(self.backend.market_labels(code)) or ["不支持市价委托"]
            w.combo_fill(page.ctrl(1541), labels, 0)
        page.looked_up = code
        w.set_text(page.ctrl(1036), info.name)  # last: the name is what callers wait for

    # --- orders --------------------------------------------------------------------------------------
    def submit(self, page: Page) -> None:
        side = side_of(page.name)
        code = w.get_text(page.ctrl(1032)).strip()
        name = w.get_text(page.ctrl(1036))
        if not code or page.looked_up != code or not name:
            self.message(texts.NO_CODE)
            return
        amount_text = w.get_text(page.ctrl(1034)).strip()
        if not amount_text.isdigit() or int(amount_text) <= 0:
            self.message(texts.BAD_AMOUNT)
            return
        amount = int(amount_text)
        price = protect = mtype = None
        info = self.backend.lookup(code)
        if page.kind == "market":
            label_text = w.combo_text(page.ctrl(1541))
            mtype = match_label(label_text)
            if mtype is None:
                self.message(texts.NO_MARKET)
                return
            detail = texts.CONFIRM_MARKET.format(mtype=label_text)
            if info and info.board in (Board.STAR, Board.BSE):
                protect = parse_decimal(w.get_text(page.ctrl(1033)))
                if protect is None or protect <= 0:
                    self.message(texts.NO_PROTECT)
                    return
                detail += texts.CONFIRM_PROTECT.format(price=protect)
        else:
            price = parse_decimal(w.get_text(page.ctrl(1033)))
            if price is None or price <= 0:
                self.message(texts.BAD_PRICE)
                return
            detail = texts.CONFIRM_PRICE.format(side=side.label, price=w.get_text(page.ctrl(1033)).strip())
        while self.pending_popups:
            popup = self.pending_popups.pop(0)
            self.modal(popup.get("title", "提示"), popup.get("text", ""), popup.get("buttons", "ok"))
        if (
            code in self.config.risk_codes
            and self.modal(texts.RISK_TITLE, texts.RISK.format(code=code), "yesno") != ID_YES
        ):
            return
        if self.config.confirm:
            text = texts.CONFIRM.format(
                side=side.label,
                account=self.backend.account_label,
                code=code,
                name=name,
                detail=detail,
                amount=amount,
            )
            if self.modal(texts.CONFIRM_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
                return
        request = OrderRequest(
            code=code, side=side, amount=amount, price=price, market_type=mtype, protect_price=protect
        )
        try:
            ack = self.backend.place(request)
        except GatewayError as exc:
            log.info("order refused: %s", exc.message)
            self.message(exc.message)
            return
        except Exception as exc:
            log.exception("order failed")
            self.message(f"委托失败：{exc}")
            return
        self.stats["orders"] += 1
        for cid in (1032, 1033, 1034):
            w.set_text(page.ctrl(cid), "")
        self.clear_lookup(page)
        self.refresh(page)
        self.message(texts.ORDER_OK.format(side=side.label, contract_no=ack.contract_no))

    # --- cancels -------------------------------------------------------------------------------------
    def cancel_row(self, page: Page, row: int) -> None:
        if not (0 <= row < len(page.rows)):
            self.message(texts.NOTHING_TO_CANCEL)
            return
        e = page.rows[row]
        text = texts.CANCEL_ONE.format(
            code=e.code, name=e.name, side=e.side.label, amount=e.quantity, contract_no=e.contract_no
        )
        if self.modal(texts.CANCEL_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        try:
            self.backend.cancel(e.contract_no)
        except GatewayError as exc:
            self.refresh(page)
            self.message(exc.message)
            return
        self.refresh(page)
        self.message(texts.CANCEL_OK.format(contract_no=e.contract_no))

    def cancel_many(self, page: Page, side: Side | None) -> None:
        self.refresh(page)
        targets = [e for e in page.rows if side is None or e.side is side]
        if not targets:
            self.message(texts.NOTHING_TO_CANCEL)
            return
        if (
            self.modal(
                texts.CANCEL_TITLE, texts.CANCEL_ALL.format(n=len(targets)), "yesno", text_id=ID_TEXT_CONFIRM
            )
            != ID_YES
        ):
            return
        done = 0
        for e in targets:
            try:
                self.backend.cancel(e.contract_no)
                done += 1
            except GatewayError as exc:
                log.info("cancel %s refused: %s", e.contract_no, exc.message)
        self.refresh(page)
        self.message(texts.CANCEL_ALL_OK.format(n=done))

    # --- IPO -----------------------------------------------------------------------------------------
    def apply_ipo(self, page: Page) -> None:
        offers = self.backend.ipo_offers()
        if not offers:
            self.message(texts.IPO_NONE)
            return
        lines = "\n".join(f"{o['申购代码']} {o['证券名称']} {o['申购价格']:.2f}" for o in offers)
        if (
            self.modal(
                texts.IPO_TITLE,
                texts.IPO_CONFIRM.format(n=len(offers), lines=lines),
                "yesno",
                text_id=ID_TEXT_CONFIRM,
            )
            != ID_YES
        ):
            return
        try:
            result = self.backend.auto_ipo()
        except GatewayError as exc:
            self.message(exc.message)
            return
        self.refresh(page)
        n = len(result.applied)
        self.message(texts.IPO_OK.format(n=n) if n else texts.IPO_NONE)

    # --- pop-ups -------------------------------------------------------------------------------------
    def _title_controls(self, title: str, width: int) -> tuple[str, list[list]]:
        """(caption, controls): builds that draw the title in Static 1365 leave the caption empty."""
        if self.build.caption_in_static:
            return "", [w.label(title, (8, 6, width - 16, 10), ID_TITLE)]
        return title, []

    def modal(
        self,
        title: str,
        text: str,
        buttons: str = "ok",
        *,
        text_id: int = ID_TEXT_TIP,
        parent: int | None = None,
    ) -> int:
        """A modal pop-up owned by the main window; returns the ID of the button that closed it."""
        lines = max(1, text.count("\n") + 1)
        width, height = 220, 44 + lines * 10
        caption, controls = self._title_controls(title, width)
        controls.append(w.label(text, (12, 20, width - 24, lines * 10 + 4), text_id))
        by = height - 20
        if buttons == "yesno":
            controls += [
                w.button("是(Y)", ID_YES, (width // 2 - 60, by, 50, 14), default=True),
                w.button("否(N)", ID_NO, (width // 2 + 10, by, 50, 14)),
            ]
            on_close = ID_NO
        else:
            controls.append(w.button("确定", ID_OK, (width // 2 - 25, by, 50, 14), default=True))
            on_close = ID_OK
        template = w.dialog(caption, (width, height), controls)
        record = {"title": title, "text": text, "hwnd": 0, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                record["hwnd"] = hwnd
                return True
            if msg == win32con.WM_COMMAND and w.loword(wparam) in (ID_OK, ID_CANCEL, ID_YES, ID_NO):
                cid = w.loword(wparam)
                win32gui.EndDialog(hwnd, on_close if cid == ID_CANCEL else cid)
                return True
            if msg == win32con.WM_CLOSE:
                win32gui.EndDialog(hwnd, on_close)
                return True
            return False

        return self._run_modal(template, proc, record, parent)

    def _run_modal(self, template: list, proc, record: dict, parent: int | None) -> int:
        owner = parent if parent is not None else (self.main or self.login_hwnd)
        self.open_dialogs.append(record)
        try:
            result = win32gui.DialogBoxIndirect(w.HINST, template, owner, proc)
        finally:
            self.open_dialogs.remove(record)
        record["answer"] = result
        record.pop("hwnd", None)
        self.dialog_log.append(record)
        del self.dialog_log[:-50]
        log.info("dialog %s -> %s", record.get("title"), result)
        return result

    def message(self, text: str, *, parent: int | None = None) -> int:
        return self.modal(texts.RESULT_TITLE, text, "ok", parent=parent)

    # --- the copy captcha ------------------------------------------------------------------------------
    def pass_captcha(self) -> bool:
        mode = self.config.captcha
        if mode == "off" or (mode == "once" and self.stats["captcha_ok"] > 0):
            return True
        return self.captcha_dialog() == ID_OK

    def _new_captcha(self, dlg: int) -> None:
        from ashare_gateway.brokers.xiadan.captcha_compose import compose_captcha

        self.captcha_count += 1
        self.stats["captchas"] += 1
        digits = f"{int(self.rng.integers(0, 10000)):04d}"
        self.captcha_answer = digits
        image = compose_captcha(digits, self.rng)
        hbmp = w.bitmap_from_pil(image)
        old = win32gui.SendMessage(
            win32gui.GetDlgItem(dlg, ID_CAPTCHA_IMAGE), w.STM_SETIMAGE, win32con.IMAGE_BITMAP, hbmp
        )
        if old:
            win32gui.DeleteObject(old)

    def captcha_dialog(self) -> int:
        width, height = 200, 100
        caption, controls = self._title_controls("提示", width)
        controls += [
            w.label(texts.CAPTCHA_COPY, (10, 18, width - 20, 20), ID_TEXT_TIP),
            w.label("验证码", (10, 46, 30, 10)),
            w.edit(ID_CAPTCHA_EDIT, (42, 44, 50, 13)),
            w.label("", (10, 64, width - 20, 10), ID_CAPTCHA_STATUS),
            w.button("确定", ID_OK, (width // 2 - 55, 80, 50, 14), default=True),
            w.button("取消", ID_CANCEL, (width // 2 + 5, 80, 50, 14)),
        ]
        template = w.dialog(caption, (width, height), controls)
        record = {"title": "验证码", "text": texts.CAPTCHA_COPY, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            try:
                if msg == win32con.WM_INITDIALOG:
                    x = ctypes.wintypes.RECT(100, 40, 0, 0)
                    ctypes.windll.user32.MapDialogRect(hwnd, ctypes.byref(x))
                    win32gui.CreateWindowEx(
                        0,
                        "Static",
                        "",
                        w.CHILD | w.SS_BITMAP | w.SS_NOTIFY,
                        x.left,
                        x.top,
                        92,
                        38,
                        hwnd,
                        ID_CAPTCHA_IMAGE,
                        w.HINST,
                        None,
                    )
                    self._new_captcha(hwnd)
                    win32gui.SetFocus(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT))
                    return False
                if msg == win32con.WM_COMMAND:
                    cid, code = w.loword(wparam), w.hiword(wparam)
                    if cid == ID_CAPTCHA_IMAGE and code == w.STN_CLICKED:
                        self._new_captcha(hwnd)
                        return True
                    if cid == ID_OK:
                        answer = w.get_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT)).strip()
                        if answer == self.captcha_answer and self.config.captcha_rejects <= 0:
                            self.stats["captcha_ok"] += 1
                            win32gui.EndDialog(hwnd, ID_OK)
                        else:
                            self.config.captcha_rejects = max(0, self.config.captcha_rejects - 1)
                            self.stats["captcha_wrong"] += 1
                            w.set_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_STATUS), texts.CAPTCHA_WRONG)
                            w.set_text(win32gui.GetDlgItem(hwnd, ID_CAPTCHA_EDIT), "")
                            self._new_captcha(hwnd)
                        return True
                    if cid == ID_CANCEL:
                        win32gui.EndDialog(hwnd, ID_CANCEL)
                        return True
                if msg == win32con.WM_CLOSE:
                    win32gui.EndDialog(hwnd, ID_CANCEL)
                    return True
            except Exception:
                log.exception("captcha dialog")
            return False

        return self._run_modal(template, proc, record, None)

    # --- the lock screen --------------------------------------------------------------------------------
    def lock_screen(self) -> None:
        if self.locked:
            return
        self.locked = True
        width = 200
        caption, controls = self._title_controls("系统锁定", width)
        controls += [
            w.label(texts.LOCK, (10, 20, width - 20, 12), ID_TEXT_TIP),
            w.label("交易密码", (10, 40, 35, 10)),
            w.edit(ID_LOCK_EDIT, (50, 38, 90, 13), password=True),
            w.button("确定", ID_OK, (width // 2 - 25, 60, 50, 14), default=True),
        ]
        template = w.dialog(caption, (width, 82), controls)
        record = {"title": "系统锁定", "text": texts.LOCK, "shown": time.time()}

        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            if msg == win32con.WM_INITDIALOG:
                return True
            if msg == win32con.WM_COMMAND and w.loword(wparam) == ID_OK:
                if self.backend.check_password(w.get_text(win32gui.GetDlgItem(hwnd, ID_LOCK_EDIT))):
                    win32gui.EndDialog(hwnd, ID_OK)
                else:
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_TEXT_TIP), texts.LOCK_WRONG)
                    w.set_text(win32gui.GetDlgItem(hwnd, ID_LOCK_EDIT), "")
                return True
            # WM_CLOSE is swallowed: the lock screen cannot be closed, only unlocked.
            return msg == win32con.WM_CLOSE

        try:
            self._run_modal(template, proc, record, None)
        finally:
            self.locked = False

    # --- test hooks -----------------------------------------------------------------------------------
    def _remote(self, request: dict) -> dict:
        """Called on the control server's thread: hand the request to the GUI thread and wait."""
        reply: queue.Queue = queue.Queue()
        self.requests.put((request, reply))
        win32gui.PostMessage(self.msgwnd, WM_APP_CONTROL, 0, 0)
        return reply.get(timeout=20)

    def handle_request(self, req: dict) -> dict:
        cmd = req.get("cmd")
        if cmd == "ping":
            return {"ok": True, "main": self.main, "page": self.current, "pid": os.getpid()}
        if cmd == "state":
            return {
                "ok": True,
                "main": self.main,
                "page": self.current,
                "locked": self.locked,
                "logged_in": bool(self.backend and self.backend.user),
                "open_dialogs": [
                    {k: v for k, v in d.items() if k in ("title", "text")} for d in self.open_dialogs
                ],
                "dialog_log": [
                    {k: v for k, v in d.items() if k in ("title", "text", "answer")}
                    for d in self.dialog_log[-20:]
                ],
                "stats": dict(self.stats),
                "config": {k: v for k, v in asdict(self.config).items() if k not in ("accounts",)},
                "exchange": self.backend.ground_truth() if self.backend else None,
            }
        if cmd == "popup":
            popup = {
                "title": req.get("title", "提示"),
                "text": req.get("text", ""),
                "buttons": req.get("buttons", "ok"),
            }
            if req.get("when") == "next_order":
                self.pending_popups.append(popup)
            else:
                self.later(lambda: self.modal(popup["title"], popup["text"], popup["buttons"]))
            return {"ok": True}
        if cmd == "lock":
            self.later(self.lock_screen)
            return {"ok": True}
        if cmd == "set":
            for key, value in req.items():
                if key != "cmd" and hasattr(self.config, key):
                    setattr(self.config, key, value)
            return {"ok": True}
        if cmd == "advance":
            self.backend.advance(float(req.get("seconds", 0)))
            return {"ok": True, "now": self.backend.now().isoformat()}
        if cmd == "quote":
            q = self.backend.exchange.quote(req["code"])
            return {
                "ok": True,
                "name": q.name,
                "last": str(q.last),
                "prev_close": str(q.prev_close),
                "ask1": str(q.asks[0].price) if q.asks else None,
                "bid1": str(q.bids[0].price) if q.bids else None,
                "limit_up": str(q.limit_up) if q.limit_up else None,
                "limit_down": str(q.limit_down) if q.limit_down else None,
            }
        if cmd == "captcha_answer":
            return {"ok": True, "answer": self.captcha_answer}
        if cmd == "quit":
            self.config.exit_confirm = False
            if self.main:
                win32gui.PostMessage(self.main, win32con.WM_CLOSE, 0, 0)
            else:
                win32gui.PostQuitMessage(0)
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}


def run(config: Config) -> int:
    handlers: list[logging.Handler] = []
    if config.log:
        handlers.append(logging.FileHandler(config.log, encoding="utf-8"))
    elif sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.INFO,
        handlers=handlers,
        datefmt="%H:%M:%S",
        format="%(asctime)s.%(msecs)03d standin %(levelname)s %(message)s",
    )
    app = App(config)
    try:
        return app.run()
    except Exception:
        log.error("stand-in crashed:\n%s", traceback.format_exc())
        return 1
    finally:
        if app.server:
            app.server.stop()
        logging.shutdown()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Win32 stand-in for xiadan.exe")
    parser.add_argument("--config", required=True, help="standin.json")
    ns = parser.parse_args(argv)
    return run(Config.load(ns.config))
