"""Webhooks: every event POSTed to the configured URLs, signed, retried with backoff, never blocking.

The event bus hands each event to :meth:`Webhooks.__call__`, which only records one pending delivery
per URL (a small SQLite write) and wakes the sender thread; the order path never waits for a network
call. The sender retries a failed delivery with exponential backoff; the rows stay in the database, so
deliveries still pending when the gateway stops are retried after it starts again, and those that gave
up (``failed``) stay for inspection. A start retries every pending delivery at once.

Signature (when a secret is set): ``X-Ashare-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." +
raw body)>`` with ``X-Ashare-Timestamp: <Unix seconds>``; a receiver recomputes it over the raw bytes
and rejects old timestamps, which stops replays.
"""

from __future__ import annotations

import configparser
import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from ..domain.errors import InvalidParameter
from ..store.event_tables import webhook_deliveries
from .events import Event, EventBus

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Ashare-Signature"
TIMESTAMP_HEADER = "X-Ashare-Timestamp"


class DeliveryState:
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass
class WebhookConfig:
    urls: list[str] = field(default_factory=list)
    secret: str | None = None
    events: frozenset[str] = frozenset()  # empty: every event type
    backoff: float = 2.0  # seconds before the first retry; doubles per attempt
    max_backoff: float = 300.0
    max_attempts: int = 20
    timeout: float = 5.0

    def __repr__(self) -> str:  # the secret never reaches a log
        return f"WebhookConfig(urls={self.urls!r}, secret={'***' if self.secret else None})"


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidParameter(f"Webhook 地址无效：{url}（须以 http:// 或 https:// 开头）")
    return url.strip()


def read_config(parser: configparser.ConfigParser) -> WebhookConfig:
    """The ``[webhooks]`` section of config.ini: ``urls`` (comma or newline separated), ``secret``,
    ``events``, ``backoff``, ``max_attempts``."""
    if not parser.has_section("webhooks"):
        return WebhookConfig()
    s = parser["webhooks"]
    split = [u for u in s.get("urls", s.get("url", "")).replace("\n", ",").split(",") if u.strip()]
    try:
        return WebhookConfig(
            urls=[check_url(u) for u in split],
            secret=s.get("secret") or None,
            events=frozenset(e.strip() for e in s.get("events", "").split(",") if e.strip()),
            backoff=s.getfloat("backoff", 2.0),
            max_attempts=s.getint("max_attempts", 20),
        )
    except ValueError as exc:
        raise InvalidParameter(f"config.ini [webhooks] 配置错误：{exc}") from None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class Webhooks:
    def __init__(
        self, db: Engine, bus: EventBus, config: WebhookConfig, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.db, self.bus, self.config = db, bus, config
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self.sent = 0  # attempts made (for tests and /health)
        bus.sinks.append(self)
        if self.config.urls and self._pending_count():  # left pending by a previous run: retry now
            with self.db.begin() as conn:
                conn.execute(
                    webhook_deliveries.update()
                    .where(webhook_deliveries.c.state == DeliveryState.PENDING)
                    .values(next_at=self._clock())
                )
            self._start()

    # ---- the sink: record, never send --------------------------------------------------------
    def __call__(self, event: Event) -> None:
        if not self.config.urls or (self.config.events and str(event.type) not in self.config.events):
            return
        now = self._clock()
        rows = [
            {"event_id": event.id, "url": u, "state": DeliveryState.PENDING, "attempts": 0, "next_at": now}
            for u in self.config.urls
        ]
        with self.db.begin() as conn:
            conn.execute(webhook_deliveries.insert(), rows)
        self._start()

    def _start(self) -> None:
        with self._guard:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
                self._thread.start()
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.config.timeout + 1)

    # ---- the sender --------------------------------------------------------------------------
    def _run(self) -> None:
        import httpx  # here, not at start-up: ~60 ms of every serve's start (it pulls in rich and click)

        with httpx.Client(timeout=self.config.timeout) as http:
            while not self._stop.is_set():
                self._wake.clear()
                due = self._due()
                for row in due:
                    self._deliver(http, row)
                if due:
                    continue
                wait = self._next_wait()
                if wait is None:  # nothing pending: the thread ends; the next event starts one
                    return
                self._wake.wait(wait)

    def _due(self) -> Sequence[Any]:
        with self.db.connect() as conn:
            return conn.execute(
                select(webhook_deliveries)
                .where(
                    and_(
                        webhook_deliveries.c.state == DeliveryState.PENDING,
                        webhook_deliveries.c.next_at <= self._clock(),
                    )
                )
                .order_by(webhook_deliveries.c.id)
                .limit(50)
            ).all()

    def _next_wait(self) -> float | None:
        with self.db.connect() as conn:
            soonest = conn.execute(
                select(func.min(webhook_deliveries.c.next_at)).where(
                    webhook_deliveries.c.state == DeliveryState.PENDING
                )
            ).scalar()
        return None if soonest is None else max(0.0, min(soonest - self._clock(), 60.0))

    def _pending_count(self) -> int:
        with self.db.connect() as conn:
            return conn.execute(
                select(func.count()).where(webhook_deliveries.c.state == DeliveryState.PENDING)
            ).scalar_one()

    def _deliver(self, http: httpx.Client, row) -> None:
        import httpx

        event = self.bus.get(row.event_id)
        if event is None:
            self._update(row.id, state=DeliveryState.FAILED, last_error="event missing")
            return
        body = event.body().encode()
        stamp = str(int(self._clock()))
        headers = {
            "Content-Type": "application/json",
            "X-Ashare-Event": str(event.type),
            "X-Ashare-Event-Id": str(event.id),
            "X-Ashare-Delivery": str(row.id),
            TIMESTAMP_HEADER: stamp,
        }
        if self.config.secret:
            headers[SIGNATURE_HEADER] = sign(self.config.secret, stamp, body)
        attempts = row.attempts + 1
        self.sent += 1
        try:
            resp = http.post(row.url, content=body, headers=headers)
            error = "" if 200 <= resp.status_code < 300 else f"HTTP {resp.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if not error:
            self._update(row.id, state=DeliveryState.DELIVERED, attempts=attempts, last_error="")
            return
        if attempts >= self.config.max_attempts:
            log.warning("webhook %s gave up on event %s after %d attempts", row.url, event.id, attempts)
            self._update(row.id, state=DeliveryState.FAILED, attempts=attempts, last_error=error)
            return
        delay = min(self.config.max_backoff, self.config.backoff * 2 ** (attempts - 1))
        self._update(row.id, attempts=attempts, last_error=error, next_at=self._clock() + delay)

    def _update(self, did: int, **values) -> None:
        with self.db.begin() as conn:
            conn.execute(webhook_deliveries.update().where(webhook_deliveries.c.id == did).values(**values))

    def deliveries(self) -> list[dict]:
        with self.db.connect() as conn:
            rows = conn.execute(select(webhook_deliveries).order_by(webhook_deliveries.c.id)).mappings()
            return [dict(r) for r in rows]
