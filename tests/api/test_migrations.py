"""Schema changes go through Alembic: a data dir from before migrations opens, is stamped and trades.

The legacy files are made the way the code before migrations made them (``metadata.create_all``), then
the gateway is served on that data dir and an order goes through over HTTP. A fresh file upgraded to head
must match the tables in code exactly (a new table or column without its revision fails here), and the
added-column example shows how the next revision is written and applied to a file already at 0001.
"""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert

from ashare_gateway.brokers.sim import ledger, repo_tables
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.store import condition_tables, event_tables, journal_tables, migrations
from ashare_gateway.store.db import open_engine
from ashare_gateway.store.migrations import Database

from ..conftest import serve

METADATA = {
    Database.JOURNAL: [journal_tables.metadata, event_tables.metadata, condition_tables.metadata],
    Database.PAPER: [ledger.metadata, repo_tables.metadata],
}
# What create_all made before migrations (revision 0001): the tables added since come by their revisions.
LEGACY = {
    Database.JOURNAL: [journal_tables.metadata, event_tables.metadata],
    Database.PAPER: [ledger.metadata],
}
FILES = {Database.JOURNAL: "journal.sqlite3", Database.PAPER: "paper.sqlite3"}


def _version(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def _legacy_data_dir(data_dir: Path) -> None:
    """What the code before migrations left: every table by create_all, no alembic_version, one row."""
    for database, name in FILES.items():
        engine = open_engine(data_dir / name)
        for metadata in LEGACY[database]:
            metadata.create_all(engine)
        engine.dispose()
    engine = open_engine(data_dir / FILES[Database.JOURNAL])
    with engine.begin() as conn:
        conn.execute(insert(journal_tables.risk_state).values(key="legacy", value="kept", updated_at=_noon()))
    engine.dispose()


def _noon():
    import datetime as dt

    return dt.datetime(2026, 11, 20, 12)


def test_a_data_dir_from_before_migrations_is_stamped_and_trades(tmp_path: Path, clock: ManualClock) -> None:
    _legacy_data_dir(tmp_path)
    settings = Settings(data_dir=tmp_path, demo_market=False)
    with serve(settings, clock) as served, served.client() as api:
        resp = api.post("/buy", json={"security": "600000", "price": 8.66, "amount": 100})
        assert resp.status_code == 200, resp.text
        contract = resp.json()["data"]["合同编号"]
        entrusts = api.get("/today-entrusts").json()["data"]
        assert contract in {row["合同编号"] for row in entrusts}
    for database, name in FILES.items():
        assert _version(tmp_path / name) == [migrations.head(database)]
    with sqlite3.connect(tmp_path / FILES[Database.JOURNAL]) as conn:
        assert conn.execute("SELECT value FROM risk_state WHERE key='legacy'").fetchone() == ("kept",)


@pytest.mark.parametrize("database", list(Database))
def test_a_fresh_file_upgraded_to_head_matches_the_tables_in_code(tmp_path: Path, database: Database) -> None:
    engine = open_engine(tmp_path / FILES[database])
    migrations.upgrade(engine, database)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), METADATA[database]
        )
    engine.dispose()
    assert diff == [], f"tables in code and revisions disagree; write a revision (tools/migration.py): {diff}"
    assert _version(tmp_path / FILES[database]) == [migrations.head(database)]


def _schema(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


@pytest.mark.parametrize("database", list(Database))
def test_a_fresh_file_gets_exactly_the_schema_the_revisions_make(tmp_path: Path, database: Database) -> None:
    """A new file is written from the head schema taken once per process (``fresh_schema``), not by
    running the revisions: it must be the very schema they make, index for index."""
    from alembic import command

    by_revisions = open_engine(tmp_path / "by_revisions.sqlite3")
    with by_revisions.begin() as conn:
        command.upgrade(migrations.config(database, conn), "head")
    by_revisions.dispose()
    fresh = open_engine(tmp_path / "fresh.sqlite3")
    migrations.upgrade(fresh, database)
    fresh.dispose()
    assert _schema(tmp_path / "fresh.sqlite3") == _schema(tmp_path / "by_revisions.sqlite3")
    assert any(kind == "index" for kind, *_ in _schema(tmp_path / "fresh.sqlite3"))
    assert _version(tmp_path / "fresh.sqlite3") == _version(tmp_path / "by_revisions.sqlite3")


def test_two_openers_of_one_fresh_file_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / FILES[Database.JOURNAL]
    engines = [open_engine(path), open_engine(path)]
    errors: list[BaseException] = []

    def open_one(engine) -> None:
        try:
            migrations.upgrade(engine, Database.JOURNAL)
        except BaseException as exc:  # reported below, with the test's own assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert _version(path) == [migrations.head(Database.JOURNAL)]


# The next schema change, written the way docs/architecture.md ("Schema changes") says.
ADD_COLUMN = '''
"""journal_orders.note: a free-text note on an order."""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journal_orders") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("journal_orders") as batch:
        batch.drop_column("note")
'''


def test_an_added_column_revision_upgrades_a_file_from_before_migrations(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(migrations.HERE / "versions" / Database.JOURNAL.value, versions)
    head = migrations.head(Database.JOURNAL)  # the next revision goes on top of today's newest
    (versions / "9001_journal_note.py").write_text(textwrap.dedent(ADD_COLUMN).replace("{head}", str(head)))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _legacy_data_dir(data_dir)
    path = data_dir / FILES[Database.JOURNAL]
    engine = open_engine(path)
    migrations.upgrade(engine, Database.JOURNAL, versions=versions)
    engine.dispose()
    assert _version(path) == ["9001"]
    with sqlite3.connect(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(journal_orders)")}
        assert "note" in columns
        assert conn.execute("SELECT value FROM risk_state WHERE key='legacy'").fetchone() == ("kept",)
