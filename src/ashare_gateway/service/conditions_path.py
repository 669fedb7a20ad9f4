"""The prices a condition must see between two evaluation rounds: every snapshot since the last round.

Why: the evaluator runs once a second, but the quote source moves on its own grid (3-second
snapshots) and the market clock may run faster than the wall (``serve --start-at … --speed``) or jump
(``POST /api/admin/clock``). Sampling only the last price at each round would miss a stop-loss that was
crossed and recrossed in between. So each round reads, per code, the snapshots after the one it saw
last (the source keeps them: a replay or the offline walk is a function of the snapshot index; a live
source keeps what it observed), and a condition is judged on that path in order — the trailing stop's
peak rises and its stop is checked tick by tick, as it would have been had the evaluator looked then.

Chosen over "evaluate on each quote the source delivers": the sources have no push (a live source is
polled too) and the paper exchange is lazy by design (nothing runs while nobody asks), so there is no
stream to hang an evaluation on; the snapshots are the ticks, and reading them afterwards gives the
same decisions. Bounded: a round reads at most :data:`MAX_WALK` snapshots per code, a whole trading
day's (a clock jumped forward by hours is walked whole: a dip in the first hour of the gap still
fires), and never across days. Only a jump or a stalled evaluator walks that far; a round a second
later reads one snapshot.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..brokers.sim.timeline import CLOSE_AUCTION, snapshot_index_at
from ..domain.instruments import parse_security
from ..domain.models import Side
from ..domain.rules import tick_size
from .conditions_model import PRICE_KINDS, Condition, ConditionKind
from .conditions_parse import trailing_stop_price

MAX_WALK = CLOSE_AUCTION + 1  # snapshots per code per round: a whole day, 09:30 to the close


class SnapshotPath:
    """Per code, the last prices of the snapshots since the previous call (the current one included)."""

    def __init__(self, exchange: Any) -> None:
        self.exchange = exchange
        self._seen: dict[str, tuple[dt.date, int]] = {}

    def index_at(self, when: dt.datetime) -> int:
        return snapshot_index_at(self.exchange.state(when), when.time())

    def after_creation(
        self, cond: Condition, path: list[tuple[int, Decimal]], now: dt.datetime
    ) -> list[tuple[int, Decimal]]:
        """The part of the path a condition may fire on: after the snapshot it was created on (that
        one was checked not to cross at creation); the current snapshot when none is newer."""
        created = cond.created_at
        if created.date() != now.date():
            return path
        if created.tzinfo is None and now.tzinfo is not None:
            created = created.replace(tzinfo=now.tzinfo)
        floor = self.index_at(created)
        return [(i, p) for i, p in path if i > floor] or path[-1:]

    def since_last(self, code: str, now: dt.datetime) -> list[tuple[int, Decimal]]:
        """``[(snapshot index, last price)]`` in order, after the last one seen for ``code`` today."""
        day, index = now.date(), self.index_at(now)
        seen = self._seen.get(code)
        first = seen[1] + 1 if seen is not None and seen[0] == day and seen[1] < index else index
        first = max(first, index - MAX_WALK + 1)
        tick = tick_size(self.exchange.security(code))
        quotes = self.exchange.quotes
        path = [(i, tick * quotes.snapshot(code, day, i).last) for i in range(first, index + 1)]
        self._seen[code] = (day, index)
        return path


Step = tuple[int, Decimal]  # (snapshot index, last price)


def judge(cond: Condition, path: list[Step], now: dt.datetime) -> tuple[Step | None, Decimal | None]:
    """Walk ``path`` (oldest first) as the evaluator would have seen it snapshot by snapshot: (the first
    step that fires ``cond``, or None; the trailing stop's new peak/trough if it moved, else None)."""
    terms = cond.terms
    if terms.kind in PRICE_KINDS:
        trigger = terms.trigger_price
        assert trigger is not None
        below = terms.kind in (ConditionKind.STOP_LOSS, ConditionKind.BREAKOUT_BELOW)
        hit = next((s for s in path if (s[1] <= trigger if below else s[1] >= trigger)), None)
        return hit, None
    if terms.kind is ConditionKind.TRAILING_STOP:
        sell = terms.side is Side.SELL
        tick = tick_size(parse_security(terms.code))
        extreme = cond.extreme if cond.extreme is not None else path[0][1]
        moved = False
        for step in path:
            p = step[1]
            if (sell and p > extreme) or (not sell and p < extreme):
                extreme, moved = p, True
                continue
            stop = trailing_stop_price(terms, extreme, tick)
            if (p <= stop) if sell else (p >= stop):
                return step, extreme if moved else None
        return None, extreme if moved else None
    at = dt.datetime.combine(now.date(), terms.at or dt.time(0))
    return (path[-1] if now.replace(tzinfo=None) >= at > cond.created_at else None), None
