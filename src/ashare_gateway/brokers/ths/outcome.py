"""The pop-ups after a submit, and what to believe when the result pop-up never comes.

Why the result pop-up is optional: whether the client shows a 提示 after an order or a cancel is one
of its settings (easytrader #275: "系统可以配置是否返回成交回报"; #457), and a 提示 may also come later
than a fixed wait (easytrader #348). So a flow answers pop-ups until its success pop-up, or until none
comes for ``Timeouts.result``; then the caller proves the outcome from the tables (the order is in
当日委托, the cancelled order has left 可撤). An order that may be in is never reported failed: the
caller's retry would place it twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ...domain.errors import OperationTimeout, OrderRejected
from ...domain.models import Entrust, OrderRequest
from .dialogs import Classified, DialogKind
from .popups import ClientGone, Popup, Popups
from .session import ClientSession
from .timeouts import Timeouts

log = logging.getLogger(__name__)

FLOW_STEPS = 12  # pop-ups one order/cancel/IPO may meet before the flow is declared stuck


@dataclass(frozen=True, slots=True)
class FlowEnd:
    """How a flow ended: its success pop-up, or None when no result pop-up came; the confirm it met."""

    popup: Popup | None
    confirm: Popup | None


def run_flow(
    popups: Popups,
    session: ClientSession,
    timeouts: Timeouts,
    what: str,
    check_confirm: Callable[[Popup], None],
    *,
    after_confirm: float | None = None,
) -> FlowEnd:
    """Answer the pop-ups of one submitted action until its result pop-up, or until none comes.

    ``after_confirm``: how long to wait for a result once the confirm is answered (default
    ``timeouts.result``); shorter for a client known to show no result pop-ups.
    """
    deadline = time.monotonic() + timeouts.dialog
    confirm: Popup | None = None
    for _ in range(FLOW_STEPS):
        step = timeouts.result if confirm is None or after_confirm is None else after_confirm
        wait = max(0.0, min(step, deadline - time.monotonic()))
        try:
            popup = popups.next(wait, f"{what}结果对话框出现")
        except ClientGone:
            raise OperationTimeout(f"客户端在{what}过程中退出") from None
        except OperationTimeout:
            return FlowEnd(None, confirm)  # the client shows no (further) pop-up: prove it from the tables
        kind = popup.kind
        if kind in (DialogKind.CONFIRM, DialogKind.CANCEL_CONFIRM):
            check_confirm(popup)
            popups.accept(popup)
            confirm = popup
        elif kind is DialogKind.RISK:
            popups.accept(popup)
        elif kind is DialogKind.SUCCESS:
            popups.acknowledge(popup)
            return FlowEnd(popup, confirm)
        elif kind is DialogKind.REJECTED:
            popups.acknowledge(popup)
            raise OrderRejected(popup.classified.message)
        elif kind is DialogKind.LOCK:
            session.unlock(popup)
            raise OperationTimeout(f"{what}过程中客户端被锁定")
        elif kind is DialogKind.IDLE_TIMEOUT:
            popups.acknowledge(popup)
            session.settle_popups()
            raise OperationTimeout(f"{what}过程中客户端提示请求超时")
        else:
            log.warning("unexpected pop-up during %s: %s", what, popup.classified.message)
            popups.dismiss(popup)
    raise OperationTimeout(f"{what}过程中弹出的对话框过多")


def late_result(seen: Iterable[Classified]) -> Classified | None:
    """A result pop-up that came late and was closed as a stray one (success or rejection), if any."""
    return next((c for c in seen if c.kind in (DialogKind.SUCCESS, DialogKind.REJECTED)), None)


def matches(entrust: Entrust, request: OrderRequest) -> bool:
    """Whether a 当日委托 row is this order (code, side, amount, and the price of a limit order)."""
    if (entrust.code, entrust.side, entrust.quantity) != (request.code, request.side, request.amount):
        return False
    return request.is_market or request.price is None or entrust.price == request.price


def new_rows(rows: list[Entrust], request: OrderRequest, known: frozenset[str] | None) -> list[Entrust]:
    """The rows that can be this order: matching it, and not seen before it was placed."""
    return [e for e in rows if matches(e, request) and (known is None or e.contract_no not in known)]
