"""One plain ``sqlite3`` connection for the few statements every order runs (issue 15).

SQLAlchemy Core costs 60–300 µs of Python per statement (building, cache-key, parameter processing);
``sqlite3`` with a fixed SQL text costs about 10 µs. The order journal writes two or three rows per
order, so its hot statements go straight to ``sqlite3`` through this connection, and everything else
(migrations, reads and reports) keeps using the engine on the same file.

The file has already been opened by :func:`.db.open_engine` (created 0600, WAL), so this only connects.
One connection, one lock: the writes of every request thread go through it one transaction at a time,
and each transaction says how durable its commit must be (``synchronous`` is per connection and may be
changed between transactions, see https://sqlite.org/pragma.html#pragma_synchronous):

- ``FULL`` (the order's intent, before anything is sent): the commit waits for the WAL's fsync, so the
  row survives a power cut;
- ``NORMAL`` (an outcome, after the broker answered): in WAL mode the commit is in the WAL file before
  the call returns, so it survives the process being killed; only a power cut or an OS crash can lose
  it, and then the order is still ``sent`` and reconciliation settles it (docs/journal.md).

Stored formats are SQLAlchemy's own for SQLite, so the engine reads these rows unchanged: a naive
``DateTime`` is ``YYYY-MM-DD HH:MM:SS.ffffff`` text, a ``Boolean`` is 0/1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from .db import BUSY_TIMEOUT, enable_wal


class Sync(StrEnum):
    """How far a commit waits for the disk (SQLite's ``PRAGMA synchronous``)."""

    FULL = "FULL"
    NORMAL = "NORMAL"
    OFF = "OFF"
    EXTRA = "EXTRA"


def stamp(value: dt.datetime | None) -> str | None:
    """A naive datetime as SQLAlchemy's SQLite ``DateTime`` stores it."""
    return None if value is None else value.isoformat(sep=" ", timespec="microseconds")


def parse_stamp(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


class HotConnection:
    """A dedicated ``sqlite3`` connection (WAL, foreign keys on) with a lock, for hot-path writes."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        enable_wal(self._conn)
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._sync: Sync | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def transaction(self, sync: Sync) -> Iterator[sqlite3.Connection]:
        """One write transaction committed with ``sync``; anything raised inside rolls it all back and
        is raised again (``sqlite3.IntegrityError`` for a taken unique key)."""
        with self._lock:
            if sync is not self._sync:
                self._conn.execute(f"PRAGMA synchronous={sync.value}")  # allowed between transactions
                self._sync = sync
            self._conn.execute("BEGIN IMMEDIATE")  # the write lock first: no read-to-write upgrade to fail
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def one(self, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
        """The first row of a read, columns by name."""
        with self._lock:
            cur = self._conn.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchone()

    def all(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Every row of a read, as tuples. Outside a transaction, so it sees the latest commit of any
        connection or process."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def set_trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback(sql)`` for every statement run (benchmarks count them); None stops it."""
        with self._lock:
            self._conn.set_trace_callback(callback)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
