"""Order events from the journal: accepted, rejected, unknown, reconciled — as the order path decides them.

The journal tells its observers ``(order id, new state, settled by reconciliation?)`` after each write;
this turns that into a bus event carrying the order. Never raises into the order path.
"""

from __future__ import annotations

import logging
from typing import Any

from .events import EventBus, EventType
from .journal import Journal, JournalEntry

log = logging.getLogger(__name__)

AGENT_KEY_PREFIX = "mcp-"  # orders an AI agent confirmed through the MCP server carry keys like this

_BY_STATE = {
    "accepted": EventType.ORDER_ACCEPTED,
    "rejected": EventType.ORDER_REJECTED,
    "failed": EventType.ORDER_REJECTED,  # provably never reached the broker
    "unknown": EventType.ORDER_UNKNOWN,
}


def order_data(entry: JournalEntry) -> dict[str, Any]:
    req = entry.request
    return {
        "journal_id": entry.id,
        "state": entry.state,
        "合同编号": entry.contract_no,
        "code": req["code"],
        "side": req["side"],
        "amount": req["amount"],
        "price": req["price"],
        "market_type": req["market_type"],
        "message": entry.message,
        "reconciled": entry.reconciled,
        "idempotency_key": entry.idem_key,
        "origin": "agent" if (entry.idem_key or "").startswith(AGENT_KEY_PREFIX) else "api",
    }


class JournalEvents:
    def __init__(self, journal: Journal, bus: EventBus) -> None:
        self.journal = journal
        self.bus = bus

    def __call__(self, oid: int, state: str, reconciled: bool) -> None:
        try:
            if reconciled and state in ("accepted", "failed"):
                type_ = EventType.ORDER_RECONCILED
            else:
                type_ = _BY_STATE.get(state)  # type: ignore[assignment]  # None returns just below
                if type_ is None:  # received / sent / dry_run: nothing a listener acts on
                    return
            entry = self.journal.get(oid)
            self.bus.publish(type_, entry.account, order_data(entry))
        except Exception:  # an event is never worth a failed order
            log.exception("could not publish the event of journal order %s", oid)


def kill_switch_observer(bus: EventBus):
    def observe(on: bool, account: str | None) -> None:
        try:
            scope = str(account) if account else ""
            bus.publish(EventType.KILLSWITCH, scope, {"on": bool(on), "scope": scope or "all"})
        except Exception:
            log.exception("could not publish the kill switch event")

    return observe
