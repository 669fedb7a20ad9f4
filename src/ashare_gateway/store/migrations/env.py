"""Alembic's environment: run the revisions on the connection the caller passed in ``upgrade()``.

Autogenerate (``tools/migration.py``) passes the metadata to compare against as ``target_metadata``.
``render_as_batch`` lets a revision alter a column on SQLite (which has no ALTER COLUMN) by copying
the table.
"""

from __future__ import annotations

from alembic import context

cfg = context.config
connection = cfg.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=cfg.attributes.get("target_metadata"),
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
