"""Opening SQLite the one way the project uses it: WAL, foreign keys on, a busy timeout, Decimal as text.

The files are private to the user (0600): the journal holds every order and the paper exchange the
accounts' password hashes, and another local user must not read them. SQLite creates the ``-wal`` and
``-shm`` files with the database file's own permissions, so making that file 0600 first covers all
three.
"""

from __future__ import annotations

import contextlib
import os
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
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine
