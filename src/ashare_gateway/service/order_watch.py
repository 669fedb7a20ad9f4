"""Fills, status changes and cancels, seen by diffing each client's 当日委托 and 当日成交.

Works for every broker (a GUI client has no push), paper included. It reads through each client's lane
at ``pace`` seconds, and only while somebody listens to the event stream: with no listener it makes no
client read at all. What it last saw is kept while nobody listens, so the first look after a listener
returns reports what happened in between (no gap); the very first look is a baseline (no events).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.errors import GatewayError
from ..domain.models import Entrust, Trade
from ..domain.statuses import OrderStatus
from .client_events import ClientStateWatch
from .clients import ClientHandle, ClientRegistry
from .events import EventBus, EventType

log = logging.getLogger(__name__)

CANCELLED = (OrderStatus.CANCELLED, OrderStatus.PARTIALLY_CANCELLED)


@dataclass
class _Seen:
    day: str = ""
    entrusts: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # 合同编号 → status, filled, cxl
    trades: set[str] = field(default_factory=set)


def _money(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01")))


def fill_data(t: Trade) -> dict:
    fees = t.commission + t.stamp_duty + t.transfer_fee
    return {
        "合同编号": t.contract_no,
        "成交编号": t.trade_no,
        "code": t.code,
        "name": t.name,
        "side": str(t.side),
        "price": str(t.price),
        "amount": t.quantity,
        "value": _money(t.amount),
        "fees": {
            "commission": _money(t.commission),
            "stamp_duty": _money(t.stamp_duty),
            "transfer_fee": _money(t.transfer_fee),
            "total": _money(fees),
        },
        "trade_time": t.time.strftime("%H:%M:%S"),
    }


def status_data(e: Entrust, previous: str | None) -> dict:
    return {
        "合同编号": e.contract_no,
        "code": e.code,
        "name": e.name,
        "side": str(e.side),
        "price": str(e.price),
        "quantity": e.quantity,
        "status": e.status.value,
        "previous": previous,
        "filled": e.filled_quantity,
        "cancelled": e.cancelled_quantity,
    }


class OrderWatch:
    def __init__(self, clients: ClientRegistry, bus: EventBus, *, pace: float, deadline: float) -> None:
        self.clients = clients
        self.bus = bus
        self.pace = max(0.05, pace)
        self.deadline = deadline
        self._seen: dict[str, _Seen] = {}  # by account
        self._known_clients: set[str] | None = None
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()
        self.polls = 0  # client reads made (for tests: none while nobody listens)
        self.clients_seen = ClientStateWatch(bus)  # client.restarted / client.locked
        bus.on_listening.append(self._listening)

    def _listening(self, on: bool) -> None:
        with self._guard:
            if on and (self._thread is None or not self._thread.is_alive()):
                self._ready.clear()
                self._thread = threading.Thread(target=self._run, name="order-watch", daemon=True)
                self._thread.start()
        self._wake.set()

    def wait_ready(self, timeout: float) -> bool:
        """Block until the first look since listening began is done (so later changes are diffs)."""
        return self._ready.wait(timeout)

    def _run(self) -> None:
        while self.bus.listeners > 0:
            self.look()
            self._ready.set()
            self._wake.wait(self.pace)
            self._wake.clear()
        self._ready.set()

    def look(self) -> None:
        """One pass over every connected client."""
        handles = self.clients.all()
        keys = {h.key for h in handles}
        if self._known_clients is not None:
            for h in handles:
                if h.key not in self._known_clients:
                    self.bus.publish(EventType.CLIENT_CONNECTED, h.account, {"broker": h.kind})
        self._known_clients = keys
        for handle in handles:
            try:
                self._look_at(handle)
            except GatewayError as exc:  # a busy or absent client: the next pass tries again
                log.info("order watch skipped %s: %s", handle.key, exc.message)
            except Exception:
                log.exception("order watch failed on %s", handle.key)
            try:
                self.clients_seen.look(handle)
            except Exception:
                log.exception("client state check failed on %s", handle.key)

    def _read(self, handle: ClientHandle, name: str, fn, label: str):
        self.polls += 1
        return handle.reads.read(name, lambda: handle.lane.run(fn, label=label, deadline=self.deadline))

    def _look_at(self, handle: ClientHandle) -> None:
        trades = self._read(handle, "trades", handle.broker.today_trades, "事件：查询当日成交")
        entrusts = self._read(handle, "entrusts", handle.broker.today_entrusts, "事件：查询当日委托")
        day = max((e.trade_date.strftime("%Y%m%d") for e in entrusts), default="")
        seen = self._seen.get(handle.account)
        baseline = seen is None or (day and seen.day and day != seen.day)
        if baseline:
            seen = self._seen[handle.account] = _Seen(day=day)
        assert seen is not None
        for t in sorted(trades, key=lambda t: (t.time, t.trade_no)):
            if t.trade_no in seen.trades:
                continue
            seen.trades.add(t.trade_no)
            if not baseline:
                self.bus.publish(EventType.ORDER_FILL, handle.account, fill_data(t))
        for e in sorted(entrusts, key=lambda e: (e.time, e.contract_no)):
            now = (e.status.value, e.filled_quantity, e.cancelled_quantity)
            before = seen.entrusts.get(e.contract_no)
            if before == now:
                continue
            seen.entrusts[e.contract_no] = now
            if baseline:
                continue
            if before is None or before[0] != now[0]:
                previous = before[0] if before else None
                self.bus.publish(EventType.ORDER_STATUS, handle.account, status_data(e, previous))
                if e.status in CANCELLED:
                    self.bus.publish(EventType.ORDER_CANCELLED, handle.account, status_data(e, previous))
        seen.day = day or seen.day
