"""The journal's state table (issue 11): an outcome once written cannot be rewritten by a bug."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.service.journal import Journal
from ashare_gateway.service.order_states import ALLOWED_FROM, IllegalTransition, OrderState

REQ = OrderRequest(code="600000", side=Side.BUY, amount=100, price=Decimal("8.70"))


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "journal.sqlite3", now=lambda: dt.datetime(2026, 11, 20, 10))
    yield j
    j.close()


def _record(journal: Journal, key: str) -> int:
    return journal.record(account="a", broker="sim", key=key, req=REQ, dry_run=False).id


def test_accepted_never_goes_back_to_sent_or_failed(journal: Journal, tmp_path: Path) -> None:
    oid = _record(journal, "k1")
    journal.transition(oid, OrderState.ACCEPTED, contract_no="123")
    for target in (OrderState.SENT, OrderState.FAILED, OrderState.UNKNOWN, OrderState.REJECTED):
        with pytest.raises(IllegalTransition):
            journal.transition(oid, target)
    entry = journal.get(oid)
    assert entry.state is OrderState.ACCEPTED and entry.contract_no == "123"
    assert [e["state"] for e in journal.events(order_id=oid)] == ["received", "sent", "accepted"]
    # the stored values are the strings earlier versions wrote: old data folders read unchanged
    with sqlite3.connect(tmp_path / "journal.sqlite3") as conn:
        assert conn.execute("select state from journal_orders where id = ?", (oid,)).fetchone() == (
            "accepted",
        )


def test_every_move_the_table_allows_and_no_other(journal: Journal) -> None:
    """Walk each state to each target: exactly the table's moves succeed."""
    paths = {  # how to bring a fresh order (journalled as sent) to each state
        OrderState.SENT: [],
        OrderState.ACCEPTED: [OrderState.ACCEPTED],
        OrderState.REJECTED: [OrderState.REJECTED],
        OrderState.UNKNOWN: [OrderState.UNKNOWN],
        OrderState.FAILED: [OrderState.FAILED],
    }
    n = 0
    for source, path in paths.items():
        for target in OrderState:
            n += 1
            oid = _record(journal, f"walk-{n}")
            for step in path:
                journal.transition(oid, step)
            if source in ALLOWED_FROM[target]:
                journal.transition(oid, target)
                assert journal.get(oid).state is target
            else:
                with pytest.raises(IllegalTransition):
                    journal.transition(oid, target)
                assert journal.get(oid).state is source
    assert OrderState.SENT in ALLOWED_FROM[OrderState.ACCEPTED]
    assert OrderState.ACCEPTED not in ALLOWED_FROM[OrderState.SENT]


def test_an_order_cannot_be_journalled_already_accepted(journal: Journal) -> None:
    with pytest.raises(IllegalTransition):
        journal.record(account="a", broker="sim", key="x", req=REQ, dry_run=False, state=OrderState.ACCEPTED)
