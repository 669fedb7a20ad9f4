"""The one way a database file reaches the schema this code expects: Alembic's ``upgrade head``.

Two databases live in a data dir, each with its own line of revisions (``versions/<database>/``):
``journal.sqlite3`` (order journal, risk state, live events, webhook deliveries) and the paper exchange's
file (accounts, positions, orders, trades, IPO, market state). Revision ``0001`` of each is the schema as
it was before migrations existed, so a data dir written by that code (tables present, no
``alembic_version`` table) is stamped at ``0001`` and then upgraded like any other. A file lock beside
the database keeps two processes opening one data dir at once from both creating the tables.

A new, empty file gets the head schema without Alembic running: the revisions are run once per process
on an in-memory database and the schema they produced (``sqlite_master``'s statements, in the order they
were made, and the head revision) is written to the file. It is the same schema by construction
(``tests/unit/test_migrations.py`` compares the two); running the revisions costs ~35 ms of CPU per file,
paid on every start on a fresh data dir, every new account and ~1,500 times by the test suite.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
BASELINE = "0001"


class Database(StrEnum):
    """A database file of the data dir; its value names its folder under ``versions/``."""

    JOURNAL = "journal"
    PAPER = "paper"


# A table that every pre-migration file of that database has: its presence means "written by the
# create_all code", so the file is stamped at the baseline instead of created again.
LEGACY_MARKER = {Database.JOURNAL: ("journal_orders", "live_events"), Database.PAPER: ("sim_accounts",)}


def config(database: Database, connection: Connection | None = None, versions: Path | None = None) -> Config:
    """Alembic's configuration for one database, built in code (no alembic.ini to ship or find).

    ``versions`` replaces the shipped revisions folder (a test writes its own next revision there).
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("version_locations", str(versions or HERE / "versions" / database.value))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database"] = database
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def head(database: Database, versions: Path | None = None) -> str | None:
    """The newest revision in code (read once per process: the files do not change under it)."""
    return ScriptDirectory.from_config(config(database, versions=versions)).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision a database file is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, database: Database, *, versions: Path | None = None) -> None:
    """Bring the file behind ``engine`` to the newest revision (create it, or stamp and upgrade it)."""
    if current(engine) == head(database, versions):
        return  # the common case, answered without taking the lock
    path = engine.url.database
    lock = FileLock(f"{path}.migrate.lock", mode=0o600) if path and path != ":memory:" else None
    if lock is not None:
        lock.acquire(timeout=60)
    try:
        with engine.begin() as conn:
            cfg = config(database, conn, versions)
            revision = MigrationContext.configure(conn).get_current_revision()
            if revision is None and versions is None and not inspect(conn).get_table_names():
                _write_fresh(conn, database)
                return
            if revision is None and _is_legacy(conn, database):
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, "head")
    finally:
        if lock is not None:
            lock.release()


def _is_legacy(conn: Connection, database: Database) -> bool:
    tables = set(inspect(conn).get_table_names())
    return any(name in tables for name in LEGACY_MARKER[database])


@cache
def fresh_schema(database: Database) -> tuple[tuple[str, ...], str]:
    """The statements that make a file at head, and the head revision: the revisions run once on an
    in-memory database, read back from ``sqlite_master`` in the order they made each object (tables
    before their indexes; ``sqlite_*`` internals and automatic indexes are SQLite's own)."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(config(database, conn), "head")
            rows = conn.execute(
                text(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY rowid"
                )
            )
            statements = tuple(row[0] for row in rows)
            revision = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    assert revision is not None
    return statements, revision


def _write_fresh(conn: Connection, database: Database) -> None:
    statements, revision = fresh_schema(database)
    for statement in statements:
        conn.exec_driver_sql(statement)
    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})
