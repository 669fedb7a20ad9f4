"""The journal's two commit strengths (issue 15): the intent synced before the send, the outcome not.

The order path writes through one plain sqlite3 connection (``store/hot.py``) that switches
``PRAGMA synchronous`` between transactions. What SQLite runs is traced statement by statement, so the
tests see which strength each commit had, and that the rows read back through the engine unchanged.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.service.journal import Journal
from ashare_gateway.service.order_states import IllegalTransition, OrderState

REQ = OrderRequest("600000", Side.BUY, 100, Decimal("8.00"))
NOW = dt.datetime(2026, 12, 2, 10, 0, 0, 123456)


def _journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3", now=lambda: NOW)


def _strength_of_commits(trace: list[str]) -> list[tuple[str, str]]:
    """(the synchronous setting in force, the first statement of the transaction) per COMMIT."""
    sync, first, out = "", "", []
    for sql in trace:
        word = sql.split()[0].upper()
        if sql.upper().startswith("PRAGMA SYNCHRONOUS="):
            sync = sql.split("=", 1)[1].strip().upper()
        elif word == "BEGIN":
            first = ""
        elif word == "COMMIT":
            out.append((sync, first))
        elif not first:
            first = sql
    return out


def test_the_intent_is_committed_synced_and_the_outcome_without_an_fsync(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    trace: list[str] = []
    journal.hot.set_trace(trace.append)
    entry = journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=False)
    journal.transition(entry.id, OrderState.ACCEPTED, contract_no="10000001")
    journal.hot.set_trace(None)
    commits = _strength_of_commits(trace)
    assert [(sync, first.split()[0]) for sync, first in commits] == [("FULL", "INSERT"), ("NORMAL", "UPDATE")]
    assert "journal_orders" in commits[0][1] and "journal_orders" in commits[1][1]
    journal.close()


def test_a_configured_normal_intent_is_honoured(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3", now=lambda: NOW, synchronous="NORMAL")
    trace: list[str] = []
    journal.hot.set_trace(trace.append)
    journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=False)
    journal.hot.set_trace(None)
    assert [sync for sync, _ in _strength_of_commits(trace)] == ["NORMAL"]
    journal.close()


def test_the_intent_is_committed_when_record_returns(tmp_path: Path) -> None:
    """Another connection (as after a kill: another process) sees the row and its audit events."""
    journal = _journal(tmp_path)
    entry = journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=False)
    other = sqlite3.connect(tmp_path / "journal.sqlite3")
    state = other.execute("SELECT state FROM journal_orders WHERE id = ?", (entry.id,)).fetchone()
    events = other.execute("SELECT state FROM journal_events WHERE order_id = ? ORDER BY id", (entry.id,))
    assert state == ("sent",)
    assert [e[0] for e in events] == ["received", "sent"]
    other.close()
    journal.close()


def test_rows_written_by_the_hot_path_read_back_through_the_engine(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    entry = journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=True)
    journal.transition(entry.id, OrderState.ACCEPTED, contract_no="10000001", message="ok")
    (read,) = journal.query(account="a")  # the SQLAlchemy engine
    assert read.created_at == NOW and read.sent_at == NOW and read.updated_at == NOW
    assert read.dry_run is True and read.state is OrderState.ACCEPTED and read.contract_no == "10000001"
    assert journal.get(entry.id) == read  # the hot path's own read gives the same entry
    assert [e["state"] for e in journal.events(order_id=entry.id)] == ["received", "sent", "accepted"]
    journal.close()


def test_a_forbidden_move_changes_nothing_and_a_taken_key_is_refused(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    entry = journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=False)
    journal.transition(entry.id, OrderState.ACCEPTED, contract_no="1")
    with pytest.raises(IllegalTransition):
        journal.transition(entry.id, OrderState.UNKNOWN)
    assert [e["state"] for e in journal.events(order_id=entry.id)] == ["received", "sent", "accepted"]
    with pytest.raises(KeyError) as taken:
        journal.record(account="a", broker="sim", key="k1", req=REQ, dry_run=False)
    assert taken.value.args[0].id == entry.id  # the existing entry, for the caller's 409
    assert len(journal.query(account="a")) == 1
    journal.close()
