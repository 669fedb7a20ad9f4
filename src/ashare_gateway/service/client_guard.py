"""Refuse, before the journal and the lane, what a client's connect-time check stopped.

Why here and not in the adapter alone: an order refused inside the lane would already be journalled
as sent and would have waited behind other calls. A client that reports a mismatch
(``brokers/client_check.ChecksClient``: the xiadan fingerprint) is asked first, cheaply — no window is
read — and its ``ClientMismatch`` (409, naming what differs) is the answer. Brokers without the check
(the paper exchange, hexin) are never refused here.
"""

from __future__ import annotations

from types import MappingProxyType

from ..brokers.base import Operation
from ..brokers.client_check import Guarded, checks_client

OPERATION_GUARDS: MappingProxyType = MappingProxyType(
    {
        Operation.BALANCE: Guarded.READS,
        Operation.POSITIONS: Guarded.READS,
        Operation.TODAY_ENTRUSTS: Guarded.READS,
        Operation.TODAY_TRADES: Guarded.READS,
        Operation.CANCELABLE_ENTRUSTS: Guarded.READS,
        Operation.CANCEL: Guarded.CANCELS,
        Operation.CANCEL_ALL: Guarded.CANCELS,
        Operation.AUTO_IPO: Guarded.IPO,
        Operation.MARKET_ORDER: Guarded.MARKET_ORDERS,
    }
)


def refuse(broker: object, guarded: Guarded | None) -> None:
    """Raise the client's ``ClientMismatch`` when it stopped ``guarded`` operations."""
    if guarded is not None and checks_client(broker):
        refusal = broker.refusal(guarded)
        if refusal is not None:
            raise refusal


def refuse_operation(broker: object, operation: Operation | None) -> None:
    refuse(broker, OPERATION_GUARDS.get(operation) if operation is not None else None)
