"""The order journal: every order request is written (and synced) before any broker sees it.

States: ``received`` (journalled) → ``sent`` (handed to the broker) → ``accepted`` (合同编号) or
``rejected`` (the reason); ``unknown`` when the outcome was lost (deadline passed mid-call, client
died, gateway killed) until reconciliation settles it; ``failed`` when it provably never reached the
broker (safe to send on a retry); ``dry_run`` when validated and journalled but deliberately not sent.
SQLite in WAL mode with ``synchronous=FULL``: a committed state survives a power cut. The states and
the moves allowed between them are :mod:`.order_states`; :meth:`Journal.transition` is the one place
that changes a state, and refuses a move the table forbids.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from ..domain import repo
from ..domain.models import OrderRequest
from ..store import migrations
from ..store.db import open_engine
from ..store.hot import HotConnection, Sync, parse_stamp, stamp
from ..store.journal_tables import journal_events, journal_orders
from .order_identity import fingerprint, request_json
from .order_states import ALLOWED_FROM, FIRST_STATES, IllegalTransition, OrderState

OPEN_STATES = tuple(s.value for s in (OrderState.RECEIVED, OrderState.SENT, OrderState.UNKNOWN))
# Orders that may be at the broker: what the duplicate window and the daily limits count.
_LIVE_STATES = tuple(
    s.value for s in (OrderState.RECEIVED, OrderState.SENT, OrderState.ACCEPTED, OrderState.UNKNOWN)
)
_COUNTED_STATES = tuple(s.value for s in (OrderState.SENT, OrderState.ACCEPTED, OrderState.UNKNOWN))


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    account: str
    broker: str
    idem_key: str | None
    fingerprint: str
    request: dict[str, Any]
    state: OrderState
    contract_no: str | None
    message: str
    status_code: int | None
    reconciled: str
    dry_run: bool
    created_at: dt.datetime
    sent_at: dt.datetime | None
    updated_at: dt.datetime
    trade_date: str

    def public(self) -> dict[str, Any]:
        """The journal row as the HTTP API shows it."""
        return {
            "id": self.id,
            "account": self.account,
            "broker": self.broker,
            "idempotency_key": self.idem_key,
            "request": self.request,
            "state": self.state.value,
            "合同编号": self.contract_no,
            "message": self.message,
            "reconciled": self.reconciled,
            "dry_run": self.dry_run,
            "created_at": self.created_at.isoformat(sep=" ", timespec="milliseconds"),
            "sent_at": self.sent_at.isoformat(sep=" ", timespec="milliseconds") if self.sent_at else None,
            "updated_at": self.updated_at.isoformat(sep=" ", timespec="milliseconds"),
            "trade_date": self.trade_date,
        }


class Journal:
    def __init__(self, path: Path, *, now: Callable[[], dt.datetime], synchronous: str = "FULL") -> None:
        # Writes before the broker sees an order are synced (``synchronous``, FULL: an fsync each);
        # outcomes after it are committed without waiting for the disk (NORMAL). A power cut can lose an
        # outcome, never an order: the row stays ``sent`` and reconciliation against the entrusts
        # settles it. The engine serves the reads; the order path's writes go through one plain sqlite3
        # connection (``store/hot.py``: a tenth of SQLAlchemy's cost per statement).
        self.db = open_engine(path, synchronous=synchronous)
        migrations.upgrade(self.db, migrations.Database.JOURNAL)
        self.hot = HotConnection(path)
        self._intent_sync = Sync(synchronous.upper())
        self._now = now
        self._lock = threading.Lock()
        # Told (order id, new state, settled by reconciliation?) after each write: the live events.
        self.observers: list[Callable[[int, str, bool], None]] = []

    def _stamp(self) -> dt.datetime:
        return self._now().replace(tzinfo=None)

    # ---- writes ----------------------------------------------------------------------------
    def record(
        self,
        *,
        account: str,
        broker: str,
        key: str | None,
        req: OrderRequest,
        dry_run: bool,
        state: OrderState = OrderState.SENT,
        message: str = "",
        status_code: int | None = None,
        fp: str | None = None,
    ) -> JournalEntry:
        """Journal a new order, already in its first decided state, in one synced transaction.

        The usual first state is ``sent``: risk checks are reads and run before this, so the order is
        written once, durably, before the broker sees it (the audit trail still shows ``received``).
        ``fp`` is the order's fingerprint when it is not the request's own (:func:`terms_fingerprint`).
        Raises KeyError(existing entry) if the idempotency key is taken.
        """
        state = OrderState(state)
        if state not in FIRST_STATES:
            raise IllegalTransition(0, None, state)
        now = self._stamp()
        values: dict[str, Any] = {
            "account": account,
            "broker": broker,
            "idem_key": key,
            "fingerprint": fp or fingerprint(account, req),
            "request": json.dumps(request_json(req), ensure_ascii=False),
            "state": state.value,
            "contract_no": None,
            "message": message,
            "status_code": status_code,
            "reconciled": "",
            "dry_run": dry_run,
            "created_at": now,
            "sent_at": now if state is OrderState.SENT else None,
            "updated_at": now,
            "trade_date": now.strftime("%Y%m%d"),
        }
        events = [(OrderState.RECEIVED.value, "")]
        if state is not OrderState.RECEIVED:
            events.append((state.value, message))
        at = stamp(now)
        try:
            with self.hot.transaction(self._intent_sync) as conn:
                oid = conn.execute(_INSERT_ORDER, _order_row(values)).lastrowid
                conn.executemany(_INSERT_EVENT, [(oid, at, s, detail) for s, detail in events])
        except sqlite3.IntegrityError:
            existing = self.find(account, key) if key else None
            raise KeyError(existing) from None
        assert oid is not None
        for observe in self.observers:
            observe(oid, state, False)
        return JournalEntry(id=oid, **{**values, "request": request_json(req), "state": state})

    def transition(
        self,
        oid: int,
        state: OrderState,
        *,
        contract_no: str | None = None,
        message: str | None = None,
        status_code: int | None = None,
        reconciled: str | None = None,
        detail: str = "",
    ) -> None:
        """Move an order to ``state``, if :data:`~.order_states.ALLOWED_FROM` allows it from where it is.

        One conditional UPDATE (``WHERE id = :oid AND state IN <allowed sources>``) and its audit event,
        in one transaction: a forbidden move changes nothing and raises :class:`IllegalTransition`.
        """
        state = OrderState(state)
        now = self._stamp()
        values: dict[str, Any] = {"state": state.value, "updated_at": now}
        if state is OrderState.SENT:
            values["sent_at"] = now
        if contract_no is not None:
            values["contract_no"] = contract_no
        if message is not None:
            values["message"] = message
        if status_code is not None:
            values["status_code"] = status_code
        if reconciled is not None:
            values["reconciled"] = reconciled
        sync = self._intent_sync if state in (OrderState.SENT, OrderState.RECEIVED) else Sync.NORMAL
        columns = tuple(sorted(values))
        params = [stamp(v) if isinstance(v, dt.datetime) else v for v in (values[c] for c in columns)]
        detail = detail or message or reconciled or (contract_no or "")
        with self.hot.transaction(sync) as conn:
            done = conn.execute(_update_sql(columns, state), (*params, oid))
            if done.rowcount != 1:
                row = conn.execute("SELECT state FROM journal_orders WHERE id = ?", (oid,)).fetchone()
                raise IllegalTransition(oid, row[0] if row else None, state)
            conn.execute(_INSERT_EVENT, (oid, stamp(now), state.value, detail))
        for observe in self.observers:
            observe(oid, state, reconciled is not None)

    # ---- reads -----------------------------------------------------------------------------
    def get(self, oid: int) -> JournalEntry:
        row = self.hot.one("SELECT * FROM journal_orders WHERE id = ?", (oid,))
        if row is None:
            raise LookupError(f"no journal order {oid}")
        return _entry(_typed(row))

    def find(self, account: str, key: str) -> JournalEntry | None:
        with self.db.connect() as conn:
            row = (
                conn.execute(
                    select(journal_orders).where(
                        and_(journal_orders.c.account == account, journal_orders.c.idem_key == key)
                    )
                )
                .mappings()
                .first()
            )
        return _entry(row) if row else None

    def recent_duplicate(self, account: str, fp: str, since: dt.datetime) -> JournalEntry | None:
        with self.db.connect() as conn:
            row = (
                conn.execute(
                    select(journal_orders)
                    .where(
                        and_(
                            journal_orders.c.account == account,
                            journal_orders.c.fingerprint == fp,
                            journal_orders.c.created_at >= since.replace(tzinfo=None),
                            journal_orders.c.state.in_(_LIVE_STATES),
                        )
                    )
                    .order_by(journal_orders.c.id.desc())
                )
                .mappings()
                .first()
            )
        return _entry(row) if row else None

    def open_entries(self, account: str | None = None) -> list[JournalEntry]:
        cond: list[ColumnElement[bool]] = [journal_orders.c.state.in_(OPEN_STATES)]
        if account is not None:
            cond.append(journal_orders.c.account == account)
        with self.db.connect() as conn:
            rows = conn.execute(
                select(journal_orders).where(and_(*cond)).order_by(journal_orders.c.id)
            ).mappings()
            return [_entry(r) for r in rows]

    def linked_contracts(self, account: str) -> set[str]:
        with self.db.connect() as conn:
            rows = conn.execute(
                select(journal_orders.c.contract_no).where(
                    and_(journal_orders.c.account == account, journal_orders.c.contract_no.is_not(None))
                )
            )
            return {r[0] for r in rows}

    def day_totals(self, account: str, trade_date: str) -> tuple[int, float]:
        """Orders sent today and their notional value (for the daily risk limits): price × amount, a
        国债逆回购 its principal, as ``risk._value`` values a new order."""
        count, value = 0, 0.0
        with self.db.connect() as conn:
            rows = conn.execute(
                select(journal_orders.c.request).where(
                    and_(
                        journal_orders.c.account == account,
                        journal_orders.c.trade_date == trade_date,
                        journal_orders.c.state.in_(_COUNTED_STATES),
                    )
                )
            )
            for (raw,) in rows:
                req = json.loads(raw)
                count += 1
                if repo.is_repo(req["code"]):  # its price is a rate: what it moves is 张 × ¥100
                    value += float(repo.principal(req["amount"]))
                elif req["price"]:
                    value += float(req["price"]) * req["amount"]
        return count, value

    def query(
        self,
        *,
        day: str | None = None,
        code: str | None = None,
        state: str | None = None,
        account: str | None = None,
        limit: int = 1000,
    ) -> list[JournalEntry]:
        cond = []
        if day:
            cond.append(journal_orders.c.trade_date == day)
        if state:
            cond.append(journal_orders.c.state == state)
        if account:
            cond.append(journal_orders.c.account == account)
        if code:
            cond.append(journal_orders.c.request.like(f'%"code": "{code}"%'))
        with self.db.connect() as conn:
            stmt = select(journal_orders).order_by(journal_orders.c.id.desc()).limit(limit)
            if cond:
                stmt = stmt.where(and_(*cond))
            return [_entry(r) for r in conn.execute(stmt).mappings()]

    def events(self, *, order_id: int | None = None, day: str | None = None, limit: int = 5000) -> list[dict]:
        with self.db.connect() as conn:
            stmt = select(journal_events).order_by(journal_events.c.id).limit(limit)
            if order_id is not None:
                stmt = stmt.where(journal_events.c.order_id == order_id)
            if day:
                stmt = stmt.where(func.strftime("%Y%m%d", journal_events.c.at) == day)
            return [
                {
                    "id": r.id,
                    "order_id": r.order_id,
                    "at": r.at.isoformat(sep=" ", timespec="milliseconds"),
                    "state": r.state,
                    "detail": r.detail,
                }
                for r in conn.execute(stmt)
            ]

    def close(self) -> None:
        self.hot.close()
        self.db.dispose()


_ORDER_COLUMNS = (
    "account",
    "broker",
    "idem_key",
    "fingerprint",
    "request",
    "state",
    "contract_no",
    "message",
    "status_code",
    "reconciled",
    "dry_run",
    "created_at",
    "sent_at",
    "updated_at",
    "trade_date",
)
_INSERT_ORDER = "INSERT INTO journal_orders ({}) VALUES ({})".format(
    ", ".join(_ORDER_COLUMNS), ", ".join("?" * len(_ORDER_COLUMNS))
)
_INSERT_EVENT = "INSERT INTO journal_events (order_id, at, state, detail) VALUES (?, ?, ?, ?)"
_STAMPS = ("created_at", "sent_at", "updated_at")


def _order_row(values: dict[str, Any]) -> tuple[Any, ...]:
    """The INSERT's parameters in column order, datetimes as SQLAlchemy stores them."""
    return tuple(stamp(values[c]) if c in _STAMPS else values[c] for c in _ORDER_COLUMNS)


