"""The conditions' rows in the journal's database, and the only code that changes their state.

Every move is one conditional UPDATE (``WHERE id = ? AND state = <expected>``): two evaluators, a
cancel racing a trigger, or an OCO sibling firing in the same round can never both win, so a condition
fires at most once. The trigger and the cancellation of its OCO siblings share one transaction on the
journal's synced engine (``synchronous=FULL``): after a crash either both happened or neither.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.engine import Engine

from ..domain.models import OrderRequest
from ..store.condition_tables import conditions
from .conditions_model import TEXTS, Condition, ConditionState, ConditionTerms
from .order_identity import request_json


class ConditionStore:
    def __init__(self, db: Engine, *, now: Callable[[], dt.datetime]) -> None:
        self.db = db
        self._now = now

    def _stamp(self) -> dt.datetime:
        return self._now().replace(tzinfo=None)

    # ---- writes ------------------------------------------------------------------------------
    def create(
        self, account: str, legs: Sequence[tuple[ConditionTerms, Decimal | None]], group_id: str | None
    ) -> list[Condition]:
        """Store one condition, or the legs of an OCO group, in one transaction; ``extreme`` per leg."""
        now = self._stamp()
        ids = []
        with self.db.begin() as conn:
            for terms, extreme in legs:
                values = {
                    "account": account,
                    "kind": str(terms.kind),
                    "code": terms.code,
                    "group_id": group_id,
                    "terms": terms.to_json(),
                    "state": str(ConditionState.ARMED),
                    "extreme": str(extreme) if extreme is not None else None,
                    "message": "",
                    "created_at": now,
                    "updated_at": now,
                }
                ids.append(conn.execute(conditions.insert(), values).inserted_primary_key[0])  # type: ignore[index]
        return [self.get(i) for i in ids]

    def begin_trigger(
        self, cid: int, *, key: str, order: OrderRequest, last: str
    ) -> tuple[bool, list[Condition]]:
        """armed → triggering with the decided order and its key, and every armed OCO sibling →
        cancelled, in one transaction. Returns (won, siblings cancelled); not won if it was no longer
        armed (cancelled, expired, or a sibling fired first)."""
        now = self._stamp()
        with self.db.begin() as conn:
            done = conn.execute(
                conditions.update()
                .where(and_(conditions.c.id == cid, conditions.c.state == str(ConditionState.ARMED)))
                .values(
                    state=str(ConditionState.TRIGGERING),
                    order_key=key,
                    order_request=json.dumps(request_json(order), ensure_ascii=False),
                    trigger_last=last,
                    triggered_at=now,
                    updated_at=now,
                )
            )
            if done.rowcount != 1:
                return False, []
            group = conn.execute(select(conditions.c.group_id).where(conditions.c.id == cid)).scalar_one()
            sibling_ids: list[int] = []
            if group is not None:
                sibling_ids = [
                    r[0]
                    for r in conn.execute(
                        select(conditions.c.id).where(
                            and_(
                                conditions.c.group_id == group,
                                conditions.c.id != cid,
                                conditions.c.state == str(ConditionState.ARMED),
                            )
                        )
                    )
                ]
                if sibling_ids:
                    conn.execute(
                        conditions.update()
                        .where(
                            and_(
                                conditions.c.id.in_(sibling_ids),
                                conditions.c.state == str(ConditionState.ARMED),
                            )
                        )
                        .values(
                            state=str(ConditionState.CANCELLED),
                            message=TEXTS["cancelled_by"].format(id=cid),
                            updated_at=now,
                        )
                    )
        return True, [self.get(i) for i in sibling_ids]

    def move(
        self,
        cid: int,
        source: ConditionState | tuple[ConditionState, ...],
        target: ConditionState,
        *,
        message: str | None = None,
        contract_no: str | None = None,
    ) -> bool:
        """``source`` → ``target`` if the row is still in ``source``; True when it moved."""
        sources = (source,) if isinstance(source, ConditionState) else source
        values: dict[str, Any] = {"state": str(target), "updated_at": self._stamp()}
        if message is not None:
            values["message"] = message
        if contract_no is not None:
            values["contract_no"] = contract_no
        with self.db.begin() as conn:
            done = conn.execute(
                conditions.update()
                .where(and_(conditions.c.id == cid, conditions.c.state.in_([str(s) for s in sources])))
                .values(**values)
            )
        return done.rowcount == 1

    def note(self, cid: int, *, message: str) -> None:
        """A message on a condition that stays where it is (an outcome still being settled)."""
        with self.db.begin() as conn:
            conn.execute(
                conditions.update()
                .where(conditions.c.id == cid)
                .values(message=message, updated_at=self._stamp())
            )

    def set_extreme(self, cid: int, extreme: Decimal) -> None:
        """A trailing stop's new peak (or trough); only while armed."""
        with self.db.begin() as conn:
            conn.execute(
                conditions.update()
                .where(and_(conditions.c.id == cid, conditions.c.state == str(ConditionState.ARMED)))
                .values(extreme=str(extreme))
            )

    # ---- reads -------------------------------------------------------------------------------
    def get(self, cid: int) -> Condition:
        with self.db.connect() as conn:
            row = conn.execute(select(conditions).where(conditions.c.id == cid)).mappings().one()
        return _condition(row)

    def find(self, cid: int) -> Condition | None:
        with self.db.connect() as conn:
            row = conn.execute(select(conditions).where(conditions.c.id == cid)).mappings().first()
        return _condition(row) if row else None

    def in_states(self, states: Sequence[ConditionState], account: str | None = None) -> list[Condition]:
        cond: list[ColumnElement[bool]] = [conditions.c.state.in_([str(s) for s in states])]
        if account is not None:
            cond.append(conditions.c.account == account)
        with self.db.connect() as conn:
            rows = conn.execute(select(conditions).where(and_(*cond)).order_by(conditions.c.id)).mappings()
            return [_condition(r) for r in rows]

    def query(self, *, account: str, state: ConditionState | None, limit: int = 500) -> list[Condition]:
        stmt = select(conditions).where(conditions.c.account == account)
        if state is not None:
            stmt = stmt.where(conditions.c.state == str(state))
        with self.db.connect() as conn:
            rows = conn.execute(stmt.order_by(conditions.c.id.desc()).limit(limit)).mappings()
            return [_condition(r) for r in rows]


def _condition(row: Any) -> Condition:
    return Condition(
        id=row["id"],
        account=row["account"],
        group_id=row["group_id"],
        terms=ConditionTerms.from_json(row["terms"]),
        state=ConditionState(row["state"]),
        extreme=Decimal(row["extreme"]) if row["extreme"] is not None else None,
        order_key=row["order_key"],
        order_request=json.loads(row["order_request"]) if row["order_request"] else None,
        trigger_last=row["trigger_last"],
        contract_no=row["contract_no"],
        message=row["message"],
        created_at=row["created_at"],
        triggered_at=row["triggered_at"],
        updated_at=row["updated_at"],
    )
