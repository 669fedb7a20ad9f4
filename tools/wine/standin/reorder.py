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
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import win32con

from ashare_gateway.domain.models import OrderRequest

if TYPE_CHECKING:
    from .cancel_page import CancelPage

log = logging.getLogger("standin")


def after_key(page: CancelPage, vk: int) -> None:
    """Called by the 撤单 grid after it handled a selection key (Home/End/Up/Down)."""
    app = page.app
    grid = page.grid
    if vk != win32con.VK_HOME or app.config.cancel_reorder <= 0 or grid is None or not page.rows:
        return
    app.config.cancel_reorder -= 1
    top = page.rows[0]
    request = OrderRequest(top.code, top.side, top.quantity - top.filled_quantity, top.price)
    ack = app.backend.place(request)
    selected = grid.selected
    page.refresh()  # the client's own refresh: the new order listed, then moved to the top
    new = next((i for i, e in enumerate(page.rows) if e.contract_no == ack.contract_no), None)
    if new is not None and new != 0:
        page.rows.insert(0, page.rows.pop(new))
        grid.rows.insert(0, grid.rows.pop(new))
    grid.move(selected)  # the selection stays on its line: it now shows another order
    app.stats["cancel_reorders"] = app.stats.get("cancel_reorders", 0) + 1
    log.info("cancel grid reordered: %s inserted on top, row %d selected", ack.contract_no, selected)
