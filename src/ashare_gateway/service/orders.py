"""Placing an order so that it is never lost and never sent twice.

The order is journalled (synced) before the broker sees it; its state moves on with every step; a retry
with the same idempotency key replays the first answer instead of sending again, across restarts. An
outcome that was lost (the gateway died, the deadline passed mid-call, the client died) is settled by
reconciling against today's entrusts as soon as the client answers: found → accepted (with how it was
found); provably absent → ``failed``, which a retry may send.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..domain.errors import (
    BrokerUnavailable,
    Conflict,
    GatewayError,
    NotConnected,
    NotExecuted,
    OperationTimeout,
    OrderRejected,
    RiskRefused,
)
from ..domain.models import Entrust, OrderAck, OrderRequest, Quote
from ..domain.sessions import MarketState
from .clients import ClientHandle
from .faults import crash_point
from .journal import Journal, JournalEntry
from .order_identity import fingerprint, legacy_fingerprint, request_from_json, terms_fingerprint
from .order_states import OrderState
from .risk import TEXTS as RISK_TEXTS
from .risk import RiskGuard

log = logging.getLogger(__name__)

TEXTS = {
    "key_reused": "幂等键已用于另一笔委托：{key}",
    "duplicate": (
        "重复委托：{seconds:g}秒内已有相同委托（合同编号{contract_no}）；"
        "如确需重复下单，请附带不同的 Idempotency-Key"
    ),
    "dry_run": "演练模式：委托已校验并记录，未发送",
    "found": "核对当日委托：已找到，合同编号{contract_no}",
    "absent": "核对当日委托：未找到，委托未到达券商",
    "resent": "核对当日委托：未找到，按同一幂等键重新发送",
}

MAX_KEY = 80


class OrderDesk:
    def __init__(
        self,
        journal: Journal,
        risk: RiskGuard,
        *,
        now: Callable[[], dt.datetime],
        deadline: float = 30.0,
        duplicate_window: float = 0.0,
    ) -> None:
        self.journal = journal
        self.risk = risk
        self._now = now
        self.deadline = deadline
        self.duplicate_window = duplicate_window
        self._key_locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _key_lock(self, account: str, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._key_locks.setdefault((account, key), threading.Lock())

    # ---- entry point -------------------------------------------------------------------------
    def place(
        self,
        handle: ClientHandle,
        req: OrderRequest | Callable[[], OrderRequest],
        *,
        key: str | None,
        market_state: Callable[[], MarketState] | None = None,
        quote: Callable[[str], Quote] | None = None,
        terms: Mapping[str, Any] | None = None,
    ) -> OrderAck:
        """Place ``req`` once per key. ``req`` may be a function that works the order out (ths: no price,
        amount "max"): it is called only for a key not seen before, so a retry replays the first answer
        instead of being sized again against an account the first order already changed; such an order
        is identified by its ``terms`` (what the caller asked), not by what they resolved to."""
        given = req.client_order_id if isinstance(req, OrderRequest) else None
        key = (key or given or "").strip() or None
        if key is not None and len(key) > MAX_KEY:
            raise GatewayError(f"Idempotency-Key 过长（最多{MAX_KEY}个字符）")
        fp = terms_fingerprint(handle.account, dict(terms)) if terms is not None else None
        if key is None:
            return self._new(handle, _concrete(req), None, market_state, quote, fp)
        with self._key_lock(handle.account, key):  # a concurrent retry waits for the first to finish
            existing = self.journal.find(handle.account, key)  # before anything is sized or priced
            if existing is None:
                return self._new(handle, _concrete(req), key, market_state, quote, fp)
            if fp is not None:
                same = existing.fingerprint == fp
            else:
                concrete = _concrete(req)
                same = existing.fingerprint in (
                    fingerprint(handle.account, concrete),
                    legacy_fingerprint(handle.account, concrete),
                )
            if not same:
                raise Conflict(TEXTS["key_reused"].format(key=key))
            return self._resume(handle, existing)

    def _new(
        self,
        handle: ClientHandle,
        req: OrderRequest,
        key: str | None,
        market_state: Callable[[], MarketState] | None,
        quote: Callable[[str], Quote] | None = None,
        fp: str | None = None,
    ) -> OrderAck:
        fp = fp or fingerprint(handle.account, req)
        if key is None and self.duplicate_window > 0:
            since = self._now() - dt.timedelta(seconds=self.duplicate_window)
            dup = self.journal.recent_duplicate(handle.account, fp, since)
            if dup is not None:
                raise OrderRejected(
                    TEXTS["duplicate"].format(
                        seconds=self.duplicate_window, contract_no=dup.contract_no or "未知"
                    )
                )
        limits = self.risk.limits(handle.account)
        refusal: GatewayError | None = None
        try:  # risk checks only read, so they run first and the order is written once, already decided
            self.risk.check(
                handle.account,
                req,
                day_totals=lambda: self.journal.day_totals(handle.account, self._now().strftime("%Y%m%d")),
                market_state=market_state,
                quote=lambda: handle.lane.run(
                    lambda: (quote or handle.broker.quote)(req.code),
                    label="风控查询行情",
                    deadline=self.deadline,
                ),
            )
        except GatewayError as exc:
            refusal = exc
        if refusal is not None:
            state, message, status = OrderState.REJECTED, refusal.message, refusal.status_code
        elif limits.dry_run:
            state, message, status = OrderState.DRY_RUN, TEXTS["dry_run"], None
        else:
            state, message, status = OrderState.SENT, "", None
        try:
            entry = self.journal.record(
                account=handle.account,
                broker=handle.kind,
                key=key,
                req=req,
                dry_run=limits.dry_run,
                state=state,
                message=message,
                status_code=status,
                fp=fp,
            )
        except KeyError as exc:  # lost a race for the key in another process
            raise Conflict(TEXTS["key_reused"].format(key=key)) from exc
        if refusal is not None:
            raise refusal
        if limits.dry_run:
            return OrderAck(contract_no="", entrust_no="", message=TEXTS["dry_run"])
        return self._send(handle, req, entry, journalled_as_sent=True)

    # ---- sending -----------------------------------------------------------------------------
    def _send(
        self,
        handle: ClientHandle,
        req: OrderRequest,
        entry: JournalEntry,
        *,
        journalled_as_sent: bool = False,
    ) -> OrderAck:
        if not journalled_as_sent:
            self.journal.transition(entry.id, OrderState.SENT)
        crash_point("after_sent")
        label = f"{req.side.label} {req.code} {req.amount}"
        try:
            ack = handle.lane.run(lambda: handle.broker.place_order(req), label=label, deadline=self.deadline)
        except (NotExecuted, NotConnected) as exc:  # never started: the broker did not see it
            self.journal.transition(
                entry.id, OrderState.FAILED, message=exc.message, status_code=exc.status_code
            )
            raise
        except (OperationTimeout, BrokerUnavailable) as exc:  # failed mid-call: it may have taken the order
            self.journal.transition(
                entry.id, OrderState.UNKNOWN, message=exc.message, status_code=exc.status_code
            )
            raise
        except GatewayError as exc:
            self.journal.transition(
                entry.id, OrderState.REJECTED, message=exc.message, status_code=exc.status_code
            )
            raise
        except Exception as exc:
            self.journal.transition(
                entry.id, OrderState.UNKNOWN, message=f"{type(exc).__name__}: {exc}", status_code=500
            )
            raise
        crash_point("after_broker")
        self.journal.transition(
            entry.id, OrderState.ACCEPTED, contract_no=ack.contract_no, message=ack.message
        )
        crash_point("after_accepted")
        return ack

    def _resume(self, handle: ClientHandle, entry: JournalEntry) -> OrderAck:
        """A retry with a known key: replay the first answer, or finish what the first attempt began.

        What is sent, if anything, is the order as first journalled (a "max" stays the amount it was).
        """
        if entry.state is OrderState.ACCEPTED:
            return OrderAck(
                contract_no=entry.contract_no or "",
                entrust_no=entry.contract_no or "",
                message=entry.message or "success",
            )
        if entry.state is OrderState.REJECTED:
            raise GatewayError(entry.message, status_code=entry.status_code or 400)
        if entry.state is OrderState.DRY_RUN:
            return OrderAck(contract_no="", entrust_no="", message=TEXTS["dry_run"])
        if entry.state in (OrderState.SENT, OrderState.UNKNOWN):
            found = self._reconcile_one(handle, entry)
            if found is not None:
                return OrderAck(contract_no=found, entrust_no=found, message="success")
            entry = self.journal.get(entry.id)
        # received / failed (or just proven absent): the broker never saw it, so sending now is the one send.
        if self.risk.kill_switch(handle.account):  # a resend is a new send: the kill switch holds it too
            raise RiskRefused(RISK_TEXTS["kill"])
        if entry.state is OrderState.FAILED and entry.reconciled:
            self.journal.transition(entry.id, OrderState.FAILED, reconciled=TEXTS["resent"])
        return self._send(handle, request_from_json(entry.request), entry)

    # ---- reconciliation ----------------------------------------------------------------------
    def reconcile(self, handle: ClientHandle) -> list[JournalEntry]:
        """Settle every ``sent``/``unknown`` order of this client against its entrusts; returns them."""
        open_entries = [
            e
            for e in self.journal.open_entries(handle.account)
            if e.state in (OrderState.SENT, OrderState.UNKNOWN)
        ]
        if not open_entries:
            return []
        entrusts = handle.lane.run(handle.broker.today_entrusts, label="核对当日委托", deadline=self.deadline)
        for entry in open_entries:
            self._settle(handle, entry, entrusts)
        return [self.journal.get(e.id) for e in open_entries]

    def _reconcile_one(self, handle: ClientHandle, entry: JournalEntry) -> str | None:
        entrusts = handle.lane.run(handle.broker.today_entrusts, label="核对当日委托", deadline=self.deadline)
        return self._settle(handle, entry, entrusts)

    def _settle(self, handle: ClientHandle, entry: JournalEntry, entrusts: list[Entrust]) -> str | None:
        linked = self.journal.linked_contracts(handle.account)
        match = _match(entry, entrusts, linked)
        if match is not None:
            self.journal.transition(
                entry.id,
                OrderState.ACCEPTED,
                contract_no=match.contract_no,
                reconciled=TEXTS["found"].format(contract_no=match.contract_no),
            )
            log.info("journal order %s reconciled: found 合同编号 %s", entry.id, match.contract_no)
            return match.contract_no
        self.journal.transition(entry.id, OrderState.FAILED, reconciled=TEXTS["absent"])
        log.info("journal order %s reconciled: not at the broker", entry.id)
        return None


def _concrete(req: OrderRequest | Callable[[], OrderRequest]) -> OrderRequest:
    return req if isinstance(req, OrderRequest) else req()


def _match(entry: JournalEntry, entrusts: list[Entrust], linked: set[str]) -> Entrust | None:
    """The earliest unclaimed entrust that is this order: same code, side, amount and price."""
    req = entry.request
    sent = entry.sent_at or entry.created_at
    for e in sorted(entrusts, key=lambda x: (x.time, x.contract_no)):
        if e.contract_no in linked or e.code != req["code"] or str(e.side) != req["side"]:
            continue
        if e.quantity != req["amount"]:
            continue
        if req["price"] is not None and e.price != Decimal(req["price"]):
            continue
        if req["market_type"] is not None and (
            e.market_type is None or str(e.market_type) != req["market_type"]
        ):
            continue
        if dt.datetime.combine(e.trade_date, e.time) < sent.replace(microsecond=0) - dt.timedelta(seconds=60):
            continue
        return e
    return None