def _typed(row: Any) -> dict[str, Any]:
    """A plain sqlite3 row with the types the engine would have given it (datetimes, a bool)."""
    out = dict(row)
    for c in _STAMPS:
        out[c] = parse_stamp(out[c])
    out["dry_run"] = bool(out["dry_run"])
    return out


@functools.lru_cache(maxsize=128)
def _update_sql(columns: tuple[str, ...], target: OrderState) -> str:
    """``UPDATE journal_orders SET <columns> WHERE id = ? AND state IN <sources of target>``, written
    once per column set and target (parameters: the columns' values in order, then the id)."""
    sources = ", ".join(f"'{s.value}'" for s in sorted(ALLOWED_FROM[target], key=lambda s: s.value))
    assignments = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE journal_orders SET {assignments} WHERE id = ? AND state IN ({sources})"


def _entry(row: Any) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        account=row["account"],
        broker=row["broker"],
        idem_key=row["idem_key"],
        fingerprint=row["fingerprint"],
        request=json.loads(row["request"]),
        state=OrderState(row["state"]),
        contract_no=row["contract_no"],
        message=row["message"],
        status_code=row["status_code"],
        reconciled=row["reconciled"],
        dry_run=row["dry_run"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        updated_at=row["updated_at"],
        trade_date=row["trade_date"],
    )
