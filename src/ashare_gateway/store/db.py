"""Opening SQLite the one way the project uses it: WAL, foreign keys on, a busy timeout, Decimal as text.

The files are private to the user (0600): the journal holds every order and the paper exchange the
accounts' password hashes, and another local user must not read them. SQLite creates the ``-wal`` and
``-shm`` files with the database file's own permissions, so making that file 0600 first covers all
three.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine


class DecimalText(TypeDecorator[Decimal]):
    """Decimals stored as text: SQLite's NUMERIC is a float, and money must not drift."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


PRIVATE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT = 30.0  # seconds a statement waits for another connection's lock (another process may write)
WAL_FIRST_WAIT = 0.001  # seconds before the first retry of the switch to WAL; doubled up to WAL_MAX_WAIT
WAL_MAX_WAIT = 0.05


def private_file(path: Path) -> None:
    """Create ``path`` (and its folder, 0700) readable by the owner only; tighten it if it exists."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        # Only a missing file is opened: closing any descriptor of a file drops every POSIX lock this
        # process holds on it, SQLite's own included. Had an open engine's locks on the journal gone, a
        # CLI writing to it would take itself for the last user, checkpoint and delete the WAL, and this
        # process would go on reading the deleted WAL: a kill switch turned off, still seen on.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE))
    for item in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
        if item.exists() and item.stat().st_mode & 0o077 and os.name == "posix":
            item.chmod(PRIVATE)


def open_engine(path: Path, *, synchronous: str = "NORMAL") -> Engine:
    """An engine on the SQLite file at ``path`` (created with its folder if missing).

    ``synchronous="FULL"`` makes every commit durable across a power cut (the order journal uses it);
    WAL keeps readers from blocking the writer.
    """
    private_file(path)
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        enable_wal(dbapi_conn)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


def enable_wal(conn: sqlite3.Connection, *, timeout: float = BUSY_TIMEOUT) -> None:
    """Put the file behind ``conn`` in WAL mode, waiting out other connections doing the same.

    Why not just the pragma: switching a fresh file to WAL takes its exclusive lock. When two connections
    open one new file at once (two engines of one process, or two processes on one new data dir), each
    may hold the shared lock the other needs to finish; SQLite sees that deadlock and answers
    ``database is locked`` at once *without* calling the busy handler
    (https://sqlite.org/c3ref/busy_handler.html), so the connection's timeout never applies. And a switch
    that could not be made may also just return the old mode instead of failing
    (https://sqlite.org/pragma.html#pragma_journal_mode). So it is retried, with a growing wait, until
    the file reports ``wal`` or ``timeout`` seconds have passed; once the other connection's switch is
    done, the retry finds the file in WAL already.
    """
    deadline = time.monotonic() + timeout
    wait = WAL_FIRST_WAIT
    while True:
        try:
            mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            failure: str = str(exc)
        else:
            if mode == "wal":
                return
            failure = f"journal_mode is {mode}"
        if time.monotonic() >= deadline:
            raise sqlite3.OperationalError(f"could not switch to WAL in {timeout:g} s: {failure}")
        time.sleep(wait)
        wait = min(wait * 2, WAL_MAX_WAIT)
