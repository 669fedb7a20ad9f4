"""Order entry on the 买入/卖出 pages: the code (and the client's lookup), price, amount, market type.

Why typed keys: newer universal builds ignore ``WM_SETTEXT`` in the order edits (easytrader #447,
#449: the code stays empty and the order silently never happens), and some builds' edits ignore
Ctrl+A. So every field is emptied with Home, Shift+End, Backspace and then typed, and read back;
``WM_SETTEXT`` remains only as the fallback for a build whose edits refuse typed keys. A field that
does not read back what was asked is never submitted.

Why the desktop is asked again before each field and each clear (:meth:`OrderEntry.require_input`):
a workstation locked (or an RDP session dropped) after the order's first check swallows the keys that
follow, leaving a field empty, old or half typed, while the WM_SETTEXT fallback would still land. The
order stops there, refused with the lock's reason (``InputLost``: nothing was sent).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from ...desktop.driver import DesktopDriver, literal_keys
from ...domain import messages as msg
from ...domain.errors import (
    BrokerUnavailable,
    InvalidParameter,
    NotSupported,
    OperationTimeout,
    OrderRejected,
)
from ...domain.instruments import resolve_code
from ...domain.market_orders import match_label, needs_protect_price
from ...domain.models import OrderRequest
from ...domain.rules import tick_size
from ..client_state import send_unless_lost, stop_if_input_lost
from .session import ClientSession
from .timeouts import Timeouts

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3


class OrderEntry:
    def __init__(self, driver: DesktopDriver, session: ClientSession, timeouts: Timeouts) -> None:
        self.driver = driver
        self.session = session
        self.timeouts = timeouts

    def require_input(self) -> None:
        """Stop the order if the desktop stopped taking input since it began (``client_state.input_lost``)."""
        stop_if_input_lost(self.driver)

    def _send_keys(self, edit: int, keys: str) -> None:
        """Keys into an order field, the desktop asked first (``client_state.send_unless_lost``: a
        driver that refuses them itself stops the order the same way)."""
        send_unless_lost(self.driver, lambda: self.driver.type_keys(edit, keys))

    def _type(self, edit: int, text: str) -> None:
        self._send_keys(edit, self.session.layout.keys.clear_edit + literal_keys(text))

    def _fill(self, edit: int, text: str, method: str, what: str, *, keep_same: bool = True) -> bool:
        """Put ``text`` into ``edit`` by ``method`` ("type" or "set_text"); True once it reads back.

        A field that already holds ``text`` is left as it is. Why: typed keys are queued input, and the
        read-back (WM_GETTEXT, a sent message) is answered before them; over the same text it would
        succeed at once, and the keys still queued would land in the next field once it has the focus
        (under Wine: the client's own price fill after the lookup equalled the order's price, 8.65
        typed over it, "8.6" in the 委托确认). Over any other text the read-back matches only once every
        key has landed. ``keep_same=False`` types anyway: the code, whose typed keys start the lookup;
        the caller has emptied the edit first (:meth:`_emptied`), so its read-back too waits for the keys.
        """
        self.require_input()
        if method == "type":
            if keep_same and self.driver.get_text(edit) == text:
                return True
            self._type(edit, text)
        else:
            self.driver.set_text(edit, text)
        try:
            self.timeouts.wait(lambda: self.driver.get_text(edit) == text, self.timeouts.field, f"{what}写入")
        except OperationTimeout:
            return False
        return True

    def _emptied(self, edit: int, what: str) -> bool:
        """Empty an edit that holds anything with the clear keys alone; True once it reads empty.

        Why apart from the text: a read-back over text equal to the wanted one would pass before the
        queued keys land (see :meth:`_fill`). An empty read-back can only come from the clear keys having
        landed, and the text typed next reads back only once its own keys have (xiadan-gateway clears,
        reads what is left and clears again before it types: ``window_service.py:567-585``).
        """
        if not self.driver.get_text(edit):
            return True
        self._send_keys(edit, self.session.layout.keys.clear_edit)
        try:
            self.timeouts.wait(lambda: not self.driver.get_text(edit), self.timeouts.field, f"{what}清空")
        except OperationTimeout:
            return False
        return True

    def empty_left_over(self, control_ids: tuple[int, ...]) -> None:
        """Empty what an order that was not sent left in the order fields, before this order's code.

        Why: a refused or declined order (a lock part-way, a confirm that did not match) leaves its
        price and amount in the edits, and :meth:`_fill` keeps a field that already holds the wanted
        text. A retry of the same order would then submit a value written before this order's code
        and its lookup, which a client may reset after the lookup (the fake flags it as
        ``interleaved``): emptied here, every field is this order's own. A field that does not empty
        by keys is left to :meth:`write`, which reads back what it needs.
        """
        for control_id in control_ids:
            edit = self.session.find(control_id)
            if (
                edit is not None
                and self.driver.get_text(edit)
                and not self._emptied(edit, "上一笔委托的输入")
            ):
                log.info("order field %s kept the last order's text after the clear keys", control_id)

    def _name_cleared(self, name: int) -> None:
        """Wait until the name field has let go of the last code's name (the client clears it when the
        code changes). A name kept would pass the lookup wait before the new lookup has run, and the
        lookup's price fill could then land over the typed price; the confirm check stays the guard."""
        if not self.driver.get_text(name).strip():
            return
        try:
            self.timeouts.wait(
                lambda: not self.driver.get_text(name).strip(), self.timeouts.field, "证券名称清空"
            )
        except OperationTimeout:
            log.warning("the name field kept %r after the code edit was emptied", self.driver.get_text(name))

    def enter_code(self, edit: int, code: str) -> None:
        """Enter the code and wait for the client's lookup (the name field fills).

        Typed keys first (they start the lookup on every build); WM_SETTEXT is the fallback for a
        build that refuses keys, and only if the typed code did not read back or start a lookup. The code
        is typed even when the edit already holds it (a refused or declined order leaves it there): the
        edit is emptied first and read empty, so no key of it is still queued when the price edit takes
        the focus, and the old name is gone before the lookup is waited for.
        """
        layout = self.session.layout
        name = self.session.control(layout.order.name, "证券名称控件出现")
        first = layout.code_entry
        for method in (first, "set_text" if first == "type" else "type"):
            if method == "type":
                if not self._emptied(edit, "证券代码"):
                    log.info("the code edit did not empty by typed keys: trying the other entry method")
                    continue
                self._name_cleared(name)
            if not self._fill(edit, code, method, "证券代码", keep_same=False):
                log.info("the code edit did not take %s by %s: trying the other entry method", code, method)
                continue
            try:
                self.timeouts.wait(
                    lambda n=name: self.driver.get_text(n).strip(), self.timeouts.lookup, "证券名称出现"
                )
                return
            except OperationTimeout:
                log.info("no lookup for %s after %s: trying the other entry method", code, method)
        raise OrderRejected(f"证券代码{code}无效，或客户端未能查询到该证券")

    def write(self, control_id: int, text: str, what: str) -> None:
        """Type ``text`` into a field and read it back; a pop-up that ate the keys is closed, then retry."""
        handle = self.session.control(control_id, f"{what}输入框出现")
        for attempt in range(WRITE_ATTEMPTS):
            method = "type" if attempt < WRITE_ATTEMPTS - 1 else "set_text"
            if self._fill(handle, text, method, what):
                return
            self.session.settle_popups()
        raise BrokerUnavailable(f"无法写入{what}（客户端未接受输入）")

    def choose_market_type(self, request: OrderRequest) -> None:
        layout = self.session.layout
        ids = layout.order
        combo = self.session.control(ids.market_type, "市价类型下拉框出现")
        items = self.timeouts.wait(
            lambda: self.driver.combo_items(combo), self.timeouts.lookup, "市价类型选项出现"
        )
        if any(layout.no_market_order_label in item for item in items):
            raise NotSupported("该客户端不支持市价委托")
        index = next((i for i, item in enumerate(items) if match_label(item) is request.market_type), None)
        if index is None:
            raise NotSupported(f"客户端不支持市价类型“{request.market_type}”（可选：{'、'.join(items)}）")
        self.require_input()
        self.driver.select_combo(combo, index)
        self.timeouts.wait(
            lambda: self.driver.get_text(combo) == items[index], self.timeouts.field, "市价类型选择"
        )
        if needs_protect_price(resolve_code(request.code)):
            if request.protect_price is None:
                raise InvalidParameter(msg.MISSING_PARAM.format(name="protect_price"))
            self.write(ids.protect_price, price_text(request.protect_price, request.code), "保护限价")


def price_text(price: Decimal, code: str) -> str:
    places = 3 if tick_size(resolve_code(code)) < Decimal("0.01") else 2
    return f"{price:.{places}f}"
