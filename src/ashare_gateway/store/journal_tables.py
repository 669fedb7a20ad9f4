"""The order journal's tables: one row per order request, one event row per state change (the audit)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Table as _Table

metadata = MetaData()

journal_orders = _Table(
    "journal_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(64), nullable=False),
    Column("broker", String(32), nullable=False),
    Column("idem_key", String(80)),  # Idempotency-Key header or client_order_id
    Column("fingerprint", String(64), nullable=False),  # what the order is: for retries and duplicate checks
    Column("request", Text, nullable=False),  # JSON of the validated OrderRequest
    Column("state", String(12), nullable=False),  # received/sent/accepted/rejected/unknown/dry_run
    Column("contract_no", String(32)),
    Column("message", Text, nullable=False, default=""),
    Column("status_code", Integer),  # the HTTP status the first answer had (for replaying rejections)
    Column("reconciled", Text, nullable=False, default=""),  # how an unknown outcome was settled
    Column("dry_run", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
    Column("trade_date", String(8), nullable=False),
    UniqueConstraint("account", "idem_key", name="uq_journal_key"),
    Index("ix_journal_state", "state"),
    Index("ix_journal_day", "trade_date", "account"),
)

journal_events = _Table(
    "journal_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("journal_orders.id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("state", String(12), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

risk_state = _Table(
    "risk_state",
    metadata,
    Column("key", String(80), primary_key=True),  # "kill_switch", "kill_switch:<account>"
    Column("value", String(200), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
