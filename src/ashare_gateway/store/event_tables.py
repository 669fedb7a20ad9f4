"""Tables of the live event stream, in the journal's database: the events, and their webhook deliveries.

``live_events.id`` only grows (SQLite AUTOINCREMENT never reuses an id), so it is the SSE ``id:`` a
client sends back as ``Last-Event-ID`` to resume without a gap or a repeat.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

live_events = Table(
    "live_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("type", String(32), nullable=False),
    Column("account", String(64), nullable=False, default=""),
    Column("data", Text, nullable=False),  # the JSON object sent as the event's data
    sqlite_autoincrement=True,
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("live_events.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("state", String(12), nullable=False),  # pending / delivered / failed (gave up, kept)
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),  # Unix time of the next attempt
    Column("last_error", Text, nullable=False, default=""),
    Index("ix_webhook_due", "state", "next_at"),
)
