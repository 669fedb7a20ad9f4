"""What a GUI client's connect-time check found, and which kinds of operation it stops.

Why a protocol of its own: a desktop adapter drives a program whose build it cannot choose. When the
program on screen does not match the layout the adapter was written for (a control gone, a column
renamed, the compact mode with no menu tree), typing an order into it could place a wrong one. The
adapter checks the client when it connects and says here what it refuses; the service asks *before*
the journal and the lane (``service/client_guard.py``), so a refused order is never recorded as sent,
never queued behind other calls, and never reaches the client. The paper broker does not offer it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol, TypeGuard, runtime_checkable

from ..domain.errors import GatewayError


class Guarded(StrEnum):
    """The kinds of operation a client mismatch can stop (each refused on its own)."""

    ORDERS = "orders"  # limit orders (the 买入/卖出 pages, and 当日委托 for the outcome)
    MARKET_ORDERS = "market_orders"  # the 市价委托 pages
    CANCELS = "cancels"  # cancel one, cancel all (the 撤单 page)
    IPO = "ipo"  # 新股申购
    READS = "reads"  # balance, positions, tables: only a client that is not the expected program at all


ALL_GUARDED = frozenset(Guarded)


class ClientMismatch(GatewayError):
    """The client on screen does not match its layout: the operation is refused, nothing is sent.

    409: the request is fine, the client's state conflicts with it. Not a ``BrokerUnavailable``: raised
    inside the lane (the session's gate) it is a refusal the journal records as rejected, never an
    order of unknown outcome."""

    status_code = 409


@runtime_checkable
class ChecksClient(Protocol):
    def refusal(self, guarded: Guarded) -> ClientMismatch | None:
        """Why ``guarded`` operations are refused on this client, or None. Cheap: no window is read
        (the service calls it outside the client's lane)."""
        ...

    def client_report(self) -> dict[str, Any]:
        """The connect-time check and the client settings, for /health and the start-up banner."""
        ...


# The protocol's members, read from it once. ``isinstance`` against a runtime-checkable Protocol walks the
# class's MRO for them on every call (~45 µs in Python 3.11), and the service asks on every order and
# cancel: this asks the object the same question (each member present and not None) directly.
_MEMBERS = tuple(name for name in ChecksClient.__dict__ if not name.startswith("_"))


def checks_client(broker: object) -> TypeGuard[ChecksClient]:
    """``isinstance(broker, ChecksClient)``, at the cost of two attribute look-ups (issue 15)."""
    return all(getattr(broker, name, None) is not None for name in _MEMBERS)


def reports(brokers: list[object]) -> list[dict[str, Any]]:
    """The reports of the brokers that check their client (for /health and the start-up banner)."""
    return [b.client_report() for b in brokers if isinstance(b, ChecksClient)]
