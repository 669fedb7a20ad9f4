"""Opening SQLite the one way the project uses it: WAL, foreign keys on, a busy timeout, Decimal as text."""

from __future__ import annotations

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


def open_engine(path: Path, *, synchronous: str = "NORMAL") -> Engine:
    """An engine on the SQLite file at ``path`` (created with its folder if missing).

    ``synchronous="FULL"`` makes every commit durable across a power cut (the order journal uses it);
    WAL keeps readers from blocking the writer.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine
