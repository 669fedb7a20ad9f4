"""The service's one reading of a broker's declared capabilities: refuse before the lane, not during.

A GUI adapter that lacks an operation would otherwise be queued behind other calls, drive windows and
only then raise ``NotSupported``. The refusal text is the adapter's own (it names the client).
"""

from __future__ import annotations

from ..brokers.base import Operation, Trading
from ..domain.errors import NotSupported
from .client_guard import refuse_operation


def supports(broker: Trading, operation: Operation) -> bool:
    return broker.capabilities.supports(operation)


def require(broker: Trading, operation: Operation | None) -> None:
    """Raise ``NotSupported`` (501) with the adapter's text when ``broker`` declares it cannot."""
    if operation is not None and not broker.capabilities.supports(operation):
        raise NotSupported(broker.capabilities.refusal(operation))
    refuse_operation(broker, operation)  # what the client's connect-time check stopped (409)
