"""Where an order request's service call runs: on the event loop for the paper exchange, else a worker.

An order for a desktop client waits seconds for its lane, so it runs in a worker thread and the loop
serves everything else meanwhile. An order on the paper exchange is a fraction of a millisecond of
Python and two synced commits; handing it to a worker and back costs more than the order itself
(docs/performance.md, "Third pass: the paper exchange's calls on the event loop"), so it runs right
here, as one step of the loop. Both go through the order gate first (service/order_gate.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from ..service.trader import TraderService

T = TypeVar("T")


async def place_order(service: TraderService, account: str, place: Callable[[], T]) -> T:
    """``place()`` for gateway account ``account``, admitted by the gate, on the loop when its client is
    in process and free (``ClientRegistry.inline_for``), else in a worker thread."""
    async with service.order_gate.admit(account):
        if service.clients.inline_for(account):
            return place()
        return await run_in_threadpool(place)
