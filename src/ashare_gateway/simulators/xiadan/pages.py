"""The fake client's pages: which controls each one has, navigation, and the data grids behind them.

A part :class:`~ashare_gateway.simulators.xiadan.client.FakeXiadan` holds (``client.pages``), not a base
class: what it uses of the client (the widget factory, clock, faults, dialogs) is :class:`PagesHost`.
Grids reload on navigation and F5 and stay invisible until the modelled query latency has passed;
copying and saving go through the captcha when the faults say so. The order entry and the buttons that
act (submit, cancel, 申购) are :mod:`.trading`'s.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable
from typing import Any, Protocol

from ...brokers.base import Broker
from ...domain.models import Side
from ..desktop.keys import Key
from ..desktop.widgets import Widget, WidgetFactory
from . import grid_race, grids
from . import texts as tx
from .builds import FakeBuild
from .faults import Faults

ORDER_PAGES = {"buy": Side.BUY, "sell": Side.SELL, "market_buy": Side.BUY, "market_sell": Side.SELL}
DATA_PAGES = {"balance", "entrusts", "trades", "cancel", "ipo"}
# main → frame 0xE900 → the page on screen 0xE901 (puppet: PAGE = 59648, 59649); the other pages are
# parked under other ids, with the same control ids inside.
FRAME_ID, PANE_ID, PARKED_PANE_ID = 0xE900, 0xE901, 0xE910


Action = Callable[[], None]


def captcha_png(rng: random.Random) -> tuple[str, bytes]:
    """Four new digits and their image (PNG), as the client draws a captcha: good for one try."""
    from ..captcha_compose import compose_captcha  # Pillow, loaded only when a captcha is drawn

    digits = "".join(rng.choice("0123456789") for _ in range(4))
    buf = io.BytesIO()
    compose_captcha(digits, rng.randrange(1 << 30)).save(buf, format="PNG")
    return digits, buf.getvalue()


class PagesHost(Protocol):
    """What the pages read and call on the client that holds them."""

    build: FakeBuild
    faults: Faults
    broker: Broker
    account: str
    clock: Callable[[], float]
    clipboard: str
    _w: WidgetFactory
    _rng: random.Random
    _page: str | None
    _on_close: dict[int, Action]
    _ipo_offers: Callable[[], list[dict[str, Any]]]

    def _later(self, delay: float, action: Action) -> None: ...
    def _dialog(self, title: str, text: str, buttons: list, **options: Any) -> Widget: ...
    def _message(self, title: str, text: str, **options: Any) -> Widget: ...
    def _closing(self, window: Widget, action: Action | None) -> Action: ...
    def _close(self, window: Widget) -> None: ...
    def _record(self, kind: str, detail: str) -> None: ...
    def _global_key(self, key: Key, w: Widget) -> None: ...


class Pages:
    """A part ``FakeXiadan`` holds (``client.pages``): each page's controls, the pane on screen, the
    grids' data (what a reload read from the broker), the 批量新股申购 ticks, copy and save."""

    def __init__(self, host: PagesHost) -> None:
        self.host = host
        self.controls: dict[str, dict[str, Widget]] = {}  # page → role → control
        self.panes: dict[str, Widget] = {}  # page → the dialog holding its controls (0xE901 when shown)
        self.grid_data: dict[str, tuple[list[str], list[list[str]], list[Any]]] = {}  # header, rows, items
        self.ipo_ticked: set[int] = set()  # 批量新股申购 rows ticked (全选, or a click on a check cell)

    def build_all(self, frame: Widget) -> dict[str, dict[str, Widget]]:
        """Every page's pane under ``frame`` (the main window was just opened), none on screen yet."""
        self.controls, self.panes, self.grid_data = {}, {}, {}
        for page in (*ORDER_PAGES, *DATA_PAGES):
            self.controls[page] = self.build_page(frame, page)
        return self.controls

    def build_page(self, frame: Widget, page: str) -> dict[str, Widget]:
        ids = self.host.build.order_ids
        spec: list[tuple[str, str, int, str]] = []  # (role, class, id, text)
        if page in ORDER_PAGES:
            side = ORDER_PAGES[page]
            spec += [
                ("code", "Edit", ids["code"], ""),
                ("name", "Static", ids["name"], ""),
                ("amount", "Edit", ids["amount"], ""),
                ("submit", "Button", ids["submit"], side.label),
                ("available", "Static", ids["buyable"] if side is Side.BUY else ids["sellable"], ""),
            ]
            if page.startswith("market"):
                spec += [
                    ("market_type", "ComboBox", ids["market_type"], ""),
                    ("protect_price", "Edit", ids["protect_price"], ""),
                ]
            else:
                spec += [("price", "Edit", ids["price"], "")]
        elif page == "cancel":
            c = self.host.build.cancel_ids
            spec += [
                ("grid", "CVirtualGridCtrl", self.host.build.grid_id, ""),
                ("cancel_all", "Button", c["all"], "全撤(Z /)"),
                ("cancel_buys", "Button", c["buys"], "撤买(X)"),
                ("cancel_sells", "Button", c["sells"], "撤卖(C)"),
                ("cancel_one", "Button", c["one"], "撤单"),
                ("cancel_filter", "Edit", c["filter"], ""),
                ("cancel_query", "Button", c["query"], "查询"),
            ]
        elif page == "balance":
            statics = self.host.build.balance_statics.items()
            spec += [(f"static:{label}", "Static", cid, "") for label, cid in statics]
            spec += [("grid", "CVirtualGridCtrl", self.host.build.grid_id, "")]
        elif page == "ipo":
            spec += [
                ("grid", "CVirtualGridCtrl", self.host.build.grid_id, ""),
                ("ipo_submit", "Button", self.host.build.ipo_submit_id, "申购"),
                ("ipo_select_all", "Button", self.host.build.ipo_select_all_id, "全选"),
            ]
        else:
            spec += [("grid", "CVirtualGridCtrl", self.host.build.grid_id, "")]
        controls: dict[str, Widget] = {}
        box = frame.add(
            self.host._w.make("#32770", PARKED_PANE_ID + len(self.panes), role=f"pane:{page}", hidden=True)
        )
        self.panes[page] = box
        for role, cls, cid, text in spec:
            parent = box
            if role == "grid" and self.host.build.grid_nesting:
                parent = box.add(self.host._w.make("AfxWnd42s", cid, role="grid_container"))
                parent = parent.add(self.host._w.make("AfxWnd42s", 200, role="grid_frame"))
            w = parent.add(self.host._w.make(cls, cid, text, role=role))
            if cid in self.host.faults.missing_controls:
                w.hidden = True
            controls[role] = w
        return controls

    def show_pane(self, page: str) -> None:
        """``page`` becomes the pane 0xE901. With ``Faults.stale_page`` the page left stays alive and
        shown (off screen, first in Z order) under its parked id until the next switch."""
        left = self.host._page
        stale = left if self.host.faults.stale_page and left not in (None, page) else None
        for n, (name, box) in enumerate(self.panes.items()):
            box.hidden = name not in (page, stale)
            box.control_id = PANE_ID if name == page else PARKED_PANE_ID + n
        if stale is not None:
            box = self.panes[stale]
            frame = box.parent
            frame.children.remove(box)
            frame.children.insert(0, box)
        self.host._page = page

    def navigate(self, page: str) -> None:
        lat = self.host.faults.latency
        self.show_pane(page)
        now = self.host.clock()
        for w in self.controls[page].values():
            w.shown_at = now + lat.page + self.host.faults.control_delay.get(w.control_id, 0.0)
        if page in DATA_PAGES:
            self.load(page)
        if self.host.faults.popup_rate and self.host._rng.random() < self.host.faults.popup_rate:
            title, text = self.host._rng.choice(tx.RANDOM_POPUPS)
            self.host._record("popup", title)
            self.host._message(title, text, delay=0.0)

    def load(self, page: str) -> None:
        """(Re)query the page's data: its grid and statics are blank until the answer arrives."""
        c = self.controls[page]
        shown = self.host.clock() + self.host.faults.latency.page + self.host.faults.latency.query
        for role, w in c.items():
            if role == "grid" or role.startswith("static:"):
                w.shown_at = shown + self.host.faults.control_delay.get(w.control_id, 0.0)
        if page == "balance":
            b = self.host.broker.balance()
            values = {
                "资金余额": b.cash,
                "冻结资金": b.frozen,
                "股票市值": b.market_value,
                "总资产": b.total_assets,
                "可用金额": b.available,
                "可取金额": b.withdrawable,
            }
            for label, value in values.items():
                if f"static:{label}" in c:
                    c[f"static:{label}"].text = f"{value:.2f}"
        cols = self.host.build.columns
        if page == "balance":
            items: list[Any] = self.host.broker.positions()
            header = list(cols["positions"])
            rows = [grids.position_cells(p, header, self.host.account) for p in items]
        elif page == "entrusts":
            items = self.host.broker.today_entrusts()
            header = list(cols["entrusts"])
            rows = [grids.entrust_cells(e, header, self.host.account) for e in items]
        elif page == "trades":
            items = self.host.broker.today_trades()
            header = list(cols["trades"])
            rows = [grids.trade_cells(t, header, self.host.account) for t in items]
        elif page == "cancel":
            # The code filter (3348) applies on 查询 and on F5: only that code's rows are listed.
            code_filter = c["cancel_filter"].text
            items = [e for e in self.host.broker.cancelable_entrusts() if e.code.startswith(code_filter)]
            header = list(cols["cancel"])
            rows = [grids.entrust_cells(e, header, self.host.account) for e in items]
        else:
            items = self.host._ipo_offers()
            header = list(cols["ipo"])
            rows = [grids.ipo_cells(o, header, self.host.account) for o in items]
        self.grid_data[page] = (header, rows, items)
        c["grid"].selected = 0 if rows else -1
        if page == "ipo":
            self.ipo_ticked = set()  # a reload clears the ticks

    def page_of(self, w: Widget) -> str:
        """The page a control lives on ("" for a window outside the main window's panes)."""
        node: Widget | None = w
        while node is not None and not node.role.startswith("pane:"):
            node = node.parent
        return node.role.removeprefix("pane:") if node is not None else ""

    def select_all_ipos(self) -> None:
        """批量新股申购's 全选: every row ticked."""
        _, _, items = self.grid_data.get("ipo", ([], [], []))
        self.ipo_ticked = set(range(len(items)))

    def click(self, grid: Widget, x: int, y: int) -> None:
        """Select the row under (x, y); on 批量新股申购 a click in the check cell also toggles its tick."""
        page = self.page_of(grid)
        _, rows, _ = self.grid_data.get(page, ([], [], []))
        b = self.host.build
        row = (y - b.grid_header_height) // b.grid_row_height if y >= b.grid_header_height else -1
        if not 0 <= row < len(rows):
            self.host._record("grid_click_outside", f"({x}, {y})")
            return
        grid.selected = row
        if page == "ipo" and 0 <= x < b.ipo_check_width:
            self.ipo_ticked ^= {row}
            self.host._record("ipo_tick", f"{row}:{'on' if row in self.ipo_ticked else 'off'}")

    def copy(self, grid: Widget, rows_selected: list[list[str]] | None = None) -> None:
        """Copy the grid's rows (the selection, else all) to the clipboard, through the captcha if due."""
        if self.host.faults.copy_refused:
            self.host._record("copy_refused", "")
            return
        header, rows, _ = self.grid_data.get(self.page_of(grid), ([], [], []))
        text = grids.to_tsv(
            header,
            rows if rows_selected is None else rows_selected,
            trailing_tab=self.host.build.trailing_tab,
        )
        if self.host.faults.clipboard_mojibake:
            text = grids.mojibake(text)

        def copy(text: str = text) -> None:
            self.host._later(self.host.faults.latency.copy, lambda: setattr(self.host, "clipboard", text))

        if self.host.faults.captcha_on_copy:
            self.captcha(tx.CAPTCHA_COPY, copy)
        else:
            copy()

    def command(self, grid: Widget, command_id: int) -> None:
        """WM_COMMAND posted to the grid: 0xE122 (ID_EDIT_COPY) copies it all, no keys involved."""
        if command_id == grids.ID_EDIT_COPY and not self.host.faults.copy_command_ignored:
            self.copy(grid)
        else:
            self.host._record("grid_command_ignored", hex(command_id))

    def keys(self, grid: Widget, keys: list[Key]) -> None:
        page = self.page_of(grid)
        header, rows, _ = self.grid_data.get(page, ([], [], []))
        chords = 0
        for key in keys:
            if key.mods == {"ctrl"}:
                chords += 1
                if chords > 1 and self.host.build.ctrl_read_async:
                    self.host._record("ctrl_lost", f"Ctrl+{key.name.upper()}：Ctrl已松开（GetAsyncKeyState）")
                    continue
            if self.host.faults.grid_keys_lost and key.name in ("HOME", "END", "DOWN", "UP"):
                self.host._record("grid_key_lost", key.name)
                continue
            if key.mods == {"ctrl"} and key.name == "a":
                grid.select_all = True
            elif key.mods == {"ctrl"} and key.name == "c":
                if self.host.faults.ime_eats_copy > 0:
                    self.host.faults.ime_eats_copy -= 1
                    self.host._record("ime", "输入法吞掉了Ctrl+C")
                    continue
                row = max(grid.selected, 0)
                selection = rows if grid.select_all else rows[row : row + 1]
                grid.select_all = False
                self.copy(grid, selection)
            elif key.mods == {"ctrl"} and key.name == "s":
                export = grids.to_export(header, rows, quote_codes=self.host.build.save_quotes_codes)
                if self.host.faults.captcha_on_save:
                    self.captcha(tx.CAPTCHA_SAVE, lambda export=export: self.save_dialog(export))
                else:
                    self.save_dialog(export)
            elif key.name == "HOME":
                grid.selected = 0 if rows else -1
                if page == grid_race.CANCEL_PAGE:  # the grid may change under the selection (row 32)
                    grid_race.after_home(self, grid)
            elif key.name == "END":
                grid.selected = len(rows) - 1
            elif key.name == "DOWN":
                grid.selected = min(grid.selected + 1, len(rows) - 1)
            elif key.name == "UP":
                grid.selected = max(grid.selected - 1, 0 if rows else -1)
            else:
                self.host._global_key(key, grid)

    def captcha(self, text: str, then: Callable[[], None]) -> None:
        window = self.host._dialog(tx.RESULT_TITLE, text, [], delay=0.0)
        image = window.add(self.host._w.make("Static", 2405, role="captcha_image"))
        edit = window.add(self.host._w.make("Edit", 2404, role="captcha_edit"))
        status = window.add(self.host._w.make("Static", 2406, "", role="captcha_status"))
        answer = {"digits": ""}

        def new_image() -> None:
            answer["digits"], image.image = captcha_png(self.host._rng)

        def ok() -> None:
            if self.host.faults.captcha_rejects > 0 or edit.text != answer["digits"]:
                self.host.faults.captcha_rejects = max(0, self.host.faults.captcha_rejects - 1)
                self.host._record("captcha", f"拒绝“{edit.text}”（应为{answer['digits']}）")
                status.text = tx.CAPTCHA_WRONG
                edit.text = ""
                new_image()
                return
            self.host._record("captcha", "通过")
            self.host._close(window)
            then()

        new_image()
        image.on_click = new_image
        window.add(self.host._w.make("Button", 1, "确定")).on_click = ok
        window.add(self.host._w.make("Button", 2, "取消")).on_click = self.host._closing(window, None)
        self.host._on_close[window.handle] = self.host._closing(window, None)

    def save_dialog(self, export: bytes) -> None:
        window = self.host._dialog(tx.SAVE_TITLE, "文件名(&N):", [], delay=0.0, caption=tx.SAVE_TITLE)
        if (
            self.host.faults.vista_save_dialog
        ):  # DirectUI: the name edit is 1001 inside a ComboBoxEx32, no 1152
            combo = window.add(self.host._w.make("ComboBoxEx32", 1148, role="save_combo"))
            name = combo.add(self.host._w.make("Edit", 1001, "table.xls", role="save_name"))
        else:
            name = window.add(self.host._w.make("Edit", 1152, "table.xls", role="save_name"))

        def save() -> None:
            path = name.text
            folder = os.path.dirname(path)
            if not os.path.isabs(path) or not os.path.isdir(folder):
                self.host._message(tx.SAVE_TITLE, tx.SAVE_BAD_PATH.format(path=path), delay=0.0)
                return
            with open(path, "wb") as fh:
                fh.write(export)
            self.host._close(window)

        window.add(self.host._w.make("Button", 1, "保存(&S)")).on_click = save
        window.add(self.host._w.make("Button", 2, "取消")).on_click = self.host._closing(window, None)
        self.host._on_close[window.handle] = self.host._closing(window, None)
