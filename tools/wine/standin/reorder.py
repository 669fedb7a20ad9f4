"""The cancel race: a busy client's 可撤 grid changes between the adapter's read and its click.

A real client refreshes its grids by itself: a new order placed from another window (or a strategy),
or a fill that removes a row, lands while the adapter selects the row it read. The adapter selects
with the keyboard (``{HOME}`` + ``{DOWN}``×index, no coordinates) and then clicks 撤单, which acts on
whatever row is selected *then*. The selected index stays where it was while the rows under it move
(the stand-in's grid keeps its selection on the screen line, as ``Grid.move`` does) — so the click
would cancel another order. If that order has the same code, price and amount (the same order sent
twice), the 撤单确认 (code, price, amount: easyths order_cancel.py:63-68) cannot tell them apart;
only the adapter's proof of the selected row (a Ctrl+C queued behind the keys, checked against the
合同编号: ``brokers/ths/cancel_page._prove_selected``) can.

``Config.cancel_reorder = N``: the next N selections on the 撤单 page see, as their first key
(``{HOME}``) is handled, a new order exactly like the top row placed in the exchange and inserted at
the top of the grid. Deterministic: it happens on the grid's own thread while the selection keys are
being handled, before any later key or click. Counted in ``stats["cancel_reorders"]``.

``Config.cancel_reorder_at_click = [ClickChange, …]``: the same change, one per coming 撤单 (1099)
click, applied as the click's ``BN_CLICKED`` is handled — after every key and the adapter's proof copy,
before the page takes the selected row and builds its 撤单确认 (the Linux fake's
``Faults.cancel_race_at_click``, ``simulators/xiadan/grid_race.py``). No proof on the client side can see
it coming: with a ``TWIN`` the 撤单确认 shows the target's own code, price and amount and the twin is
cancelled (only the 提示's 合同编号, or the target still in 可撤, tells); with an ``OTHER`` (same code,
another price and amount) the confirm differs from the row the adapter read. Counted in
``stats["cancel_click_changes"]``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import win32con

from ashare_gateway.domain.models import OrderRequest

if TYPE_CHECKING:
    from .cancel_page import CancelPage

log = logging.getLogger("standin")


class ClickChange(StrEnum):
    """The order listed on top of the 可撤 grid as 撤单 is clicked."""

    TWIN = "twin"  # exactly like the selected row: code, side, price, open amount
    OTHER = "other"  # the selected row's code and side, one tick under its price, 100 shares more


def after_key(page: CancelPage, vk: int) -> None:
    """Called by the 撤单 grid after it handled a selection key (Home/End/Up/Down)."""
    app = page.app
    if vk != win32con.VK_HOME or app.config.cancel_reorder <= 0:
        return
    if _insert_on_top(page, ClickChange.TWIN, "selection"):
        app.config.cancel_reorder -= 1
        app.stats["cancel_reorders"] = app.stats.get("cancel_reorders", 0) + 1


def before_click(page: CancelPage) -> None:
    """Called by the 撤单 page as its 1099 click lands, before it takes the selected row."""
    app = page.app
    pending = app.config.cancel_reorder_at_click
    if not pending or not page.rows:
        return
    change = ClickChange(pending.pop(0))
    if _insert_on_top(page, change, "click"):
        app.stats["cancel_click_changes"] = app.stats.get("cancel_click_changes", 0) + 1


def _insert_on_top(page: CancelPage, change: ClickChange, moment: str) -> bool:
    """Place an order like the selected row in the exchange, list it on top; the selection keeps its line.

    After ``{HOME}`` the selected row is the top one; at the click it is the adapter's target, so with
    the target on top the line then shows the new order (lower down it shows the row above the target)."""
    app, grid = page.app, page.grid
    if grid is None or not page.rows:
        return False
    selected = grid.selected
    model = page.rows[selected] if 0 <= selected < len(page.rows) else page.rows[0]
    amount, price = model.quantity - model.filled_quantity, model.price
    if change is ClickChange.OTHER:
        amount, price = amount + 100, price - Decimal("0.01")
    ack = app.backend.place(OrderRequest(model.code, model.side, amount, price))
    page.refresh()  # the client's own refresh: the new order listed, then moved to the top
    new = next((i for i, e in enumerate(page.rows) if e.contract_no == ack.contract_no), None)
    if new is not None and new != 0:
        page.rows.insert(0, page.rows.pop(new))
        grid.rows.insert(0, grid.rows.pop(new))
    grid.move(selected)  # the selection stays on its line: it now shows another order
    log.info(
        "cancel grid changed at the %s: %s (%s) inserted on top, row %d selected",
        moment,
        ack.contract_no,
        change.value,
        selected,
    )
    return True
