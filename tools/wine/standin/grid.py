"""The grid: ``CVirtualGridCtrl`` (id 1047) inside a ``HexinScrollWnd`` container (id 200).

A read-only table window that copies itself to the clipboard as tab-separated text (header first) on
Ctrl+A Ctrl+C, on posted keystrokes, and on ``WM_COMMAND 0xE122``; rows are selectable by Home/Down and
a click, and Enter or a double-click activates the selected row (the cancel page cancels it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

import win32con
import win32gui

from ashare_gateway.desktop.fake import grids

from . import win as w
from .ids import COPY_CMD, DLGC_WANTALLKEYS, DLGC_WANTARROWS, DLGC_WANTCHARS, ID_GRID_CONTAINER

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")


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
        self.top = 10  # pixels from the page's top (set by the page that owns the grid)

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
        if not self.app.captcha.passed():
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
