"""A page of the main frame: a child dialog of the main window, created at start and hidden when not
current (so hidden duplicates of 1032, 1047… exist, as in the real client), with an optional grid.

Subclasses say what the page holds (:meth:`Page.controls`) and what its buttons do
(:meth:`Page.on_command`); this module has the plain kinds (资金股票, the query tables).
"""

from __future__ import annotations

import ctypes
import logging
from ctypes import wintypes
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import win32con
import win32gui

from . import win as w
from .grid import Grid

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")


class Page:
    kind: ClassVar[str] = "table"
    grid_top: ClassVar[int] = 10  # dialog units from the page's top to its grid
    grid_type: ClassVar[type[Grid]] = Grid  # the IPO page's grid has check cells (ipo_page.IpoGrid)

    def __init__(self, app: App, name: str, table: str | None) -> None:
        self.app = app
        self.name = name
        self.table = table
        self.hwnd = 0
        self.grid: Grid | None = None
        self.rows: list[Any] = []  # the objects behind the grid rows (cancel page)

    def ctrl(self, cid: int) -> int:
        return win32gui.GetDlgItem(self.hwnd, cid)

    # --- what a kind of page defines -----------------------------------------------------------------
    def controls(self) -> list[list]:
        return []

    def after_create(self) -> None:
        """Fill combos, subclass controls: anything that needs the page's HWNDs."""

    def on_command(self, cid: int, code: int) -> bool:
        return False

    def on_timer(self, timer_id: int) -> bool:
        return False

    def focus_target(self) -> int:
        return self.grid.hwnd if self.grid else 0

    def refresh_fields(self) -> None:
        """Refresh whatever the page shows beside its grid."""

    # --- shared machinery ------------------------------------------------------------------------------
    def create(self, parent: int) -> None:
        def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
            try:
                return self._proc(hwnd, msg, wparam, lparam)
            except Exception:
                log.exception("page %s message %#x", self.name, msg)
                return False

        self.hwnd = win32gui.CreateDialogIndirect(w.HINST, w.page_template(self.controls()), parent, proc)
        self.after_create()
        if self.table:
            self.grid = self.grid_type(self.app, self.hwnd, self.app.build.grid_id)
            self.grid.top = self._dlu_to_px(self.hwnd, self.grid_top)

    @staticmethod
    def _dlu_to_px(hwnd: int, y: int) -> int:
        rect = wintypes.RECT(0, 0, 0, y)
        ctypes.windll.user32.MapDialogRect(hwnd, ctypes.byref(rect))
        return rect.bottom

    def _proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> bool:
        if msg == win32con.WM_INITDIALOG:
            return True
        if msg == win32con.WM_SIZE and self.grid:
            width, height = w.loword(lparam), w.hiword(lparam)
            top = self.grid.top
            self.grid.place(8, top, width - 16, height - top - 8)
            return True
        if msg == win32con.WM_TIMER:
            return self.on_timer(wparam)
        if msg != win32con.WM_COMMAND:
            return False
        self.app.touch()
        return self.on_command(w.loword(wparam), w.hiword(wparam))

    def refresh(self) -> None:
        backend = self.app.backend
        if backend is None or backend.broker is None:
            return
        try:
            self.refresh_fields()
            if self.grid and self.table:
                if self.table == "cancel":
                    self.rows = backend.cancelable()
                header, rows = backend.table(self.table)
                self.grid.set_data(header, rows)
        except Exception:
            log.exception("refresh %s", self.name)


class TablePage(Page):
    """当日委托, 当日成交: just a grid."""

    kind = "table"


class BalancePage(Page):
    """资金股票: the balance statics 1012–1017 above the positions grid."""

    kind = "balance"
    grid_top = 70

    def controls(self) -> list[list]:
        controls: list[list] = []
        for i, (label_text, cid) in enumerate(self.app.build.balance_statics.items()):
            x, y = 10 + (i % 3) * 110, 10 + (i // 3) * 18
            controls += [w.label(label_text, (x, y, 40, 10)), w.label("", (x + 42, y, 60, 10), cid)]
        return controls

    def refresh_fields(self) -> None:
        values = self.app.backend.balance_values()
        for label_text, cid in self.app.build.balance_statics.items():
            w.set_text(self.ctrl(cid), f"{values.get(label_text, Decimal(0)):.2f}")
