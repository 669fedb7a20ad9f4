"""The states of a journalled order and the only moves between them.

Why a table: an order's outcome is money. Once the broker gave a 合同编号 (``accepted``) or refused it
(``rejected``), no later bug may rewrite that as ``sent`` or ``failed`` — a ``failed`` order is one a
retry may send again, so turning an accepted order into a failed one is a duplicate order waiting to
happen. :class:`~ashare_gateway.service.journal.Journal` applies every state change as one conditional
UPDATE (``... WHERE state IN <allowed sources>``), so the table is enforced in one place, atomically,
even against another writer of the same file.

The values are the strings the journal has always stored, so existing data folders read unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class OrderState(StrEnum):
    RECEIVED = "received"  # journalled, not yet handed to the broker
    SENT = "sent"  # handed to the broker; the outcome is not written yet
    ACCEPTED = "accepted"  # the broker took it (合同编号)
    REJECTED = "rejected"  # refused (risk limit, validation, the broker's own words): final
    UNKNOWN = "unknown"  # the outcome was lost mid-call: reconciliation settles it
    FAILED = "failed"  # provably never reached the broker: a retry with the same key may send it
    DRY_RUN = "dry_run"  # validated and journalled, deliberately never sent

    @property
    def is_open(self) -> bool:
        """Not settled yet: reconciliation (or a retry) still has to decide it."""
        return self in OPEN_STATES


S = OrderState
OPEN_STATES = frozenset({S.RECEIVED, S.SENT, S.UNKNOWN})
FINAL_STATES = frozenset({S.ACCEPTED, S.REJECTED, S.DRY_RUN})

# target state → the states it may be reached from.
ALLOWED_FROM: dict[OrderState, frozenset[OrderState]] = {
    S.SENT: frozenset({S.RECEIVED, S.FAILED}),  # first send, or a retry of a provably unsent order
    S.ACCEPTED: frozenset({S.SENT, S.UNKNOWN}),  # the broker's answer, or found by reconciliation
    S.REJECTED: frozenset({S.RECEIVED, S.SENT}),
    S.UNKNOWN: frozenset({S.SENT}),
    S.FAILED: frozenset({S.RECEIVED, S.SENT, S.UNKNOWN, S.FAILED}),  # FAILED→FAILED: a note is added
    S.DRY_RUN: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset(),  # only ever the first state
}

# The states an order may be journalled in at once (the audit still shows ``received`` first).
FIRST_STATES = frozenset({S.RECEIVED, S.SENT, S.REJECTED, S.DRY_RUN})


def allowed(source: OrderState, target: OrderState) -> bool:
    return source in ALLOWED_FROM[target]


class IllegalTransition(RuntimeError):
    """A state change the table forbids (a bug): refused, the journal row is left as it was."""

    def __init__(self, oid: int, current: str | None, target: OrderState) -> None:
        super().__init__(f"journal order {oid}: {current} → {target} is not an allowed transition")
        self.oid, self.current, self.target = oid, current, target
