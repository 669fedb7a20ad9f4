"""The fake client's trading screens: order entry with the code lookup, cancel, and IPO subscription.

A mixin of :class:`~ashare_gateway.simulators.xiadan.client.FakeXiadan`. This is where the fake checks the
misuse a real client punishes silently: a price written before the lookup (the lookup overwrites it),
and fields of two orders mixed in one submit. Orders, cancels and subscriptions go to the paper broker
only after the confirm dialog is answered 是, and its rejection text is shown as the client shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...domain.errors import GatewayError
from ...domain.instruments import Board, Market, resolve_code
from ...domain.market_orders import match_label, needs_protect_price
from ...domain.models import OrderRequest, Side
from ..desktop.widgets import Widget
from . import texts as tx
from .pages import ORDER_PAGES


@dataclass
class PageState:
    ctx: int = 0  # bumps on every code change: one "order context" per code
    lookup_due: bool = False


class TradingMixin:
    def _edited(self, w: Widget, *, typed: bool) -> None:
        page = self._page_of(w)
        if page not in ORDER_PAGES:
            return
        state = self._state[page]
        if w.role == "code":
            self._code_changed(page, typed)
        elif w.role in ("price", "amount", "protect_price"):
            w.written_ctx = state.ctx
            w.source = "user"

    def _code_changed(self, page: str, typed: bool) -> None:
        c = self._controls[page]
        state = self._state[page]
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
        if re.fullmatch(r"\d{6}", code) and (typed or self.build.settext_triggers_lookup):
            state.lookup_due = True
            token = state.ctx
            self._later(self.faults.latency.lookup, lambda: self._lookup_done(page, token, code))

    def _lookup_done(self, page: str, token: int, code: str) -> None:
        c = self._controls[page]
        state = self._state[page]
        if state.ctx != token:
            return  # the code changed again meanwhile: this answer is stale
        state.lookup_due = False
        try:
            quote = self.broker.quote(code)
        except GatewayError:
            return  # an unknown code: the name stays empty
        c["name"].text = quote.name
        side = ORDER_PAGES[page]
        if "price" in c:
            price = c["price"]
            if price.source == "user" and price.written_ctx == token:
                self._misuse("price_overwritten", f"价格在证券代码查询完成前写入，已被客户端改为{quote.last}")
            price.text = f"{quote.last:.3f}" if quote.last % Decimal("0.01") else f"{quote.last:.2f}"
            price.source = "client"
            price.written_ctx = None
        c["available"].text = str(self._available(code, side, quote.last))
        if "market_type" in c:
            sec = resolve_code(code)
            combo = c["market_type"]
            if self.faults.no_market_orders:
                labels: tuple[str, ...] = ("不支持市价委托",)
            elif sec.board is Board.STAR:
                labels = self.build.market_labels_star
            elif sec.market is Market.SH:
                labels = self.build.market_labels_sh
            else:
                labels = self.build.market_labels_sz
            combo.items = list(labels)
            combo.selected = 0
            combo.text = labels[0]
            c["protect_price"].enabled = needs_protect_price(sec)

    def _available(self, code: str, side: Side, price: Decimal) -> int:
        if side is Side.SELL:
            return next((p.available for p in self.broker.positions() if p.code == code), 0)
        if price <= 0:
            return 0
        return int(self.broker.balance().available / price) // 100 * 100

    def _submit(self, page: str) -> None:
        if self.faults.crash_on_submit > 0:
            self.faults.crash_on_submit -= 1
            self.crash()
            return
        c = self._controls[page]
        state = self._state[page]
        side = ORDER_PAGES[page]
        code = c["code"].text
        if self.faults.late_price_fill and "price" in c and c["price"].source == "user" and c["name"].text:
            # The broker's auto-fill lands after the typed price was read back (xiadan-gateway
            # window_service.py:571-573 sees it overwrite its own input): only the confirm shows it.
            last = self.broker.quote(code).last
            c["price"].text = f"{last:.3f}" if last % Decimal("0.01") else f"{last:.2f}"
            c["price"].source = "client"
            self._record("late_price_fill", c["price"].text)
        if not re.fullmatch(r"\d{6}", code) or not c["name"].text:
            if state.lookup_due:
                self._misuse("submit_before_lookup", f"证券代码{code}的查询尚未完成就点击了{side.label}")
            self._message(tx.RESULT_TITLE, tx.NO_CODE)
            return
        for role in ("amount", "price", "protect_price"):
            w = c.get(role)
            if w is None or (role == "protect_price" and not w.enabled):
                continue
            if w.source == "user" and w.written_ctx != state.ctx:
                self._misuse("interleaved", f"{role}（“{w.text}”）是为上一笔委托写入的，不属于{code}")
        amount_text = c["amount"].text
        if not re.fullmatch(r"[1-9]\d*", amount_text):
            self._message(tx.RESULT_TITLE, tx.BAD_AMOUNT)
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
                    self._message(tx.RESULT_TITLE, tx.NO_MARKET)
                    return
                detail = tx.CONFIRM_MARKET.format(mtype=c["market_type"].text)
                if c["protect_price"].enabled:
                    if not c["protect_price"].text:
                        self._message(tx.RESULT_TITLE, tx.NO_PROTECT)
                        return
                    protect = Decimal(c["protect_price"].text)
                    detail += tx.CONFIRM_PROTECT.format(price=c["protect_price"].text)
        except InvalidOperation:
            self._message(tx.RESULT_TITLE, tx.BAD_PRICE)
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
            ack = self._place_order(request, tx.RESULT_TITLE)
            if ack is None:
                return
            self._record("order", f"{side.label} {code} {request.amount} → {ack.contract_no}")
            if self.faults.crash_after_send > 0:
                self.faults.crash_after_send -= 1
                self.crash()
                return
            for role in ("code", "price", "amount", "protect_price", "name", "available"):
                if role in c:
                    c[role].text = ""
                    c[role].source = ""
                    c[role].written_ctx = None
            state.ctx += 1
            if self.faults.result_popups:
                text = self.build.order_ok.format(side=side.label, contract_no=ack.contract_no)
                self._message(tx.RESULT_TITLE, text)

        def confirm() -> None:
            if not self.faults.confirm_dialog:
                send()
                return
            text = tx.CONFIRM.format(
                side=side.label, account=self.account, code=code, name=name, detail=detail, amount=amount_text
            )
            self._dialog(tx.CONFIRM_TITLE, text, [(6, "是(&Y)", send), (7, "否(&N)", None)], text_id=1040)

        if code in self.faults.risk_codes:
            buttons = [(6, "是(&Y)", confirm), (7, "否(&N)", None)]
            self._dialog(tx.RISK_TITLE, tx.RISK.format(code=code), buttons)
        else:
            confirm()

    # =========================================================== cancel and IPO

    def _cancel_selected(self) -> None:
        grid = self._controls["cancel"]["grid"]
        _, _, items = self._grid_data.get("cancel", ([], [], []))
        if not items or grid.selected < 0:
            self._message(tx.RESULT_TITLE, tx.NOTHING_TO_CANCEL)
            return
        e = items[grid.selected]

        def do() -> None:
            try:
                self.broker.cancel(e.contract_no)
            except GatewayError as exc:
                self._message(tx.RESULT_TITLE, exc.message)
                return
            self._record("cancel", e.contract_no)
            self._load_page("cancel")
            if self.faults.result_popups:
                self._message(tx.RESULT_TITLE, tx.CANCEL_OK.format(contract_no=e.contract_no))

        # The real 撤单确认: the row's code, price and amount in their own statics, never its 合同编号.
        ids = self.build.cancel_confirm_ids
        window = self._dialog(
            tx.CANCEL_TITLE, tx.CANCEL_ONE_TIP, [(6, "是(&Y)", do), (7, "否(&N)", None)], text_id=ids["tip"]
        )
        price = f"{e.price:.3f}" if e.price % Decimal("0.01") else f"{e.price:.2f}"
        values = (e.code, price, str(e.quantity - e.filled_quantity))
        for label, role, value in zip(tx.CANCEL_ONE_LABELS, ("code", "price", "amount"), values, strict=True):
            window.add(self._w.make("Static", 0xFFFF, label, role="label"))
            window.add(self._w.make("Static", ids[role], value, role=f"cancel_{role}"))

    def _cancel_many(self, side: Side | None) -> None:
        _, _, items = self._grid_data.get("cancel", ([], [], []))
        chosen = [e for e in items if side is None or e.side is side]
        if not chosen:
            self._message(tx.RESULT_TITLE, tx.NOTHING_TO_CANCEL)
            return

        def do() -> None:
            done = 0
            for e in chosen:
                try:
                    self.broker.cancel(e.contract_no)
                    done += 1
                except GatewayError:
                    continue
            self._record("cancel", f"{done}笔")
            self._load_page("cancel")
            if self.faults.result_popups:
                self._message(tx.RESULT_TITLE, tx.CANCEL_ALL_OK.format(n=done))

        buttons = [(6, "是(&Y)", do), (7, "否(&N)", None)]
        text = tx.CANCEL_MANY.format(n=len(chosen), total=len(items))
        self._dialog(tx.RESULT_TITLE, text, buttons, text_id=1040)

    def _select_all_ipos(self) -> None:
        _, _, items = self._grid_data.get("ipo", ([], [], []))
        self._ipo_ticked = set(range(len(items)))

    def _grid_click(self, grid: Widget, x: int, y: int) -> None:
        """Select the row under (x, y); on 批量新股申购 a click in the check cell also toggles its tick."""
        page = self._page_of(grid)
        _, rows, _ = self._grid_data.get(page, ([], [], []))
        b = self.build
        row = (y - b.grid_header_height) // b.grid_row_height if y >= b.grid_header_height else -1
        if not 0 <= row < len(rows):
            self._record("grid_click_outside", f"({x}, {y})")
            return
        grid.selected = row
        if page == "ipo" and 0 <= x < b.ipo_check_width:
            self._ipo_ticked ^= {row}
            self._record("ipo_tick", f"{row}:{'on' if row in self._ipo_ticked else 'off'}")

    def _apply_ipos(self) -> None:
        _, _, items = self._grid_data.get("ipo", ([], [], []))
        if not items:
            self._message(tx.RESULT_TITLE, tx.IPO_NONE)
            return
        chosen = [items[i] for i in sorted(self._ipo_ticked) if i < len(items)]
        if not chosen:
            self._message(tx.RESULT_TITLE, tx.IPO_NONE_TICKED)
            return

        def do() -> None:
            for o in chosen:
                if int(o.get("可申购数量", 0) or 0) <= 0:
                    # The real client sends it; the broker refuses it (and the user sees a failure).
                    self._misuse("ipo_without_quota", f"申购了没有额度的新股{o.get('申购代码', '')}")
            try:
                result = self.broker.auto_ipo(frozenset(o.get("申购代码", "") for o in chosen))
            except GatewayError as exc:
                self._message(tx.RESULT_TITLE, exc.message)
                return
            self._record("ipo", f"{len(result.applied)}只")
            self._load_page("ipo")
            self._message(tx.RESULT_TITLE, tx.IPO_OK.format(n=len(result.applied)))

        lines = "\n".join(
            f"{o.get('申购代码', '')} {o.get('证券名称', '')} {o.get('可申购数量', '')}" for o in chosen
        )
        self._dialog(
            tx.IPO_TITLE,
            tx.IPO_CONFIRM.format(n=len(chosen), lines=lines),
            [(6, "是(&Y)", do), (7, "否(&N)", None)],
        )
