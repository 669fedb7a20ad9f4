"""The order gate (service/order_gate.py): at most ``orders_in_flight`` order requests per account inside
the service at once, the others parked on the event loop, each still answered once, within its deadline.

Driven over real HTTP against the served app. The service's ``place`` is wrapped only to *observe* how
many requests are inside it and to hold them there (an Event, released by the test): the gate, the
routes and the paper exchange are the real ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.service.lane import within
from ashare_gateway.store.journal_tables import journal_orders
from tests.conftest import Served, serve
from tests.polling import until

ORDER = {"security": "600000", "price": 8.00, "amount": 100}  # rests below the market: no fill


class Inside:
    """Counts the order requests inside ``TraderService.place`` and holds each until released."""

    def __init__(self, served: Served) -> None:
        self.now = self.most = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        service = served.gateway.service
        real = service.place

        def place(*args, **kwargs):
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                self.release.wait(30)
                return real(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        service.place = place  # type: ignore[method-assign]


@pytest.fixture
def gated(tmp_path: Path, clock: ManualClock, request: pytest.FixtureRequest) -> Iterator[Served]:
    limit, deadline = getattr(request, "param", (2, 30.0))
    # The gate keeps worker threads for clients whose calls wait on a lane thread (a desktop client): the
    # paper exchange's own calls run on the event loop (inline_paper) and never park a worker.
    settings = Settings(
        data_dir=tmp_path,
        demo_market=False,
        orders_in_flight=limit,
        deadline=deadline,
        inline_paper=False,
    )
    with serve(settings, clock) as served:
        yield served


def _buy(served: Served, n: int) -> list[httpx.Response]:
    with httpx.Client(base_url=served.api, timeout=60) as client:
        return [client.post("/buy", json=ORDER) for _ in range(n)]


def test_twelve_strategies_at_once_get_two_slots_and_twelve_orders(gated: Served) -> None:
    inside = Inside(gated)
    gate = gated.gateway.service.order_gate
    with ThreadPoolExecutor(12) as pool:
        futures = [pool.submit(_buy, gated, 1) for _ in range(12)]
        # Two requests inside the service, the ten others parked at the gate (not in pool threads).
        until(
            lambda: inside.now == 2 and gate.waiting("default") == 10,
            "2 inside, 10 at the gate",
            seconds=20.0,
        )
        assert inside.most == 2
        inside.release.set()
        answers = [r for f in futures for r in f.result()]
    bodies = [r.json() for r in answers]
    assert [b["code"] for b in bodies] == [200] * 12, bodies
    contracts = {b["data"]["合同编号"] for b in bodies}
    assert len(contracts) == 12  # each request placed exactly one order
    assert inside.most == 2
    assert gate.waiting("default") == 0
    with httpx.Client(base_url=gated.api, timeout=30) as client:
        listed = client.get("/today-entrusts").json()["data"]
    assert {row["合同编号"] for row in listed} >= contracts


@pytest.mark.parametrize("gated", [(1, 1.0)], indirect=True)
def test_a_request_that_waits_past_its_deadline_is_not_executed_and_not_journalled(gated: Served) -> None:
    inside = Inside(gated)
    gate = gated.gateway.service.order_gate
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(_buy, gated, 1)
        until(lambda: inside.now == 1, "the first order inside", seconds=20.0)
        second = pool.submit(_buy, gated, 1)
        until(lambda: gate.waiting("default") == 1, "the second at the gate", seconds=20.0)
        refused = second.result()[0]  # its 1 s deadline passes at the gate
        inside.release.set()
        placed = first.result()[0]
    body = refused.json()
    assert refused.status_code >= 400 and body["code"] == refused.status_code, body
    assert "未执行" in body["message"] and "客户端繁忙" in body["message"], body
    # The first was held inside past its own 1 s (counted from its arrival at the gate): its lane call
    # had nothing left, so it too is 未执行, by the lane, after the journal recorded it as failed.
    first_body = placed.json()
    assert first_body["code"] == 504 and "未执行" in first_body["message"], first_body
    with gated.gateway.journal.db.connect() as conn:  # one row: the refused request never reached it
        rows = conn.execute(select(journal_orders.c.state)).all()
    assert [r[0] for r in rows] == ["failed"], rows


def test_a_lane_call_inside_within_waits_only_for_what_is_left() -> None:
    from ashare_gateway.domain.errors import NotExecuted
    from ashare_gateway.service.lane import Lane

    lane = Lane("t")
    hold = threading.Event()
    lane_busy = threading.Thread(target=lambda: lane.run(lambda: hold.wait(30), deadline=60), daemon=True)
    lane_busy.start()
    until(lambda: lane.in_flight is not None, "the lane busy", seconds=20.0)
    outcome: list[object] = []

    def queued() -> None:
        with within(time.monotonic() + 0.2):  # 0.2 s left of the request's deadline, the call's own is 60
            try:
                lane.run(lambda: "ran", deadline=60)
                outcome.append("ran")
            except NotExecuted as exc:
                outcome.append(exc)

    caller = threading.Thread(target=queued, daemon=True)
    caller.start()
    caller.join(15)
    hold.set()
    lane.close()
    assert not caller.is_alive(), "the queued call waited for its own 60 s, not the 0.2 s left"
    assert isinstance(outcome[0], NotExecuted)
