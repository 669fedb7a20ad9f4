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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Update, and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..domain import repo
from ..domain.models import OrderRequest
from ..store import migrations
from ..store.db import open_engine
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
        # Two connections to one file: writes before the broker sees an order are synced (an fsync each);
        # outcomes after it are written without waiting for the disk. A power cut can lose an outcome,
        # never an order: the row stays ``sent`` and reconciliation against the entrusts settles it.
        self.db = open_engine(path, synchronous=synchronous)
        self._outcomes = open_engine(path, synchronous="NORMAL")
        migrations.upgrade(self.db, migrations.Database.JOURNAL)
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
        try:
            with self.db.begin() as conn:
                # Parameters, not .values(): the statement is compiled once and cached.
                oid = conn.execute(journal_orders.insert(), values).inserted_primary_key[0]  # type: ignore[index]
                events = [{"order_id": oid, "at": now, "state": OrderState.RECEIVED.value, "detail": ""}]
                if state is not OrderState.RECEIVED:
                    events.append({"order_id": oid, "at": now, "state": state.value, "detail": message})
                conn.execute(journal_events.insert(), events)
        except IntegrityError:
            existing = self.find(account, key) if key else None
            raise KeyError(existing) from None
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
        engine = self.db if state in (OrderState.SENT, OrderState.RECEIVED) else self._outcomes
        with engine.begin() as conn:
            params = {f"v_{k}": v for k, v in values.items()}
            done = conn.execute(_update_statement(tuple(sorted(values)), state), {**params, "oid": oid})
            if done.rowcount != 1:
                current = conn.execute(
                    select(journal_orders.c.state).where(journal_orders.c.id == oid)
                ).scalar_one_or_none()
                raise IllegalTransition(oid, current, state)
            conn.execute(
                journal_events.insert(),
                {
                    "order_id": oid,
                    "at": now,
                    "state": state.value,
                    "detail": detail or message or reconciled or (contract_no or ""),
                },
            )
        for observe in self.observers:
            observe(oid, state, reconciled is not None)

    # ---- reads -----------------------------------------------------------------------------
    def get(self, oid: int) -> JournalEntry:
        with self.db.connect() as conn:
            return _entry(
                conn.execute(select(journal_orders).where(journal_orders.c.id == oid)).mappings().one()
            )

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
        self.db.dispose()
        self._outcomes.dispose()


@functools.lru_cache(maxsize=128)
def _update_statement(columns: tuple[str, ...], target: OrderState) -> Update:
    """``UPDATE journal_orders SET <columns> WHERE id = :oid AND state IN <sources of target>``, built
    once per column set and target."""
    sources = sorted(s.value for s in ALLOWED_FROM[target])
    return (
        journal_orders.update()
        .where(and_(journal_orders.c.id == bindparam("oid"), journal_orders.c.state.in_(sources)))
        .values(
            {c: bindparam(f"v_{c}") for c in columns}  # bind names must differ from column names
        )
    )


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
