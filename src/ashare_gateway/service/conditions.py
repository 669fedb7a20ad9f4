"""Conditional orders held by the gateway: created, listed, cancelled, and evaluated on a schedule.

Why the gateway holds them: the clients' own 条件单 live in the broker's app and cannot be automated.
Why it is safe:
- **Exactly once.** A fired condition's order is worked out first, then the row moves armed →
  triggering together with that order and its key (``condition:<id>``), and its OCO siblings are
  cancelled, in one synced transaction. Only then is the order placed, through the normal order path
  (:class:`~.orders.OrderDesk`: journal, risk, lane) under that key. A crash at any instant leaves the
  row ``triggering``; the next round (or the restart) places the *stored* order under the *same* key,
  and the journal's idempotency replays, reconciles or sends it once — never a blind second send.
- **The lane.** Quotes come from the gateway's quote source, not from the client, so evaluating never
  holds a GUI; a fired order is one normal job on the client's lane (first come, first served with the
  user's own orders), and the evaluator sends one at a time.
- **Real money, made-up prices.** A desktop broker with a synthetic or replayed quote source is refused
  (:func:`synthetic_refusal`): a stop-loss fired by the offline walk would sell a real holding.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..domain.errors import (
    BrokerUnavailable,
    GatewayError,
    InvalidParameter,
    NotConnected,
    OperationTimeout,
)
from ..domain.instruments import parse_security
from ..domain.models import Quote
from ..domain.sessions import MarketState, Phase
from .clients import ClientHandle
from .conditions_model import (
    OPEN_STATES,
    ORDER_KEY,
    STATE_LABELS,
    TEXTS,
    VALID_UNTIL_CLOSE,
    Condition,
    ConditionKind,
    ConditionState,
    ConditionTerms,
)
from .conditions_parse import order_request, parse_terms
from .conditions_path import SnapshotPath, Step, judge
from .conditions_store import ConditionStore
from .events import EventBus, EventType
from .faults import crash_point
from .order_identity import request_from_json
from .trader import TraderService

log = logging.getLogger(__name__)

LIVE_QUOTE_KINDS = ("easyquotation", "mootdx")  # real market prices; offline and replay are not
Path = list[Step]  # the snapshots a round judges, oldest first (``list`` is a method name in the class)
POLL_SECONDS = 1.0  # the evaluator's round; a round with nothing open costs one flag check
CRASH_POINT = "condition_triggered"  # faults.crash_point: after the trigger commit, before the order
MAX_OCO_LEGS = 2
_TRANSIENT = (OperationTimeout, BrokerUnavailable, NotConnected)  # NotExecuted, OutcomeUnknown included


def synthetic_refusal(broker: str, quotes: str | None) -> str | None:
    """Why conditions are refused on this gateway, or None: a desktop broker (real or its fake stand-in)
    priced by anything but a live quote source."""
    if broker == "sim":
        return None
    kind = (quotes or "").partition(":")[0].strip().lower()
    if kind in LIVE_QUOTE_KINDS:
        return None
    return TEXTS["synthetic"].format(source=quotes or "未指定")


class ConditionDesk:
    def __init__(
        self,
        store: ConditionStore,
        service: TraderService,
        *,
        now: Callable[[], dt.datetime],
        market_state: Callable[[dt.datetime], MarketState],
        quote: Callable[[str], Quote] | None,
        bus: EventBus | None = None,
        refusal: str | None = None,
        interval: float = POLL_SECONDS,
        path: SnapshotPath | None = None,
    ) -> None:
        self.store = store
        self.service = service
        self._now = now
        self._market_state = market_state
        self._quote = quote
        self.bus = bus
        self.refusal = refusal
        self.interval = interval
        self.path = path  # the snapshots between rounds; None: the last price only
        self._lock = threading.Lock()  # one evaluation at a time (scheduler and callers alike)
        self._open = bool(store.in_states(OPEN_STATES))  # anything to evaluate?
        self._created = 0  # counts creations: a round only clears ``_open`` if none came meanwhile
        self._flag = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- the caller's side -------------------------------------------------------------------
    def admit(self, session_id: str | None) -> ClientHandle:
        """The caller's client, if this gateway takes conditions at all: checked before the body is."""
        handle = self.service.handle_for(session_id)
        if self.refusal is not None:
            raise InvalidParameter(self.refusal)
        return handle

    def create(self, session_id: str | None, body: Mapping[str, Any]) -> list[Condition]:
        """One condition, or ``{"oco": [leg, leg]}``: two legs where the first to fire cancels the other."""
        handle = self.admit(session_id)
        raw_legs = body.get("oco")
        if raw_legs is None:
            legs = [body]
        elif isinstance(raw_legs, list) and len(raw_legs) == MAX_OCO_LEGS:
            legs = raw_legs
        else:
            raise InvalidParameter(TEXTS["oco"])
        now = self._now()
        parsed = []
        for leg in legs:
            if not isinstance(leg, Mapping):
                raise InvalidParameter(TEXTS["oco"])
            quote = self._quote_for(leg.get("security"))
            terms = parse_terms(leg, now=now, quote=quote)
            extreme = quote.last if terms.kind is ConditionKind.TRAILING_STOP else None
            parsed.append((terms, extreme))
        group = uuid.uuid4().hex[:16] if raw_legs is not None else None
        created = self.store.create(handle.account, parsed, group)
        with self._flag:
            self._created += 1
            self._open = True
        log.info("conditions %s created for %s", [c.id for c in created], handle.account)
        return created

    def list(self, session_id: str | None, state: str | None) -> list[Condition]:
        handle = self.service.handle_for(session_id)
        chosen = None
        if state not in (None, ""):
            try:
                chosen = ConditionState(str(state).strip().lower())
            except ValueError:
                choices = "、".join(s.value for s in ConditionState)
                raise InvalidParameter(TEXTS["state"].format(value=state, choices=choices)) from None
        return self.store.query(account=handle.account, state=chosen)

    def cancel(self, session_id: str | None, cid: int) -> Condition:
        handle = self.service.handle_for(session_id)
        found = self.store.find(cid)
        if found is None or found.account != handle.account:
            raise GatewayError(TEXTS["not_found"].format(id=cid), status_code=404)
        if not self.store.move(
            cid, ConditionState.ARMED, ConditionState.CANCELLED, message=TEXTS["cancelled"]
        ):
            now = self.store.get(cid)
            raise GatewayError(TEXTS["not_open"].format(state=_label(now)), status_code=409)
        cancelled = self.store.get(cid)
        self._publish(EventType.CONDITION_CANCELLED, cancelled)
        return cancelled

    # ---- the evaluator -----------------------------------------------------------------------
    def evaluate(self) -> int:
        """One round: expire, finish what fired before (a crash, an unknown outcome), then look at every
        armed condition against the quotes. Returns how many fired."""
        with self._lock:
            with self._flag:
                if not self._open:
                    return 0
                seen = self._created
            now = self._now()
            self._expire(now)
            for cond in self.store.in_states((ConditionState.TRIGGERING,)):
                self._finish(cond)
            fired = 0
            if self.refusal is None:
                fired = self._look(now)
            still_open = bool(self.store.in_states(OPEN_STATES))
            with self._flag:  # a condition created during this round keeps the flag up
                self._open = still_open or self._created != seen
            return fired

    def _expire(self, now: dt.datetime) -> None:
        stamp = now.replace(tzinfo=None)
        for cond in self.store.in_states((ConditionState.ARMED,)):
            if stamp >= dt.datetime.combine(cond.terms.valid_until, VALID_UNTIL_CLOSE) and self.store.move(
                cond.id, ConditionState.ARMED, ConditionState.EXPIRED, message=TEXTS["expired"]
            ):
                self._publish(EventType.CONDITION_EXPIRED, self.store.get(cond.id))

    def _look(self, now: dt.datetime) -> int:
        state = self._market_state(now)
        if not (state.demo or (state.trading_day and state.phase is Phase.CONTINUOUS)):
            return 0  # prices move and orders match only in continuous trading
        quotes: dict[str, Quote | None] = {}
        paths: dict[str, Path] = {}
        hits = []
        for cond in self.store.in_states((ConditionState.ARMED,)):
            handle = self._handle(cond.account)
            if handle is None:
                continue  # its client is not connected: it waits, armed
            code = cond.terms.code
            if code not in quotes:
                quotes[code] = self._safe_quote(code)
                paths[code] = self._safe_path(code, now)
            quote = quotes[code]
            if quote is None or not quote.last or quote.suspended:
                continue
            # Every snapshot since the last round, in order (conditions_path.py), not just the last one.
            path = paths[code]
            steps = self.path.after_creation(cond, path, now) if self.path and path else [(0, quote.last)]
            step, extreme = judge(cond, steps, now)
            if extreme is not None:
                self.store.set_extreme(cond.id, extreme)
            if step is not None:
                hits.append((step[0], cond.id, cond, quote, handle, step[1]))
        fired = 0
        # The earliest crossing first: of an OCO pair crossed in one round, the leg that crossed first wins.
        for _, _, cond, quote_now, handle, crossed in sorted(hits, key=lambda h: h[:2]):
            fired += self._fire(cond, quote_now, handle, crossed)
        return fired

    def _safe_path(self, code: str, now: dt.datetime) -> Path:
        try:
            return self.path.since_last(code, now) if self.path is not None else []
        except Exception:  # a source fault: this round judges the last price alone
            log.exception("condition price path for %s failed", code)
            return []

    def _fire(self, cond: Condition, quote: Quote, handle: ClientHandle, crossed: Decimal) -> int:
        """Fire on ``crossed`` (the price that crossed, shown as ``trigger_last``); the order is worked
        out from the quote *now*, as it is sent now (a price from before a recross could be caged)."""
        try:
            amount = cond.terms.amount or self._sellable(handle, cond.terms)
            order = order_request(cond.terms, quote, amount)
        except GatewayError as exc:  # nothing was sent: the condition failed to become an order
            if self.store.move(cond.id, ConditionState.ARMED, ConditionState.FAILED, message=exc.message):
                self._publish(EventType.CONDITION_FAILED, self.store.get(cond.id))
            return 0
        key = ORDER_KEY.format(id=cond.id)
        won, siblings = self.store.begin_trigger(cond.id, key=key, order=order, last=str(crossed))
        if not won:
            return 0  # cancelled, expired, or its OCO sibling fired first
        fired = self.store.get(cond.id)
        log.info(
            "condition %s fired at %s: %s %s %s", cond.id, quote.last, order.side, order.code, order.amount
        )
        self._publish(EventType.CONDITION_TRIGGERED, fired)
        for sibling in siblings:
            self._publish(EventType.CONDITION_CANCELLED, sibling)
        crash_point(CRASH_POINT)
        self._finish(fired)
        return 1

    def _finish(self, cond: Condition) -> None:
        """Place a fired condition's stored order under its key, and record the outcome."""
        handle = self._handle(cond.account)
        if (
            handle is None
            or cond.order_request is None
            or cond.order_key is None
            or self.service.orders is None
        ):
            return
        order = request_from_json(cond.order_request)
        try:
            ack = self.service.orders.place(
                handle,
                order,
                key=cond.order_key,
                market_state=self.service.market_state,
                quote=lambda code: self.service._quote(handle, code),
            )
        except _TRANSIENT as exc:  # the outcome is the journal's to settle: the next round asks it again
            self.store.note(cond.id, message=TEXTS["outcome_pending"].format(reason=exc.message))
            log.warning("condition %s: order outcome pending: %s", cond.id, exc.message)
            return
        except GatewayError as exc:
            if self.store.move(
                cond.id, ConditionState.TRIGGERING, ConditionState.FAILED, message=exc.message
            ):
                self._publish(EventType.CONDITION_FAILED, self.store.get(cond.id))
            return
        finally:
            handle.reads.invalidate()
        self.store.move(
            cond.id,
            ConditionState.TRIGGERING,
            ConditionState.SUBMITTED,
            contract_no=ack.contract_no,
            message=ack.message,
        )

    def _sellable(self, handle: ClientHandle, terms: ConditionTerms) -> int:
        """ "All of the position": what is available to sell now, read through the client's lane."""
        positions = handle.lane.run(
            handle.broker.positions, label="条件单查询持仓", deadline=self.service.deadline
        )
        available = sum(p.available for p in positions if p.code == terms.code)
        if available <= 0:
            raise GatewayError(TEXTS["no_position"].format(code=terms.code))
        return available

    # ---- helpers -----------------------------------------------------------------------------
    def _quote_for(self, security: object) -> Quote:
        code = parse_security(security).code
        if self._quote is None:
            raise InvalidParameter(TEXTS["no_quote"].format(code=code, reason="未配置行情源"))
        try:
            return self._quote(code)
        except GatewayError as exc:
            raise InvalidParameter(TEXTS["no_quote"].format(code=code, reason=exc.message)) from None

    def _safe_quote(self, code: str) -> Quote | None:
        try:
            return self._quote(code) if self._quote is not None else None
        except Exception:  # a quote source fault skips this round for the code, never the evaluator
            log.exception("condition quote for %s failed", code)
            return None

    def _handle(self, account: str) -> ClientHandle | None:
        return next((h for h in self.service.clients.all() if h.account == account), None)

    def _publish(self, type_: EventType, cond: Condition) -> None:
        if self.bus is None:
            return
        data = cond.public()
        data["condition_id"] = data.pop("id")
        self.bus.publish(type_, cond.account, data)

    # ---- the schedule ------------------------------------------------------------------------
    def start(self) -> None:
        """Evaluate every ``interval`` seconds on a daemon thread until :meth:`close`."""
        if self._thread is not None or self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="conditions", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.evaluate()
            except Exception:  # a fault in one round is logged; the next round tries again
                log.exception("condition evaluation failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)


def _label(cond: Condition) -> str:
    return STATE_LABELS[cond.state]


def start_conditions(
    service: TraderService,
    journal_db: Any,
    *,
    broker: str,
    quotes: str | None,
    clock: Any,
    exchange: Any,
    bus: EventBus,
) -> ConditionDesk:
    """The conditions of one gateway, in its journal's database, evaluated from now on."""
    store = ConditionStore(journal_db, now=clock.now)
    desk = ConditionDesk(
        store,
        service,
        now=clock.now,
        market_state=exchange.state,
        quote=service.quote_source,
        bus=bus,
        refusal=synthetic_refusal(broker, quotes),
        path=SnapshotPath(exchange),
    )
    desk.start()
    return desk
