"""The fake client's pages: which controls each one has, navigation, and the data grids behind them.

A mixin of :class:`~ashare_gateway.simulators.xiadan.client.FakeXiadan` (it uses the client's widget
factory, clock, faults and dialogs): kept apart so each file of the fake has one job. Grids reload on
navigation and F5 and stay invisible until the modelled query latency has passed; copying and saving
go through the captcha when the faults say so.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any

from ...domain.models import Side
from ..desktop.keys import Key
from ..desktop.widgets import Widget
from . import grids
from . import texts as tx

ORDER_PAGES = {"buy": Side.BUY, "sell": Side.SELL, "market_buy": Side.BUY, "market_sell": Side.SELL}
DATA_PAGES = {"balance", "entrusts", "trades", "cancel", "ipo"}
# main → frame 0xE900 → the page on screen 0xE901 (puppet: PAGE = 59648, 59649); the other pages are
# parked under other ids, with the same control ids inside.
FRAME_ID, PANE_ID, PARKED_PANE_ID = 0xE900, 0xE901, 0xE910


class PagesMixin:
    def _build_page(self, frame: Widget, page: str) -> dict[str, Widget]:
        ids = self.build.order_ids
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
            c = self.build.cancel_ids
            spec += [
                ("grid", "CVirtualGridCtrl", self.build.grid_id, ""),
                ("cancel_all", "Button", c["all"], "全撤(Z /)"),
                ("cancel_buys", "Button", c["buys"], "撤买(X)"),
                ("cancel_sells", "Button", c["sells"], "撤卖(C)"),
                ("cancel_one", "Button", c["one"], "撤单"),
                ("cancel_filter", "Edit", c["filter"], ""),
                ("cancel_query", "Button", c["query"], "查询"),
            ]
        elif page == "balance":
            statics = self.build.balance_statics.items()
            spec += [(f"static:{label}", "Static", cid, "") for label, cid in statics]
            spec += [("grid", "CVirtualGridCtrl", self.build.grid_id, "")]
        elif page == "ipo":
            spec += [
                ("grid", "CVirtualGridCtrl", self.build.grid_id, ""),
                ("ipo_submit", "Button", self.build.ipo_submit_id, "申购"),
                ("ipo_select_all", "Button", self.build.ipo_select_all_id, "全选"),
            ]
        else:
            spec += [("grid", "CVirtualGridCtrl", self.build.grid_id, "")]
        controls: dict[str, Widget] = {}
        box = frame.add(
            self._w.make("#32770", PARKED_PANE_ID + len(self._panes), role=f"pane:{page}", hidden=True)
        )
        self._panes[page] = box
        for role, cls, cid, text in spec:
            parent = box
            if role == "grid" and self.build.grid_nesting:
                parent = box.add(self._w.make("AfxWnd42s", cid, role="grid_container"))
                parent = parent.add(self._w.make("AfxWnd42s", 200, role="grid_frame"))
            w = parent.add(self._w.make(cls, cid, text, role=role))
            if cid in self.faults.missing_controls:
                w.hidden = True
            controls[role] = w
        self._wire_page(page, controls)
        return controls

    def _wire_page(self, page: str, c: dict[str, Widget]) -> None:
        if page in ORDER_PAGES:
            c["submit"].on_click = lambda: self._submit(page)
            if "protect_price" in c:
                c["protect_price"].enabled = False
        elif page == "cancel":
            c["cancel_one"].on_click = self._cancel_selected
            c["cancel_all"].on_click = lambda: self._cancel_many(None)
            c["cancel_buys"].on_click = lambda: self._cancel_many(Side.BUY)
            c["cancel_sells"].on_click = lambda: self._cancel_many(Side.SELL)
            c["cancel_query"].on_click = lambda: self._load_page("cancel")
        elif page == "ipo":
            c["ipo_submit"].on_click = self._apply_ipos
            c["ipo_select_all"].on_click = self._select_all_ipos

    def _show_pane(self, page: str) -> None:
        """``page`` becomes the pane 0xE901. With ``Faults.stale_page`` the page left stays alive and
        shown (off screen, first in Z order) under its parked id until the next switch."""
        left = self._page
        stale = left if self.faults.stale_page and left not in (None, page) else None
        for n, (name, box) in enumerate(self._panes.items()):
            box.hidden = name not in (page, stale)
            box.control_id = PANE_ID if name == page else PARKED_PANE_ID + n
        if stale is not None:
            box = self._panes[stale]
            frame = box.parent
            frame.children.remove(box)
            frame.children.insert(0, box)
        self._page = page

    def _navigate(self, page: str) -> None:
        lat = self.faults.latency
        self._show_pane(page)
        now = self.clock()
        for w in self._controls[page].values():
            w.shown_at = now + lat.page + self.faults.control_delay.get(w.control_id, 0.0)
        if page in DATA_PAGES:
            self._load_page(page)
        if self.faults.popup_rate and self._rng.random() < self.faults.popup_rate:
            title, text = self._rng.choice(tx.RANDOM_POPUPS)
            self._record("popup", title)
            self._message(title, text, delay=0.0)

    def _load_page(self, page: str) -> None:
        """(Re)query the page's data: its grid and statics are blank until the answer arrives."""
        c = self._controls[page]
        shown = self.clock() + self.faults.latency.page + self.faults.latency.query
        for role, w in c.items():
            if role == "grid" or role.startswith("static:"):
                w.shown_at = shown + self.faults.control_delay.get(w.control_id, 0.0)
        if page == "balance":
            b = self.broker.balance()
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
        cols = self.build.columns
        if page == "balance":
            items: list[Any] = self.broker.positions()
            header = list(cols["positions"])
            rows = [grids.position_cells(p, header, self.account) for p in items]
        elif page == "entrusts":
            items = self.broker.today_entrusts()
            header = list(cols["entrusts"])
            rows = [grids.entrust_cells(e, header, self.account) for e in items]
        elif page == "trades":
            items = self.broker.today_trades()
            header = list(cols["trades"])
            rows = [grids.trade_cells(t, header, self.account) for t in items]
        elif page == "cancel":
            # The code filter (3348) applies on 查询 and on F5: only that code's rows are listed.
            code_filter = c["cancel_filter"].text
            items = [e for e in self.broker.cancelable_entrusts() if e.code.startswith(code_filter)]
            header = list(cols["cancel"])
            rows = [grids.entrust_cells(e, header, self.account) for e in items]
        else:
            items = self._ipo_offers()
            header = list(cols["ipo"])
            rows = [grids.ipo_cells(o, header, self.account) for o in items]
        self._grid_data[page] = (header, rows, items)
        c["grid"].selected = 0 if rows else -1
        if page == "ipo":
            self._ipo_ticked = set()  # a reload clears the ticks

    def _page_of(self, w: Widget) -> str:
        """The page a control lives on ("" for a window outside the main window's panes)."""
        node: Widget | None = w
        while node is not None and not node.role.startswith("pane:"):
            node = node.parent
        return node.role.removeprefix("pane:") if node is not None else ""

    def _grid_copy(self, grid: Widget, rows_selected: list[list[str]] | None = None) -> None:
        """Copy the grid's rows (the selection, else all) to the clipboard, through the captcha if due."""
        if self.faults.copy_refused:
            self._record("copy_refused", "")
            return
        header, rows, _ = self._grid_data.get(self._page_of(grid), ([], [], []))
        text = grids.to_tsv(
            header, rows if rows_selected is None else rows_selected, trailing_tab=self.build.trailing_tab
        )
        if self.faults.clipboard_mojibake:
            text = grids.mojibake(text)

        def copy(text: str = text) -> None:
            self._later(self.faults.latency.copy, lambda: setattr(self, "clipboard", text))

        if self.faults.captcha_on_copy:
            self._captcha(tx.CAPTCHA_COPY, copy)
        else:
            copy()

    def _grid_command(self, grid: Widget, command_id: int) -> None:
        """WM_COMMAND posted to the grid: 0xE122 (ID_EDIT_COPY) copies it all, no keys involved."""
        if command_id == grids.ID_EDIT_COPY and not self.faults.copy_command_ignored:
            self._grid_copy(grid)
        else:
            self._record("grid_command_ignored", hex(command_id))

    def _grid_keys(self, grid: Widget, keys: list[Key]) -> None:
        page = self._page_of(grid)
        header, rows, _ = self._grid_data.get(page, ([], [], []))
        chords = 0
        for key in keys:
            if key.mods == {"ctrl"}:
                chords += 1
                if chords > 1 and self.build.ctrl_read_async:
                    self._record("ctrl_lost", f"Ctrl+{key.name.upper()}：Ctrl已松开（GetAsyncKeyState）")
                    continue
            if self.faults.grid_keys_lost and key.name in ("HOME", "END", "DOWN", "UP"):
                self._record("grid_key_lost", key.name)
                continue
            if key.mods == {"ctrl"} and key.name == "a":
                grid.select_all = True
            elif key.mods == {"ctrl"} and key.name == "c":
                if self.faults.ime_eats_copy > 0:
                    self.faults.ime_eats_copy -= 1
                    self._record("ime", "输入法吞掉了Ctrl+C")
                    continue
                row = max(grid.selected, 0)
                selection = rows if grid.select_all else rows[row : row + 1]
                grid.select_all = False
                self._grid_copy(grid, selection)
            elif key.mods == {"ctrl"} and key.name == "s":
                export = grids.to_export(header, rows, quote_codes=self.build.save_quotes_codes)
                if self.faults.captcha_on_save:
                    self._captcha(tx.CAPTCHA_SAVE, lambda export=export: self._save_dialog(export))
                else:
                    self._save_dialog(export)
            elif key.name == "HOME":
                grid.selected = 0 if rows else -1
            elif key.name == "END":
                grid.selected = len(rows) - 1
            elif key.name == "DOWN":
                grid.selected = min(grid.selected + 1, len(rows) - 1)
            elif key.name == "UP":
                grid.selected = max(grid.selected - 1, 0 if rows else -1)
            else:
                self._global_key(key, grid)

    def _captcha(self, text: str, then: Callable[[], None]) -> None:
        from ..captcha_compose import compose_captcha

        window = self._dialog(tx.RESULT_TITLE, text, [], delay=0.0)
        image = window.add(self._w.make("Static", 2405, role="captcha_image"))
        edit = window.add(self._w.make("Edit", 2404, role="captcha_edit"))
        status = window.add(self._w.make("Static", 2406, "", role="captcha_status"))
        answer = {"digits": ""}

        def new_image() -> None:
            digits = "".join(self._rng.choice("0123456789") for _ in range(4))
            answer["digits"] = digits
            buf = io.BytesIO()
            compose_captcha(digits, self._rng.randrange(1 << 30)).save(buf, format="PNG")
            image.image = buf.getvalue()

        def ok() -> None:
            if self.faults.captcha_rejects > 0 or edit.text != answer["digits"]:
                self.faults.captcha_rejects = max(0, self.faults.captcha_rejects - 1)
                self._record("captcha", f"拒绝“{edit.text}”（应为{answer['digits']}）")
                status.text = tx.CAPTCHA_WRONG
                edit.text = ""
                new_image()
                return
            self._record("captcha", "通过")
            self._close(window)
            then()

        new_image()
        image.on_click = new_image
        window.add(self._w.make("Button", 1, "确定")).on_click = ok
        window.add(self._w.make("Button", 2, "取消")).on_click = self._closing(window, None)
        self._on_close[window.handle] = self._closing(window, None)

    def _save_dialog(self, export: bytes) -> None:
        window = self._dialog(tx.SAVE_TITLE, "文件名(&N):", [], delay=0.0, caption=tx.SAVE_TITLE)
        if self.faults.vista_save_dialog:  # DirectUI: the name edit is 1001 inside a ComboBoxEx32, no 1152
            combo = window.add(self._w.make("ComboBoxEx32", 1148, role="save_combo"))
            name = combo.add(self._w.make("Edit", 1001, "table.xls", role="save_name"))
        else:
            name = window.add(self._w.make("Edit", 1152, "table.xls", role="save_name"))

        def save() -> None:
            path = name.text
            folder = os.path.dirname(path)
            if not os.path.isabs(path) or not os.path.isdir(folder):
                self._message(tx.SAVE_TITLE, tx.SAVE_BAD_PATH.format(path=path), delay=0.0)
                return
            with open(path, "wb") as fh:
                fh.write(export)
            self._close(window)

        window.add(self._w.make("Button", 1, "保存(&S)")).on_click = save
        window.add(self._w.make("Button", 2, "取消")).on_click = self._closing(window, None)
        self._on_close[window.handle] = self._closing(window, None)
