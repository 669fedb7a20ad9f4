"""An in-memory 同花顺 hexin.exe (8.x or 9.x): the DesktopDriver protocol, trading on a paper broker.

What it reproduces, because the adapter's correctness depends on it: the main window titled
``同花顺(vX.YY.ZZ) - <page>``; the 键盘精灵 that takes digits + Enter (``21``/``23`` open 闪电买入/闪电卖出,
a 6-digit code shows that stock) — digits as virtual-key codes only (``press_keys``): the VK_PACKET
characters ``type_keys`` stands for are not quick codes; the flash-order dialog, a ``#32770`` owned by the
main window whose caption is empty on 9.x (``FakeHexinBuild.flash_caption``), which opens with the shown
stock's code, looks a typed code up after a while (name, then the client's default price, overwriting any
price typed too early), fills 可用 into the amount field on 刷新 (1528) or a fraction of it on 全仓/半仓/…,
and on 买入/卖出 asks 委托确认 and answers with the broker's own 提示 text; F12, which opens the sibling
trading client (a callback: that is another process). Like the fake xiadan it *records misuse a real client
would punish silently* (input under a modal pop-up, appending to a field, a price written before the lookup,
submitting before it, fields of two orders mixed) as ``misuse`` events tests keep empty.

The Win32 model under it (handles, visibility, modelled time, the input rules, pop-ups) is the fake
xiadan's too: :class:`~ashare_gateway.simulators.desktop.desktop.FakeDesktop`. This file holds what is
hexin's own: the process, the main window's keys, the flash-order dialog.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from ...brokers.base import Broker
from ...domain.errors import BrokerUnavailable, GatewayError
from ...domain.fees import FeeSchedule, max_buy_fees
from ...domain.instruments import resolve_code
from ...domain.models import OrderRequest, Quote, Side
from ...domain.rules import lot_rule, tick_size
from ..desktop.desktop import FakeDesktop
from ..desktop.keys import Key, parse_keys
from ..desktop.widgets import Widget
from . import texts as tx
from .builds import HEXIN_8, FakeHexinBuild
from .faults import HexinFaults

FRACTIONS = {"full": Decimal(1), "half": Decimal(1) / 2, "third": Decimal(1) / 3, "quarter": Decimal(1) / 4}
_CODE = re.compile(r"\d{6}")


@dataclass(eq=False)
class _Flash:
    """One open flash-order dialog."""

    window: Widget
    side: Side
    c: dict[str, Widget]
    ctx: int = 0  # bumps on every code change: one "order context" per code
    lookup_due: bool = False


class FakeHexin(FakeDesktop):
    """The fake hexin.exe; construct it running (attach) or not (start)."""

    GONE: ClassVar[str] = "同花顺窗口已不存在（同花顺可能已退出）"
    BLOCKED: ClassVar[str] = "{action}“{window}”的控件{control}时，“{blocker}”挡在前面"
    VALUE_RULES: ClassVar[dict[str, tuple[str, str]]] = {
        "code": (r"\d{6}", "code"),
        "price": (r"\d+(\.\d+)?", "price"),
        "amount": (r"([1-9]\d*)?", "amount"),
    }

    faults: HexinFaults

    def __init__(
        self,
        broker: Broker,
        *,
        build: FakeHexinBuild = HEXIN_8,
        faults: HexinFaults | None = None,
        exe_path: str = r"C:\同花顺软件\同花顺\hexin.exe",
        running: bool = True,
        on_trading_key: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(broker, exe_path=exe_path, clock=clock)
        self.build = build
        self.faults = faults or HexinFaults()
        self.on_trading_key = on_trading_key
        self._flashes: dict[int, _Flash] = {}
        self._sprite = ""  # what has been typed into the 键盘精灵 since the last Enter
        self.stock: str | None = None  # the stock page shown (the flash dialog opens with it)
        if running:
            self._launch()

    # =========================================================== test-facing API
    def show_stock(self, code: str) -> None:
        """The user looks at a stock page (the flash dialog will open with that code)."""
        with self._lock:
            self._show_stock(code)

    # =========================================================== desktop.driver.VirtualKeyDriver
    def press_keys(self, handle: int, keys: str) -> None:
        """Keys as virtual-key codes (keybd_event/SendInput with wVk): what the 键盘精灵 reads."""
        with self._lock:
            self._tick()
            w = self._get(handle)
            if self._accept_input(w, "按键"):
                self._keys(w, parse_keys(keys), virtual=True)

    def process_exe(self) -> str | None:
        """The running hexin.exe's image path (QueryFullProcessImageName on Windows)."""
        with self._lock:
            return self.exe_path if self.running else None

    # =========================================================== DesktopDriver: process
    def start(self, exe_path: str) -> None:
        with self._lock:
            if not self.file_exists(exe_path):
                raise BrokerUnavailable(f"找不到程序：{exe_path}")
            if not self.running:
                self._launch()

    # =========================================================== DesktopDriver: what hexin lacks
    def send_command(self, window: int, command_id: int) -> None:
        with self._lock:
            self._tick()
            self._record("command", str(command_id))  # hexin's menus are custom-drawn: commands do nothing

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        raise BrokerUnavailable("同花顺主窗口没有菜单树")

    def select_combo(self, combo: int, index: int) -> None:
        raise BrokerUnavailable("同花顺闪电下单没有下拉框")

    def click_at(self, handle: int, x: int, y: int) -> None:
        """A click at a point of a control: hexin's pages have no grid a point matters in, so a click."""
        self.click(handle)

    def capture_image(self, handle: int) -> bytes:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(buf, format="PNG")
        return buf.getvalue()

    # =========================================================== keys
    def _keys(self, w: Widget, keys: list[Key], *, virtual: bool = False) -> None:
        """``virtual``: sent as virtual-key codes; else plain characters arrive as VK_PACKET (type_keys)."""
        if w is self._main:
            for key in keys:
                self._main_key(key, virtual=virtual)
        elif w.class_name == "Edit":
            self._type_into_edit(w, keys)
        elif w.role == "dialog" and any(k.name == "ENTER" for k in keys):
            self._press_default(w)

    # =========================================================== main window and 键盘精灵
    def _launch(self) -> None:
        self.running = True
        self.starts += 1
        main = self._w.make(self.build.main_class, 0, self._title(self.build.home_page), role="main")
        self._main = main
        self._windows.insert(0, main)

    def _title(self, page: str) -> str:
        return f"{self.build.main_title_prefix} - {page}"

    def _show_stock(self, code: str) -> None:
        try:
            quote = self.broker.quote(code)
        except GatewayError:
            return
        self.stock = code
        if self._main is not None:
            self._main.text = self._title(f"{code} {quote.name}")

    def _main_key(self, key: Key, *, virtual: bool) -> None:
        if key.is_char:
            if virtual or not self.build.sprite_virtual_keys_only:
                self._sprite += key.name
            else:  # WM_KEYDOWN VK_PACKET (0xE7): the 键盘精灵 sees no digit
                self._record("vk_packet_ignored", key.name)
        elif key.name == "ENTER":
            typed, self._sprite = self._sprite, ""
            self._record("key", f"{typed}↵")
            page = self.build.quick_codes.get(typed)
            if page is not None and self.faults.quick_keys_work:
                self._open_flash(Side.BUY if page == "buy" else Side.SELL)
            elif _CODE.fullmatch(typed):
                self._show_stock(typed)
        elif key.name == "ESC":
            self._sprite = ""
        elif key.name == "F12":
            self._record("key", "F12")
            if self.on_trading_key is not None:
                self.on_trading_key()
        elif key.name == "F5":
            self._record("key", "F5")

    # =========================================================== the flash-order dialog
    def _open_flash(self, side: Side) -> None:
        for flash in list(self._flashes.values()):  # one at a time: the old one goes away
            self._close(flash.window)
        ids = self.build.flash_ids
        caption = self.build.flash_titles[side.value] if self.build.flash_caption else ""
        window = self._w.make("#32770", 0, caption, role="flash")
        window.owner = self._main.handle if self._main is not None else 0
        window.shown_at = self.clock() + self.faults.latency.dialog
        spec = [
            ("code", "Edit", "code", ""),
            ("name", "Static", "name", ""),
            ("price", "Edit", "price", ""),
            ("amount", "Edit", "amount", ""),
            ("refresh", "Button", "refresh", "刷新"),
            ("submit", "Button", "submit", side.label),
            ("cancel", "Button", "cancel", "取消"),
            ("full", "Button", "full", "全仓"),
            ("half", "Button", "half", "1/2"),
            ("third", "Button", "third", "1/3"),
            ("quarter", "Button", "quarter", "1/4"),
        ]
        c = {role: window.add(self._w.make(cls, ids[key], text, role=role)) for role, cls, key, text in spec}
        flash = _Flash(window, side, c)
        self._flashes[window.handle] = flash
        self._windows.append(window)
        self._on_close[window.handle] = lambda: self._close(window)
        c["cancel"].on_click = lambda: self._close(window)
        c["submit"].on_click = lambda: self._submit(flash)
        refresh_after = self.faults.latency.refresh
        c["refresh"].on_click = lambda: self._later(refresh_after, lambda: self._fill_max(flash))
        for role, share in FRACTIONS.items():
            c[role].on_click = lambda share=share: self._fill_max(flash, share)
        self._record("dialog", self.build.flash_titles[side.value])
        if self.stock is not None:  # opens with the stock being looked at, already looked up
            c["code"].text = self.stock
            self._code_changed(flash, lookup=True)

    def _edited(self, w: Widget, *, typed: bool) -> None:
        flash = self._flashes.get(self._root(w).handle)
        if flash is None:
            return
        if w.role == "code":
            self._code_changed(flash, lookup=typed)
        elif w.role in ("price", "amount"):
            w.written_ctx = flash.ctx
            w.source = "user"

    def _code_changed(self, flash: _Flash, *, lookup: bool) -> None:
        c = flash.c
        flash.ctx += 1
        for role in ("name", "price", "amount"):
            c[role].text = ""
            c[role].source = "client"
            c[role].written_ctx = None
        code = c["code"].text
        flash.lookup_due = False
        if lookup and _CODE.fullmatch(code):  # like most builds: WM_SETTEXT alone starts no lookup
            flash.lookup_due = True
            token = flash.ctx
            self._later(self.faults.latency.lookup, lambda: self._lookup_done(flash, token, code))

    def _lookup_done(self, flash: _Flash, token: int, code: str) -> None:
        if flash.ctx != token or flash.window.handle not in self._flashes:
            return  # the code changed again, or the dialog closed: this answer is stale
        flash.lookup_due = False
        try:
            quote = self.broker.quote(code)
        except GatewayError:
            return  # an unknown code: the name stays empty
        c = flash.c
        c["name"].text = quote.name
        price = c["price"]
        if price.source == "user" and price.written_ctx == token:
            self._misuse("price_overwritten", "价格在证券代码查询完成前写入，已被客户端改为默认价格")
        price.text = _price_text(self._default_price(quote, flash.side), code)
        price.source, price.written_ctx = "client", None

    def _default_price(self, quote: Quote, side: Side) -> Decimal:
        """The client's 默认价格 setting: 对手价 (ask1 to buy, bid1 to sell) or 最新价, within the limits."""
        if self.build.default_price == "最新价":
            price = quote.last
        else:
            price = quote.buy_benchmark() if side is Side.BUY else quote.sell_benchmark()
        if quote.limit_up is not None:
            price = min(price, quote.limit_up)
        if quote.limit_down is not None:
            price = max(price, quote.limit_down)
        return price

    def _fill_max(self, flash: _Flash, share: Decimal = Decimal(1)) -> None:
        if flash.window.handle not in self._flashes:
            return
        amount = flash.c["amount"]
        amount.text = str(self._tradable(flash, share))
        amount.source, amount.written_ctx = "client", flash.ctx

    def _tradable(self, flash: _Flash, share: Decimal) -> int:
        """可用: what the client computes it could trade at the dialog's price (fees included for buys)."""
        c = flash.c
        code = c["code"].text
        if not c["name"].text:
            return 0
        sec = resolve_code(code)
        rule = lot_rule(sec)
        if flash.side is Side.SELL:
            available = next((p.available for p in self.broker.positions() if p.code == code), 0)
            if share == 1:
                return min(available, rule.max_limit)
            return min(int(available * share) // rule.buy_step * rule.buy_step, rule.max_limit)
        try:
            price = Decimal(c["price"].text)
        except InvalidOperation:
            return 0
        if price <= 0:
            return 0
        cash = self.broker.balance().available * share
        fees, today = FeeSchedule(), dt.date.today()

        def fits(amount: int) -> bool:
            value = price * amount
            return value + max_buy_fees(fees, sec, value, today) <= cash

        ceiling = min(rule.max_limit, int(cash / price))
        if ceiling < rule.buy_min or not fits(rule.buy_min):
            return 0
        low, high = 0, (ceiling - rule.buy_min) // rule.buy_step
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(rule.buy_min + mid * rule.buy_step) else (low, mid - 1)
        return rule.buy_min + low * rule.buy_step

    def _submit(self, flash: _Flash) -> None:
        c = flash.c
        side = flash.side
        code = c["code"].text
        if not _CODE.fullmatch(code) or not c["name"].text:
            if flash.lookup_due:
                self._misuse("submit_before_lookup", f"证券代码{code}的查询尚未完成就点击了{side.label}")
            self._message(tx.RESULT_TITLE, tx.NO_CODE)
            return
        for role in ("price", "amount"):
            w = c[role]
            if w.source == "user" and w.written_ctx != flash.ctx:
                self._misuse("interleaved", f"{role}（“{w.text}”）是为上一笔委托写入的，不属于{code}")
        if not re.fullmatch(r"[1-9]\d*", c["amount"].text):
            self._message(tx.RESULT_TITLE, tx.BAD_AMOUNT)
            return
        try:
            price = Decimal(c["price"].text)
        except InvalidOperation:
            self._message(tx.RESULT_TITLE, tx.BAD_PRICE)
            return
        request = OrderRequest(code=code, side=side, amount=int(c["amount"].text), price=price)
        name = c["name"].text

        def send() -> None:
            ack = self._place_order(request, tx.RESULT_TITLE)
            if ack is None:
                return
            self._record("order", f"{side.label} {code} {request.amount}@{price} → {ack.contract_no}")
            if self.faults.close_after_order:
                self._close(flash.window)
            self._message(tx.RESULT_TITLE, tx.ORDER_OK.format(side=side.label, contract_no=ack.contract_no))

        if not self.faults.confirm_dialog:
            send()
            return
        text = tx.CONFIRM.format(
            side=side.label, code=code, name=name, price=c["price"].text, amount=request.amount
        )
        self._dialog(tx.CONFIRM_TITLE, text, [(6, "是(&Y)", send), (7, "否(&N)", None)], text_id=1040)

    # =========================================================== closing
    def _close_main(self) -> None:
        self._exit_process()  # no 是否退出 question: hexin just goes

    def _close(self, window: Widget) -> None:
        super()._close(window)
        self._flashes.pop(window.handle, None)

    def _exit_process(self) -> None:
        super()._exit_process()
        self._flashes.clear()
        self._sprite = ""


def _price_text(price: Decimal, code: str) -> str:
    places = 3 if tick_size(resolve_code(code)) < Decimal("0.01") else 2
    return f"{price:.{places}f}"
