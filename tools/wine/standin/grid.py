"""The grid: ``CVirtualGridCtrl`` (id 1047) inside a ``HexinScrollWnd`` container (id 200).

A read-only table window that copies itself to the clipboard as tab-separated text (header first) on
Ctrl+A Ctrl+C, on posted keystrokes, and on ``WM_COMMAND 0xE122``; rows are selectable by Home/Down and
a click, and Enter or a double-click activates the selected row (the cancel page cancels it). Knobs:
``copy_refused`` (no copy at all), ``copy_command_ignored`` (0xE122 does nothing, keys still copy),
``ime_eats_copy`` (the IME eats the next N Ctrl+C keystrokes).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, ClassVar

import win32api
import win32con
import win32gui

from ashare_gateway.simulators.xiadan import grids, texts

from . import win as w
from .ids import COPY_CMD, DLGC_WANTALLKEYS, DLGC_WANTARROWS, DLGC_WANTCHARS, ID_GRID_CONTAINER

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

SELECTION_KEYS = (win32con.VK_HOME, win32con.VK_END, win32con.VK_DOWN, win32con.VK_UP)


class Grid:
    """A read-only table window that copies itself to the clipboard on Ctrl+A Ctrl+C (like the real)."""

    by_hwnd: ClassVar[dict[int, Grid]] = {}

    def __init__(self, app: App, parent: int, cid: int) -> None:
        self.app = app
        # The real nesting (issue 14): page → a container that is also 1047 → 200 → the 1047 grid, so a
        # search by ID alone finds the container; only a search by class finds the grid. The container
        # always exists; ``nest()`` moves the grid into it or out of it (``Config.grid_nesting``).
        self.page, self.cid, self.nested = parent, cid, False
        self.rect = (0, 0, 10, 10)
        outer_style = win32con.WS_CHILD | win32con.WS_CLIPCHILDREN
        self.outer = win32gui.CreateWindowEx(
            0, "AfxWnd42s", "", outer_style, 0, 0, 10, 10, parent, 0, w.HINST, None
        )
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
            ID_GRID_CONTAINER,
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
        self.on_select_key = None  # callable(vk) after Home/End/Up/Down (the cancel race: reorder.py)
        self.top = 10  # pixels from the page's top (set by the page that owns the grid)

    def nest(self, on: bool) -> None:
        """Put the grid's 200 container inside the extra 1047 container (on) or straight on the page."""
        if on == self.nested:
            return
        self.nested = on
        win32api.SetWindowLong(self.outer, win32con.GWL_ID, self.cid if on else 0)
        win32gui.SetParent(self.container, self.outer if on else self.page)
        win32gui.ShowWindow(self.outer, win32con.SW_SHOW if on else win32con.SW_HIDE)
        self.place(*self.rect)

    def place(self, x: int, y: int, width: int, height: int) -> None:
        self.rect = (x, y, width, height)
        width, height = max(10, width), max(10, height)
        if self.nested:
            win32gui.MoveWindow(self.outer, x, y, width, height, True)
            x = y = 0
        win32gui.MoveWindow(self.container, x, y, width, height, True)
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
        app = self.app
        app.stats["copy_requests"] += 1
        if app.config.copy_refused:
            # Some builds (and brokers) switch copying off: nothing reaches the clipboard.
            app.stats["copy_refused"] += 1
            return
        if not app.captcha.passed():
            return
        w.set_clipboard(self.hwnd, self.copy_text())
        app.stats["copies"] += 1

    def _ime_ate_copy(self) -> bool:
        """Knob ``ime_eats_copy`` = N: the IME takes the next N Ctrl+C keystrokes before the grid sees
        them (the Linux fake's ``Faults.ime_eats_copy``); True when it ate this one. 0xE122 is no key:
        never eaten."""
        config = self.app.config
        if config.ime_eats_copy <= 0:
            return False
        config.ime_eats_copy -= 1
        self.app.stats["ime_ate_copy"] += 1
        log.info("the IME ate a Ctrl+C (%d more to eat)", config.ime_eats_copy)
        return True

    def save(self) -> None:
        """Ctrl+S: (the captcha, then) the save-as dialog, writing the whole grid."""
        app = self.app
        log.info("save requested (%d rows)", len(self.rows))
        export = grids.to_export(self.header, self.rows, quote_codes=app.build.save_quotes_codes)
        if app.captcha.passed(texts.CAPTCHA_SAVE):
            app.save_dialog.show(export)

    def _ctrl_held(self) -> bool:
        """Whether Ctrl is down for the key being handled. With ``ctrl_lag_ms`` the client reads it as
        the real one does, with GetAsyncKeyState, and only gets to it that long after the key arrived:
        a Ctrl released in the meantime (Ctrl+C sent with no pause) does not count."""
        lag = self.app.config.ctrl_lag_ms
        if lag <= 0:
            return w.ctrl_down()
        waited = (win32api.GetTickCount() - w.message_time()) & 0xFFFFFFFF
        if waited < lag:
            time.sleep((lag - waited) / 1000)
        return bool(win32api.GetAsyncKeyState(win32con.VK_CONTROL) & 0x8000)

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
            ctrl = self._ctrl_held() if wparam in (ord("A"), ord("C"), ord("S")) else False
            if wparam in (ord("A"), ord("C"), ord("S")):
                log.info("grid key %s ctrl=%s", chr(wparam), ctrl)
            if wparam in (ord("A"), ord("C")) and not ctrl and w.ctrl_down():
                self.app.stats["copy_keys_lost"] += 1
            if ctrl and wparam == ord("A"):
                self.select_all = True
                self._char_done = True
                win32gui.InvalidateRect(hwnd, None, True)
            elif ctrl and wparam == ord("C"):
                self._char_done = True  # the WM_CHAR that follows is the same keystroke
                if not self._ime_ate_copy():
                    self.copy()
            elif ctrl and wparam == ord("S"):
                self._char_done = True
                self.app.later(self.save)
            elif wparam == win32con.VK_HOME:
                self.move(0)
            elif wparam == win32con.VK_END:
                self.move(len(self.rows) - 1)
            elif wparam == win32con.VK_DOWN:
                self.move(self.selected + 1)
            elif wparam == win32con.VK_UP:
                self.move(self.selected - 1)
            if wparam in SELECTION_KEYS and self.on_select_key:
                self.on_select_key(wparam)
            elif wparam == win32con.VK_RETURN and self.on_activate and 0 <= self.selected < len(self.rows):
                self.on_activate(self.selected)
            return 0
        if msg == win32con.WM_CHAR:
            # Keystrokes posted without a keyboard state arrive as control characters only; a client
            # that reads Ctrl with GetAsyncKeyState (ctrl_lag_ms) ignores them.
            if wparam in (1, 3, 19) and self.app.config.ctrl_lag_ms > 0:
                self._char_done = False
                return 0
            if wparam == 19:
                if self._char_done:
                    self._char_done = False
                else:
                    self.app.later(self.save)
                return 0
            if wparam in (1, 3):
                if self._char_done:
                    self._char_done = False
                elif wparam == 1:
                    self.select_all = True
                    win32gui.InvalidateRect(hwnd, None, True)
                elif not self._ime_ate_copy():
                    self.copy()
            return 0
        if msg == win32con.WM_COMMAND and w.loword(wparam) == COPY_CMD:
            if self.app.config.copy_command_ignored:  # a build whose grid has no Edit→Copy handler
                self.app.stats["copy_command_ignored"] += 1
                return 0
            self.select_all = True
            self.copy()
            return 0
        if msg == win32con.WM_DESTROY:
            Grid.by_hwnd.pop(hwnd, None)
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)
