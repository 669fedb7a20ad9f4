"""Several engines on one SQLite file in one process, and a writer in another process.

The gateway opens the journal three times (orders, outcomes, events) and the CLI writes the kill switch into
it from outside. A second ``open_engine`` on a file that is already open must not drop the first engine's
locks: if it did, the outside writer would take itself for the last user, checkpoint and delete the WAL,
and the gateway would keep reading the deleted WAL (issue 11: a kill switch turned off, still seen on).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from ashare_gateway.store.db import enable_wal, open_engine

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


def test_the_switch_to_wal_waits_out_a_lock_the_busy_handler_would_not(tmp_path: Path) -> None:
    """Two connections switching one fresh file to WAL at once deadlock, and SQLite answers the loser
    "database is locked" at once, busy timeout or not. A connection with no busy timeout stands in for
    that loser here (it fails the same way on the first try); the switch must wait for the lock instead."""
    path = tmp_path / "fresh.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what the winner holds while it writes the WAL header
    loser = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        loser.execute("PRAGMA journal_mode=WAL")  # the bare pragma: fails at once
    done: list[BaseException | None] = []

    def switch() -> None:
        try:
            enable_wal(loser, timeout=20)
            done.append(None)
        except BaseException as exc:  # reported by the assertion below
            done.append(exc)

    thread = threading.Thread(target=switch)
    thread.start()
    holder.execute("CREATE TABLE t (x)")
    holder.execute("COMMIT")  # the lock is let go while the switch is retrying
    thread.join(30)
    assert done == [None]
    assert loser.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    holder.close()
    loser.close()


def test_the_switch_to_wal_gives_up_at_its_deadline_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "held.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    loser = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match=r"could not switch to WAL in 0\.2 s"):
        enable_wal(loser, timeout=0.2)
    holder.execute("ROLLBACK")
    holder.close()
    loser.close()


@pytest.mark.parametrize("openers", [2, 4])
def test_many_engines_opening_fresh_files_at_once_all_get_wal(tmp_path: Path, openers: int) -> None:
    """The race itself, many times: ``openers`` engines on each of 40 new files, connected at one moment."""
    for n in range(40):
        path = tmp_path / f"f{n}.sqlite3"
        engines = [open_engine(path) for _ in range(openers)]
        start = threading.Barrier(openers)
        errors: list[BaseException] = []

        def connect(engine, start=start, errors=errors) -> None:
            start.wait()
            try:
                with engine.connect() as conn:
                    assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=connect, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for engine in engines:
            engine.dispose()
        assert errors == [], f"file {n}: {errors}"
