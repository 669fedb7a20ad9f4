"""批量新股申购 / 新股批量申购: every issue of the day (those without quota too), a check cell per row,
全选 (1098) and 一键申购 (1006), through the 申购确认 that names the ticked issues.

As on the real client (easytrader clienttrader.py:323-347): nothing is ticked until 全选, which ticks
every row; a click in a row's check cell (the leftmost ``CHECK_W`` pixels) toggles it. Rows are laid
out as easytrader's geometry expects (config/client.py:42-44): a 22-pixel header, then 16-pixel rows,
so its click at (10, 30 + 16·row) lands in that row. A subscription of a row without quota is
counted in ``stats["ipo_without_quota"]`` (the real broker would refuse it).
"""

from __future__ import annotations

import win32con
import win32gui

from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .grid import Grid
from .ids import ID_TEXT_CONFIRM, ID_YES
from .page import Page

ID_SELECT_ALL = 1098


class IpoGrid(Grid):
    """The offers grid, with one tick per row."""

    HEADER_H = 22
    ROW_H = 16
    CHECK_W = 24

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.ticks: set[int] = set()

    def set_data(self, header: tuple[str, ...], rows: list[list[str]]) -> None:
        self.ticks = set()  # a reload clears the ticks
        super().set_data(header, rows)

    def _handle(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == win32con.WM_LBUTTONDOWN:
            x, y = w.loword(lparam), w.hiword(lparam)
            row = (y - self.HEADER_H) // self.ROW_H if y >= self.HEADER_H else -1
            if 0 <= row < len(self.rows):
                self.move(row)
                if x < self.CHECK_W:
                    self.ticks ^= {row}
                    self.app.stats["ipo_ticks"] = self.app.stats.get("ipo_ticks", 0) + 1
            return 0
        return super()._handle(hwnd, msg, wparam, lparam)


class IpoPage(Page):
    kind = "ipo"
    grid_top = 40
    grid_type = IpoGrid

    def controls(self) -> list[list]:
        return [
            w.button("一键申购", 1006, (10, 8, 50, 15)),
            w.button("全选", ID_SELECT_ALL, (70, 8, 40, 15)),
        ]

    def on_command(self, cid: int, code: int) -> bool:
        if code != win32con.BN_CLICKED:
            return False
        if cid == ID_SELECT_ALL and self.grid is not None:
            self.grid.ticks = set(range(len(self.grid.rows)))
            win32gui.InvalidateRect(self.grid.hwnd, None, True)
            return True
        if cid == 1006:
            self.apply()
            return True
        return False

    def apply(self) -> None:
        app, dialogs = self.app, self.app.dialogs
        offers = app.backend.ipo_offers()
        if not offers:
            dialogs.message(texts.IPO_NONE)
            return
        ticks = self.grid.ticks if isinstance(self.grid, IpoGrid) else set()
        chosen = [offers[i] for i in sorted(ticks) if i < len(offers)]
        if not chosen:
            dialogs.message(texts.IPO_NONE_TICKED)
            return
        lines = "\n".join(f"{o['申购代码']} {o['证券名称']} {o['可申购数量']}" for o in chosen)
        text = texts.IPO_CONFIRM.format(n=len(chosen), lines=lines)
        if dialogs.modal(texts.IPO_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        stats = app.stats
        stats["ipo_without_quota"] = stats.get("ipo_without_quota", 0) + sum(
            1 for o in chosen if int(o["可申购数量"]) <= 0
        )
        try:
            result = app.backend.auto_ipo(frozenset(o["申购代码"] for o in chosen))
        except GatewayError as exc:
            dialogs.message(exc.message)
            return
        self.refresh()
        n = len(result.applied)
        dialogs.message(texts.IPO_OK.format(n=n) if n else texts.IPO_NONE)
