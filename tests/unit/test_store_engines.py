"""Several engines on one SQLite file in one process, and a writer in another process.

The gateway opens the journal three times (orders, outcomes, events) and the CLI writes the kill switch into
it from outside. A second ``open_engine`` on a file that is already open must not drop the first engine's
locks: if it did, the outside writer would take itself for the last user, checkpoint and delete the WAL,
and the gateway would keep reading the deleted WAL (issue 11: a kill switch turned off, still seen on).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from ashare_gateway.store.db import open_engine

WRITE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("UPDATE flag SET value = ?", (sys.argv[2],))
db.commit()
db.close()
"""


def _write_from_another_process(path: Path, value: str) -> None:
    subprocess.run([sys.executable, "-c", WRITE, str(path), value], check=True, timeout=30)


def _read(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT value FROM flag")).scalar_one()


def test_a_second_engine_keeps_the_first_one_seeing_outside_writes(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    first = open_engine(path)
    with first.begin() as conn:
        conn.execute(text("CREATE TABLE flag (value TEXT)"))
        conn.execute(text("INSERT INTO flag VALUES ('off')"))
    try:
        assert _read(first) == "off"  # a pooled connection now holds the file open
        second = open_engine(path)  # as the event bus does after the journal
        try:
            for value in ("on", "off", "on"):
                _write_from_another_process(path, value)
                assert _read(first) == value
                assert _read(second) == value
        finally:
            second.dispose()
    finally:
        first.dispose()


def test_the_file_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "x.sqlite3"
    open_engine(path).dispose()
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
