"""The in-process client's lane (service/inline_lane.py): still one call at a time, still a deadline that
means 未执行, still closed with its client, but run in the caller's thread; and over real HTTP, the paper
exchange's order and cancel run on the event loop itself (no thread hand-off), a desktop client's never."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.errors import NotConnected, NotExecuted
from ashare_gateway.service.inline_lane import InlineLane
from tests.conftest import Served, serve

BOUND = 10.0  # the longest any wait below may take before the test calls it a hang


def _hold(lane: InlineLane) -> tuple[threading.Event, threading.Thread]:
    """Another thread in a call on the lane until the returned event is set."""
    release, started = threading.Event(), threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(BOUND)

    thread = threading.Thread(target=lambda: lane.run(blocker, label="占用"), daemon=True)
    thread.start()
    assert started.wait(BOUND)
    return release, thread


def test_calls_from_many_threads_never_overlap() -> None:
    lane = InlineLane("t")
    inside = most = 0
    guard = threading.Lock()

    def call() -> None:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.001)  # long enough for another thread to get in, if the lane let it
        with guard:
            inside -= 1

    threads = [threading.Thread(target=lambda: [lane.run(call) for _ in range(20)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BOUND)
    assert most == 1 and lane.completed == 160


def test_a_caller_that_cannot_get_in_by_its_deadline_is_not_executed() -> None:
    lane = InlineLane("t")
    release, holder = _hold(lane)
    ran = []
    try:
        with pytest.raises(NotExecuted, match="未执行") as caught:
            lane.run(lambda: ran.append(1), label="买入 600000 100", deadline=0.2)
        assert "客户端繁忙" in caught.value.message and "买入 600000 100" in caught.value.message
        assert ran == []  # 未执行 means it never ran, not later either
    finally:
        release.set()
        holder.join(BOUND)
    assert lane.run(lambda: "free again") == "free again"


def test_a_call_inside_a_call_runs_at_once() -> None:
    lane = InlineLane("t")
    assert lane.run(lambda: lane.run(lambda: "inner", deadline=0.5)) == "inner"


def test_closed_with_its_client() -> None:
    lane = InlineLane("t")
    lane.close()
    with pytest.raises(NotConnected, match="客户端已退出"):
        lane.run(lambda: None, label="查询资金")
    assert not lane.alive


def test_on_the_loop_a_busy_lane_is_waited_for_off_the_loop() -> None:
    """The loop never blocks on the lock: while another thread is in a call, other coroutines run."""
    lane = InlineLane("t")
    release, holder = _hold(lane)

    async def main() -> tuple[str, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticking = asyncio.create_task(ticker())
        waiting = asyncio.create_task(lane.run_async(lambda: threading.current_thread().name))
        await asyncio.sleep(0.05)
        before = ticks
        await asyncio.sleep(0.05)
        assert ticks > before, "the loop stopped while the lane was busy"
        assert not waiting.done()
        release.set()
        where = await waiting
        ticking.cancel()
        return where, ticks

    where, _ = asyncio.run(main())
    holder.join(BOUND)
    assert where != threading.current_thread().name  # it waited in a pool thread, not on the loop


def test_on_the_loop_a_free_lane_runs_the_call_right_there() -> None:
    lane = InlineLane("t")

    async def main() -> bool:
        return await lane.run_async(lambda: asyncio.get_running_loop() is not None)

    assert asyncio.run(main())


@pytest.fixture(params=[True, False], ids=["inline", "worker-threads"])
def paper(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path, demo_market=False, inline_paper=request.param)
    with serve(settings, clock) as served:
        yield served


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_paper_orders_and_cancels_run_on_the_event_loop(paper: Served) -> None:
    """The point of the inline lane (issue 15): with it, the exchange sees the order and the cancel on the
    loop's own thread; without it (``inline_paper=False``, as for a desktop client) on a lane thread."""
    inline = paper.gateway.settings.inline_paper
    seen: list[tuple[str, bool, str]] = []
    exchange = paper.gateway.exchange
    real_place, real_cancel = exchange.place_order, exchange.cancel

    def place_order(*args, **kwargs):
        seen.append(("place", _on_loop(), threading.current_thread().name))
        return real_place(*args, **kwargs)

    def cancel(*args, **kwargs):
        seen.append(("cancel", _on_loop(), threading.current_thread().name))
        return real_cancel(*args, **kwargs)

    exchange.place_order, exchange.cancel = place_order, cancel  # observed only: the real ones run
    with httpx.Client(base_url=paper.api, timeout=30) as c:
        placed = c.post("/buy", json={"security": "600000", "price": 8.00, "amount": 100}).json()
        assert placed["code"] == 200, placed
        no = placed["data"]["合同编号"]
        cancelled = c.post("/cancel-entrust", json={"entrust_no": no}).json()
        assert cancelled["code"] == 200, cancelled
        row = next(r for r in c.get("/today-entrusts").json()["data"] if r["合同编号"] == no)
    assert "已撤" in str(row), row
    assert [s[0] for s in seen] == ["place", "cancel"]
    if inline:
        assert all(on_loop for _, on_loop, _ in seen), seen
    else:
        assert not any(on_loop for _, on_loop, _ in seen), seen
        assert all(name.startswith("lane-") for _, _, name in seen), seen
