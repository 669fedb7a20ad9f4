"""The conditional orders' table, in the journal's database: one row per condition (an OCO pair: two rows
sharing ``group_id``).

What the caller asked is ``terms`` (JSON, never changed after creation); what happened is in the other
columns. ``order_request`` is the concrete order worked out at the trigger and written in the same
transaction that moves the row to ``triggering``, so a restart sends exactly that order under
``order_key`` (the journal's idempotency key), never one sized or priced again.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

conditions = Table(
    "conditions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # ConditionKind
    Column("code", String(12), nullable=False),
    Column("group_id", String(32)),  # one-cancels-other: the legs of one bracket share it
    Column("terms", Text, nullable=False),  # JSON of the validated ConditionTerms
    Column("state", String(12), nullable=False),  # ConditionState
    Column("extreme", String(24)),  # trailing stop: the highest (sell) / lowest (buy) price seen
    Column("order_key", String(80)),  # the Idempotency-Key its order is journalled under
    Column("order_request", Text),  # JSON of the OrderRequest decided at the trigger
    Column("trigger_last", String(24)),  # the last price (or time) that fired it
    Column("contract_no", String(32)),
    Column("message", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("triggered_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_conditions_state", "state", "account"),
    Index("ix_conditions_group", "group_id"),
    sqlite_autoincrement=True,  # an id is never reused: the order key derived from it stays unique
)
