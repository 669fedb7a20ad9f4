"""Write the next schema revision of a data-dir database by comparing the tables in code with head.

    .venv/bin/python tools/migration.py journal "add journal_orders.note" [--rev 0002]

It upgrades a scratch SQLite file to the current head, lets Alembic's autogenerate diff it against the
tables defined in code, and writes ``src/ashare_gateway/store/migrations/versions/<database>/<rev>_*.py``.
Read the file it writes before committing it (autogenerate misses renames and data changes), then test
it (docs/architecture.md, "Schema changes"). A dev tool: the package itself never imports this.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from ashare_gateway.brokers.sim import ledger, repo_tables
from ashare_gateway.store import condition_tables, event_tables, journal_tables
from ashare_gateway.store.db import open_engine
from ashare_gateway.store.migrations import Database, config, head, upgrade

METADATA = {
    Database.JOURNAL: [journal_tables.metadata, event_tables.metadata, condition_tables.metadata],
    Database.PAPER: [ledger.metadata, repo_tables.metadata],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=[d.value for d in Database])
    parser.add_argument("message")
    parser.add_argument("--rev", help="revision id (default: the next four-digit number)")
    args = parser.parse_args()
    database = Database(args.database)
    current = head(database)
    rev = args.rev or f"{int(current or 0) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        engine = open_engine(Path(scratch) / "scratch.sqlite3")
        if current is not None:
            upgrade(engine, database)
        with engine.begin() as conn:
            cfg = config(database, conn)
            cfg.attributes["target_metadata"] = METADATA[database]
            command.revision(cfg, message=args.message, autogenerate=True, rev_id=rev)
        engine.dispose()


if __name__ == "__main__":
    main()
