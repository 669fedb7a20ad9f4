"""The fake client's trading screens: order entry with the code lookup, cancel, and IPO subscription.

A part :class:`~ashare_gateway.simulators.xiadan.client.FakeXiadan` holds (``client.trading``), not a base
class; what it uses of the client is :class:`TradingHost`, of the pages :class:`~.pages.Pages`. This is
where the fake checks the misuse a real client punishes silently: a price written before the lookup
(the lookup overwrites it), and fields of two orders mixed in one submit. Orders, cancels and
subscriptions go to the paper broker only after the confirm dialog is answered 是, and its rejection
text is shown as the client shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from ...brokers.base import Broker
from ...domain.errors import GatewayError
from ...domain.instruments import Board, Market, resolve_code
from ...domain.market_orders import match_label, needs_protect_price
from ...domain.models import OrderAck, OrderRequest, Side
from ..desktop.widgets import Widget, WidgetFactory
from . import grid_race
from . import texts as tx
from .builds import FakeBuild
from .faults import Faults
from .pages import ORDER_PAGES, Pages


@dataclass
class PageState:
    ctx: int = 0  # bumps on every code change: one "order context" per code
    lookup_due: bool = False


class TradingHost(Protocol):
    """What order entry, cancel and 申购 read and call on the client that holds them."""

    build: FakeBuild
    faults: Faults
    broker: Broker
    account: str
    _w: WidgetFactory

    def crash(self) -> None: ...
    def _later(self, delay: float, action: Callable[[], None]) -> None: ...
    def _misuse(self, what: str, detail: str) -> None: ...
    def _message(self, title: str, text: str, **options: Any) -> Widget: ...
    def _dialog(self, title: str, text: str, buttons: list, **options: Any) -> Widget: ...
    def _record(self, kind: str, detail: str) -> None: ...
    def _place_order(self, request: OrderRequest, result_title: str) -> OrderAck | None: ...


class Trading:
    """A part ``FakeXiadan`` holds (``client.trading``), beside the pages whose controls it reads."""

    def __init__(self, host: TradingHost, pages: Pages) -> None:
        self.host = host
        self.pages = pages
        self.state: dict[str, PageState] = {}  # order page → its order context

    def reset(self) -> None:
        """A new main window: every order page starts with no code typed."""
        self.state = {page: PageState() for page in ORDER_PAGES}

    def wire(self, page: str, c: dict[str, Widget]) -> None:
        """The buttons of ``page`` that act: submit an order, cancel, subscribe (the query buttons reload)."""
        if page in ORDER_PAGES:
            c["submit"].on_click = lambda: self.submit(page)
            if "protect_price" in c:
                c["protect_price"].enabled = False
        elif page == "cancel":
            c["cancel_one"].on_click = self.cancel_selected
            c["cancel_all"].on_click = lambda: self.cancel_many(None)
            c["cancel_buys"].on_click = lambda: self.cancel_many(Side.BUY)
            c["cancel_sells"].on_click = lambda: self.cancel_many(Side.SELL)
            c["cancel_query"].on_click = lambda: self.pages.load("cancel")
        elif page == "ipo":
            c["ipo_submit"].on_click = self.apply_ipos
            c["ipo_select_all"].on_click = self.pages.select_all_ipos

    def edited(self, w: Widget, *, typed: bool) -> None:
        page = self.pages.page_of(w)
        if page not in ORDER_PAGES:
            return
        state = self.state[page]
        if w.role == "code":
            self.code_changed(page, typed)
        elif w.role in ("price", "amount", "protect_price"):
            w.written_ctx = state.ctx
            w.source = "user"

    def code_changed(self, page: str, typed: bool) -> None:
        c = self.pages.controls[page]
        state = self.state[page]
        state.ctx += 1
        c["name"].text = ""
        c["available"].text = ""
        if "price" in c:
            c["price"].text = ""
            c["price"].source = "client"
        if "market_type" in c:
            c["market_type"].items = []
            c["market_type"].selected = -1
            c["market_type"].text = ""
        code = c["code"].text
        state.lookup_due = False
        if re.fullmatch(r"\d{6}", code) and (typed or self.host.build.settext_triggers_lookup):
            state.lookup_due = True
            token = state.ctx
            self.host._later(self.host.faults.latency.lookup, lambda: self.lookup_done(page, token, code))

    def lookup_done(self, page: str, token: int, code: str) -> None:
        c = self.pages.controls[page]
        state = self.state[page]
        if state.ctx != token:
            return  # the code changed again meanwhile: this answer is stale
        state.lookup_due = False
        try:
            quote = self.host.broker.quote(code)
        except GatewayError:
            return  # an unknown code: the name stays empty
        c["name"].text = quote.name
        side = ORDER_PAGES[page]
        if "price" in c:
            price = c["price"]
            if price.source == "user" and price.written_ctx == token:
                self.host._misuse(
                    "price_overwritten", f"价格在证券代码查询完成前写入，已被客户端改为{quote.last}"
                )
            price.text = f"{quote.last:.3f}" if quote.last % Decimal("0.01") else f"{quote.last:.2f}"
            price.source = "client"
            price.written_ctx = None
        c["available"].text = str(self.available(code, side, quote.last))
        if "market_type" in c:
            sec = resolve_code(code)
            combo = c["market_type"]
            if self.host.faults.no_market_orders:
                labels: tuple[str, ...] = ("不支持市价委托",)
            elif sec.board is Board.STAR:
                labels = self.host.build.market_labels_star
            elif sec.market is Market.SH:
                labels = self.host.build.market_labels_sh
            else:
                labels = self.host.build.market_labels_sz
            combo.items = list(labels)
            combo.selected = 0
            combo.text = labels[0]
            c["protect_price"].enabled = needs_protect_price(sec)

    def available(self, code: str, side: Side, price: Decimal) -> int:
        if side is Side.SELL:
            return next((p.available for p in self.host.broker.positions() if p.code == code), 0)
        if price <= 0:
            return 0
        return int(self.host.broker.balance().available / price) // 100 * 100

    def submit(self, page: str) -> None:
        if self.host.faults.crash_on_submit > 0:
            self.host.faults.crash_on_submit -= 1
            self.host.crash()
            return
        c = self.pages.controls[page]
        state = self.state[page]
        side = ORDER_PAGES[page]
        code = c["code"].text
        if (
            self.host.faults.late_price_fill
            and "price" in c
            and c["price"].source == "user"
            and c["name"].text
        ):
            # The broker's auto-fill lands after the typed price was read back (xiadan-gateway
            # window_service.py:571-573 sees it overwrite its own input): only the confirm shows it.
            last = self.host.broker.quote(code).last
            c["price"].text = f"{last:.3f}" if last % Decimal("0.01") else f"{last:.2f}"
            c["price"].source = "client"
            self.host._record("late_price_fill", c["price"].text)
        if not re.fullmatch(r"\d{6}", code) or not c["name"].text:
            if state.lookup_due:
                self.host._misuse("submit_before_lookup", f"证券代码{code}的查询尚未完成就点击了{side.label}")
            self.host._message(tx.RESULT_TITLE, tx.NO_CODE)
            return
        for role in ("amount", "price", "protect_price"):
            w = c.get(role)
            if w is None or (role == "protect_price" and not w.enabled):
                continue
            if w.source == "user" and w.written_ctx != state.ctx:
                self.host._misuse("interleaved", f"{role}（“{w.text}”）是为上一笔委托写入的，不属于{code}")
        amount_text = c["amount"].text
        if not re.fullmatch(r"[1-9]\d*", amount_text):
            self.host._message(tx.RESULT_TITLE, tx.BAD_AMOUNT)
            return
        price = mtype = protect = None
        detail = ""
        try:
            if "price" in c:
                price = Decimal(c["price"].text)
                detail = tx.CONFIRM_PRICE.format(side=side.label, price=c["price"].text)
            else:
                mtype = match_label(c["market_type"].text)
                if mtype is None:
                    self.host._message(tx.RESULT_TITLE, tx.NO_MARKET)
                    return
                detail = tx.CONFIRM_MARKET.format(mtype=c["market_type"].text)
                if c["protect_price"].enabled:
                    if not c["protect_price"].text:
                        self.host._message(tx.RESULT_TITLE, tx.NO_PROTECT)
                        return
                    protect = Decimal(c["protect_price"].text)
                    detail += tx.CONFIRM_PROTECT.format(price=c["protect_price"].text)
        except InvalidOperation:
            self.host._message(tx.RESULT_TITLE, tx.BAD_PRICE)
            return
        request = OrderRequest(
            code=code,
            side=side,
            amount=int(amount_text),
            price=price,
            market_type=mtype,
            protect_price=protect,
        )
        name = c["name"].text

        def send() -> None:
            ack = self.host._place_order(request, tx.RESULT_TITLE)
            if ack is None:
                return
            self.host._record("order", f"{side.label} {code} {request.amount} → {ack.contract_no}")
            if self.host.faults.crash_after_send > 0:
                self.host.faults.crash_after_send -= 1
                self.host.crash()
                return
            for role in ("code", "price", "amount", "protect_price", "name", "available"):
                if role in c:
                    c[role].text = ""
                    c[role].source = ""
                    c[role].written_ctx = None
            state.ctx += 1
            if self.host.faults.result_popups:
                text = self.host.build.order_ok.format(side=side.label, contract_no=ack.contract_no)
                self.host._message(tx.RESULT_TITLE, text)

        def confirm() -> None:
            if not self.host.faults.confirm_dialog:
                send()
                return
            text = tx.CONFIRM.format(
                side=side.label,
                account=self.host.account,
                code=code,
                name=name,
                detail=detail,
                amount=amount_text,
            )
            self.host._dialog(
                tx.CONFIRM_TITLE, text, [(6, "是(&Y)", send), (7, "否(&N)", None)], text_id=1040
            )

        if code in self.host.faults.risk_codes:
            buttons = [(6, "是(&Y)", confirm), (7, "否(&N)", None)]
            self.host._dialog(tx.RISK_TITLE, tx.RISK.format(code=code), buttons)
        else:
            confirm()

    # =========================================================== cancel and IPO

    def cancel_selected(self) -> None:
        grid = self.pages.controls["cancel"]["grid"]
        grid_race.before_click(self.pages, grid)  # the grid may change as the click lands (row 32)
        _, _, items = self.pages.grid_data.get("cancel", ([], [], []))
        if not items or grid.selected < 0:
            self.host._message(tx.RESULT_TITLE, tx.NOTHING_TO_CANCEL)
            return
        e = items[grid.selected]

        def do() -> None:
            try:
                self.host.broker.cancel(e.contract_no)
            except GatewayError as exc:
                self.host._message(tx.RESULT_TITLE, exc.message)
                return
            self.host._record("cancel", e.contract_no)
            self.pages.load("cancel")
            if self.host.faults.result_popups:
                self.host._message(tx.RESULT_TITLE, tx.CANCEL_OK.format(contract_no=e.contract_no))

        # The real 撤单确认: the row's code, price and amount in their own statics, never its 合同编号.
        ids = self.host.build.cancel_confirm_ids
        window = self.host._dialog(
            tx.CANCEL_TITLE, tx.CANCEL_ONE_TIP, [(6, "是(&Y)", do), (7, "否(&N)", None)], text_id=ids["tip"]
        )
        price = f"{e.price:.3f}" if e.price % Decimal("0.01") else f"{e.price:.2f}"
        values = (e.code, price, str(e.quantity - e.filled_quantity))
        for label, role, value in zip(tx.CANCEL_ONE_LABELS, ("code", "price", "amount"), values, strict=True):
            window.add(self.host._w.make("Static", 0xFFFF, label, role="label"))
            window.add(self.host._w.make("Static", ids[role], value, role=f"cancel_{role}"))

    def cancel_many(self, side: Side | None) -> None:
        _, _, items = self.pages.grid_data.get("cancel", ([], [], []))
        chosen = [e for e in items if side is None or e.side is side]
        if not chosen:
            self.host._message(tx.RESULT_TITLE, tx.NOTHING_TO_CANCEL)
            return

        def do() -> None:
            done = 0
            for e in chosen:
                try:
                    self.host.broker.cancel(e.contract_no)
                    done += 1
                except GatewayError:
                    continue
            self.host._record("cancel", f"{done}笔")
            self.pages.load("cancel")
            if self.host.faults.result_popups:
                self.host._message(tx.RESULT_TITLE, tx.CANCEL_ALL_OK.format(n=done))

        buttons = [(6, "是(&Y)", do), (7, "否(&N)", None)]
        text = tx.CANCEL_MANY.format(n=len(chosen), total=len(items))
        self.host._dialog(tx.RESULT_TITLE, text, buttons, text_id=1040)

    def apply_ipos(self) -> None:
        _, _, items = self.pages.grid_data.get("ipo", ([], [], []))
        if not items:
            self.host._message(tx.RESULT_TITLE, tx.IPO_NONE)
            return
        chosen = [items[i] for i in sorted(self.pages.ipo_ticked) if i < len(items)]
        if not chosen:
            self.host._message(tx.RESULT_TITLE, tx.IPO_NONE_TICKED)
            return

        def do() -> None:
            for o in chosen:
                if int(o.get("可申购数量", 0) or 0) <= 0:
                    # The real client sends it; the broker refuses it (and the user sees a failure).
                    self.host._misuse("ipo_without_quota", f"申购了没有额度的新股{o.get('申购代码', '')}")
            try:
                result = self.host.broker.auto_ipo(frozenset(o.get("申购代码", "") for o in chosen))
            except GatewayError as exc:
                self.host._message(tx.RESULT_TITLE, exc.message)
                return
            self.host._record("ipo", f"{len(result.applied)}只")
            self.pages.load("ipo")
            self.host._message(tx.RESULT_TITLE, tx.IPO_OK.format(n=len(result.applied)))

        lines = "\n".join(
            f"{o.get('申购代码', '')} {o.get('证券名称', '')} {o.get('可申购数量', '')}" for o in chosen
        )
        self.host._dialog(
            tx.IPO_TITLE,
            tx.IPO_CONFIRM.format(n=len(chosen), lines=lines),
            [(6, "是(&Y)", do), (7, "否(&N)", None)],
        )
