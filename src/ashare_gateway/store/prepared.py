"""A SQLAlchemy statement compiled once and run on the transaction's own ``sqlite3`` cursor (issue 15).

Why: SQLAlchemy Core spends 40-60 µs of Python per execution even on a statement built once (its
execution context, cache lookup, result metadata); ``sqlite3`` with the same SQL text costs about 10 µs.
Every paper order and cancel runs the same seven statements, so those few are prepared here and the
rest of the exchange keeps SQLAlchemy.

What stays the same: the SQL is SQLAlchemy's own compilation of the statement for SQLite, the values
go through each column type's own bind and result processors (``DecimalText`` stays exact text, a
``DateTime`` its ISO text, a ``Boolean`` 0/1), and the statement runs on the DBAPI connection behind the
caller's :class:`~sqlalchemy.engine.Connection`, inside its transaction: a rollback there undoes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

_DIALECT = sqlite.dialect(paramstyle="named")

Processor = Callable[[Any], Any] | None


class Prepared:
    """``stmt`` compiled for SQLite with named parameters; run with :meth:`rows` or :meth:`run`."""

    def __init__(self, stmt: Executable, *, column_keys: list[str] | None = None) -> None:
        """``column_keys``: an INSERT's or UPDATE's columns given at run time (as SQLAlchemy compiles
        a statement for the keys of its parameters)."""
        self.statement = stmt
        compiled = stmt.compile(dialect=_DIALECT, column_keys=column_keys)
        self.sql = compiled.string
        names = compiled.bind_names  # each bound parameter → its name in the SQL text
        self._binds: dict[str, Processor] = {
            name: bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT) for bind, name in names.items()
        }
        # Values fixed in the statement itself (a constant in a WHERE, a literal in .values()).
        self._fixed = {
            name: bind.effective_value
            for bind, name in names.items()
            if not bind.required and bind.callable is None
        }
        columns = list(getattr(stmt, "selected_columns", ()))
        self.keys: tuple[str, ...] = tuple(c.key for c in columns)
        self._results: list[Processor] = [
            c.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None) for c in columns
        ]
        self._raw_rows = not any(self._results)  # no column needs converting: rows as sqlite3 gives them

    def _params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(self._fixed)
        out.update(params)
        for key, process in self._binds.items():
            if process is not None and key in out:
                out[key] = process(out[key])
        return out

    def _cursor(self, conn: Connection, params: Mapping[str, Any]):
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None, "a prepared statement runs inside an open connection"
        return dbapi.execute(self.sql, self._params(params))

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Every row, each value through its column type's result processor."""
        procs = self._results
        if self._raw_rows:
            return self._cursor(conn, params).fetchall()
        return [
            tuple(v if p is None else p(v) for p, v in zip(procs, row, strict=True))
            for row in self._cursor(conn, params).fetchall()
        ]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict of column keys, or None."""
        found = self.rows(conn, params)
        return dict(zip(self.keys, found[0], strict=True)) if found else None

    def run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[int, int | None]:
        """An INSERT, UPDATE or DELETE: (rows changed, the last inserted row id)."""
        cursor = self._cursor(conn, params)
        return cursor.rowcount, cursor.lastrowid
