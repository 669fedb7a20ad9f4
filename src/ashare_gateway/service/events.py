"""The live event bus: every order and account event, persisted with an increasing id, then fanned out.

Publishing writes the event to ``live_events`` (the journal's database) and wakes every listener; a
listener reads what it has not seen from the table, so a reconnect with ``Last-Event-ID`` resumes from
the database and loses nothing. Sinks (webhooks) are told after the write and must not block.
Listeners are counted so the broker poller (``order_watch``) runs only while somebody listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from ..store import migrations
from ..store.event_tables import live_events
from ..store.hot import HotConnection, Sync, stamp

log = logging.getLogger(__name__)

_INSERT_EVENT = "INSERT INTO live_events (at, type, account, data) VALUES (?, ?, ?, ?)"


class EventType(StrEnum):
    ORDER_ACCEPTED = "order.accepted"
    ORDER_REJECTED = "order.rejected"
    ORDER_UNKNOWN = "order.unknown"
    ORDER_RECONCILED = "order.reconciled"
    ORDER_STATUS = "order.status"
    ORDER_FILL = "order.fill"
    ORDER_CANCELLED = "order.cancelled"
    CLIENT_CONNECTED = "client.connected"
    CLIENT_LOCKED = "client.locked"
    CLIENT_RESTARTED = "client.restarted"
    KILLSWITCH = "killswitch"
    CONDITION_TRIGGERED = "condition.triggered"
    CONDITION_CANCELLED = "condition.cancelled"
    CONDITION_EXPIRED = "condition.expired"
    CONDITION_FAILED = "condition.failed"


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    type: EventType
    time: str  # "YYYY-MM-DD HH:MM:SS.mmm", market time (Asia/Shanghai)
    account: str
    data: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        """The JSON object a consumer receives: at least ``id``, ``type``, ``time``, ``account``."""
        return {
            **self.data,
            "id": self.id,
            "type": str(self.type),
            "time": self.time,
            "account": self.account,
        }

    def body(self) -> str:
        return json.dumps(self.payload(), ensure_ascii=False, separators=(",", ":"))


class _Waiter:
    """One listener on one event loop; set from any thread."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # its loop has closed: the listener is gone
            self.loop.call_soon_threadsafe(self.event.set)


class EventBus:
    def __init__(
        self, db: Engine, *, now: Callable[[], dt.datetime], hot: HotConnection | None = None
    ) -> None:
        self.db = db
        self._hot = hot  # when given, the journal's plain sqlite3 connection writes the events (issue 15)
        migrations.upgrade(db, migrations.Database.JOURNAL)
        self._now = now
        self._lock = threading.Lock()
        self._waiters: set[_Waiter] = set()
        self.sinks: list[Callable[[Event], None]] = []  # called after each write (webhooks)
        self.on_listening: list[Callable[[bool], None]] = []  # True: first listener came; False: last left
        # broker account → gateway account name (config.ini [Account:NAME]); every event carries both
        self.account_name: Callable[[str], str | None] | None = None

    # ---- publishing --------------------------------------------------------------------------
    def publish(self, type_: EventType, account: str, data: dict[str, Any]) -> Event:
        """Write and fan out one event; ``account`` is the broker account (empty: gateway-wide), and the
        data gains ``account_name``, the gateway account it belongs to (None if gateway-wide/unknown)."""
        if self.account_name is not None and "account_name" not in data:
            data = {**data, "account_name": self.account_name(account) if account else None}
        at = self._now().replace(tzinfo=None)
        text = json.dumps(data, ensure_ascii=False, default=str)
        with self._lock:  # the lock keeps ids in the order listeners see them
            eid = self._write(at, str(type_), account, text)
        event = Event(eid, type_, _stamp(at), account, json.loads(text))
        for waiter in list(self._waiters):
            waiter.wake()
        for sink in self.sinks:
            try:
                sink(event)
            except Exception:  # a sink must never break the path that published
                log.exception("event sink failed for event %s", eid)
        return event

    def _write(self, at: dt.datetime, type_: str, account: str, text: str) -> int:
        if self._hot is not None:  # an event is rebuilt-free, not an order: NORMAL, no fsync
            with self._hot.transaction(Sync.NORMAL) as conn:
                return conn.execute(_INSERT_EVENT, (stamp(at), type_, account, text)).lastrowid  # type: ignore[return-value]
        with self.db.begin() as conn:
            row = {"at": at, "type": type_, "account": account, "data": text}
            return conn.execute(live_events.insert(), row).inserted_primary_key[0]  # type: ignore[index]

    # ---- reading -----------------------------------------------------------------------------
    def since(self, last_id: int, limit: int = 500) -> list[Event]:
        with self.db.connect() as conn:
            rows = conn.execute(
                select(live_events).where(live_events.c.id > last_id).order_by(live_events.c.id).limit(limit)
            )
            return [_event(r) for r in rows]

    def get(self, eid: int) -> Event | None:
        with self.db.connect() as conn:
            row = conn.execute(select(live_events).where(live_events.c.id == eid)).first()
        return _event(row) if row else None

    def last_id(self) -> int:
        with self.db.connect() as conn:
            return conn.execute(select(func.coalesce(func.max(live_events.c.id), 0))).scalar_one()

    # ---- listening ---------------------------------------------------------------------------
    def listen(self) -> _Waiter:
        """Register a listener on the running event loop; pair with :meth:`leave`."""
        waiter = _Waiter()
        with self._lock:
            first = not self._waiters
            self._waiters.add(waiter)
        if first:
            self._tell_listening(True)
        return waiter

    def leave(self, waiter: _Waiter) -> None:
        """Unregister; idempotent (the stream's end and the response's end both call it)."""
        with self._lock:
            if waiter not in self._waiters:
                return
            self._waiters.discard(waiter)
            last = not self._waiters
        if last:
            self._tell_listening(False)

    @property
    def listeners(self) -> int:
        return len(self._waiters)

    def _tell_listening(self, on: bool) -> None:
        for fn in self.on_listening:
            try:
                fn(on)
            except Exception:
                log.exception("listening hook failed")

    async def stream(self, waiter: _Waiter, last_id: int, *, keepalive: float = 15.0):
        """Events after ``last_id`` as they come. Yields None when woken with nothing new, or after
        ``keepalive`` seconds of silence, so the consumer can check whether its client is still there."""
        while True:
            waiter.event.clear()
            batch = await asyncio.to_thread(self.since, last_id)
            for event in batch:
                last_id = event.id
                yield event
            if len(batch) == 500:
                continue
            if not batch:
                yield None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.event.wait(), keepalive)


def _stamp(at: dt.datetime) -> str:
    return at.isoformat(sep=" ", timespec="milliseconds")


def _event(row: Any) -> Event:
    return Event(row.id, EventType(row.type), _stamp(row.at), row.account, json.loads(row.data))
