"""The cancel race in the fake: the 可撤 grid changes while the adapter selects a row (clients.md row 32).

A busy client refreshes its grids by itself: an order placed from another window (or a strategy) is
listed, a fill (or a cancel from another window) takes a row away, while the adapter's selection keys
are being handled. The adapter selects with the keyboard (``{HOME}`` + ``{DOWN}``×index, no
coordinates), then clicks 撤单, which acts on the row selected *then*. The selection stays on its
screen line while the rows under it move, so the line may now show another order; when that order has
the same code, price and amount, the 撤单确认 (easyths order_cancel.py:63-68) cannot tell them apart.

Where new rows appear follows the Wine stand-in (``tools/wine/standin/reorder.py``: inserted on top of
the grid); a removal takes the top row away. Either way the target's line moves by one under a
selection that does not. The paper exchange is changed for real (the order is placed, or cancelled:
on the grid a full fill and a cancel elsewhere look the same, both leave 可撤), so a wrong 撤单 would
show in the books.

``Faults.cancel_race``: one :class:`GridChange` per coming selection on the 撤单 grid, each applied as
its ``{HOME}`` is handled (deterministic: before any later key, copy or click).
``Faults.cancel_race_at_click``: one per coming 撤单 click, applied as the click lands, after every key
and copy: the change no proof on the client side can see coming (only the 撤单确认 and the 提示's
合同编号 are left). Each change is recorded as a ``cancel_race`` event.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...domain.models import OrderRequest
from ..desktop.widgets import Widget
from . import grids

if TYPE_CHECKING:
    from .pages import Pages

CANCEL_PAGE = "cancel"


class GridChange(StrEnum):
    """What happens to the 可撤 grid while the adapter's selection keys are handled."""

    INSERT = "insert"  # an order exactly like the top row is placed elsewhere and listed on top
    REMOVE = "remove"  # the top row leaves 可撤 (filled, or cancelled from another window)


def after_home(pages: Pages, grid: Widget) -> None:
    """Called by the 撤单 grid after it handled ``{HOME}``: apply the next change the faults hold."""
    _apply(pages, grid, pages.host.faults.cancel_race, "selection")


def before_click(pages: Pages, grid: Widget) -> None:
    """Called by 撤单 before it takes the selected row: a change after every key and copy had landed."""
    _apply(pages, grid, pages.host.faults.cancel_race_at_click, "click")


def _apply(pages: Pages, grid: Widget, race: list[GridChange], moment: str) -> None:
    header, rows, items = pages.grid_data.get(CANCEL_PAGE, ([], [], []))
    if not race or not items:
        return
    change = race.pop(0)
    line = grid.selected
    broker, top = pages.host.broker, items[0]
    if change is GridChange.INSERT:
        twin = OrderRequest(top.code, top.side, top.quantity - top.filled_quantity, top.price)
        ack = broker.place_order(twin)
        new = next(e for e in broker.cancelable_entrusts() if e.contract_no == ack.contract_no)
        items.insert(0, new)
        rows.insert(0, grids.entrust_cells(new, header, pages.host.account))
        detail = f"{ack.contract_no} inserted on top"
    else:
        broker.cancel(top.contract_no)
        items.pop(0)
        rows.pop(0)
        detail = f"{top.contract_no} left the grid"
    grid.selected = min(line, len(rows) - 1)  # the selection stays on its screen line
    pages.host._record("cancel_race", f"{detail} at the {moment}; line {grid.selected} selected")
