"""The lane, directly: the layer that serialises a client (one job at a time), drops a job its caller
gave up on (未执行 means never), lets cancels jump the queue, and ends with its client."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from ashare_gateway.domain.errors import NotConnected, NotExecuted, OutcomeUnknown
from ashare_gateway.service.lane import PRIORITY_CANCEL, Lane
from tests.polling import until

BOUND = 10.0  # the longest any wait below may take before the test calls it a hang


@pytest.fixture
def lane():
    lane = Lane("test")
    yield lane
    lane.close()


def _hold(lane: Lane) -> tuple[threading.Event, threading.Thread]:
    """Occupy the lane's worker until the returned event is set."""
    release, started = threading.Event(), threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(BOUND)

    thread = threading.Thread(target=lambda: lane.run(blocker, deadline=BOUND * 2))
    thread.start()
    assert started.wait(BOUND)
    return release, thread


def test_one_job_at_a_time(lane: Lane) -> None:
    active, peak, lock = 0, 0, threading.Lock()

    def job() -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.002)  # long enough for a second worker, if there were one, to overlap
        with lock:
            active -= 1

    threads = [threading.Thread(target=lambda: lane.run(job, deadline=BOUND)) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BOUND)
    assert peak == 1 and lane.completed == 40


def test_an_abandoned_job_never_runs_later(lane: Lane) -> None:
    release, holder = _hold(lane)
    ran = threading.Event()
    with pytest.raises(NotExecuted, match="未执行"):
        lane.run(ran.set, label="买入", deadline=0.05)  # queued behind the blocker: the caller gives up
    release.set()
    holder.join(BOUND)
    lane.run(lambda: None, deadline=BOUND)  # everything queued before this has been dealt with
    assert not ran.is_set()


def test_a_job_running_past_its_deadline_is_unknown_not_unexecuted(lane: Lane) -> None:
    release = threading.Event()
    with pytest.raises(OutcomeUnknown, match="结果未知"):
        lane.run(lambda: release.wait(BOUND), deadline=0.05)
    release.set()


def test_cancels_jump_the_queue(lane: Lane) -> None:
    release, holder = _hold(lane)
    order: list[str] = []
    threads = [
        threading.Thread(target=lambda n=n: lane.run(lambda: order.append(f"order{n}"), deadline=BOUND))
        for n in range(3)
    ]
    for t in threads:
        t.start()
    until(lambda: lane.depth == 3)
    cancel = threading.Thread(
        target=lambda: lane.run(lambda: order.append("cancel"), deadline=BOUND, priority=PRIORITY_CANCEL)
    )
    cancel.start()
    until(lambda: lane.depth == 4)
    release.set()
    for t in [*threads, cancel, holder]:
        t.join(BOUND)
    assert order[0] == "cancel" and sorted(order[1:]) == ["order0", "order1", "order2"]
    assert order[1:] == ["order0", "order1", "order2"]  # first come, first served after that


def test_close_ends_the_worker_and_refuses_queued_and_new_jobs() -> None:
    lane = Lane("closing")
    release, holder = _hold(lane)
    ran = threading.Event()
    errors: list[BaseException] = []

    def queued() -> None:
        try:
            lane.run(ran.set, deadline=BOUND)
        except NotConnected as exc:
            errors.append(exc)

    waiter = threading.Thread(target=queued)
    waiter.start()
    until(lambda: lane.depth == 1)
    closer = threading.Thread(target=lane.close)
    closer.start()
    release.set()
    for t in (holder, waiter, closer):
        t.join(BOUND)
    assert not lane.alive and not ran.is_set()
    assert len(errors) == 1 and "未执行" in errors[0].message
    with pytest.raises(NotConnected):
        lane.run(lambda: None)


# ---- awaited from an event loop (Lane.run_async: the routes that skip the pool thread) ----------------


def test_awaited_and_threaded_callers_share_one_worker(lane: Lane) -> None:
    """Callers awaiting on an event loop and callers blocking in threads: still one job at a time, and
    every job on the lane's own thread (a GUI client is driven from one thread only)."""
    active, peak, lock = 0, 0, threading.Lock()
    threads_seen: set[str] = set()

    def job() -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            threads_seen.add(threading.current_thread().name)
        time.sleep(0.002)  # long enough for a second worker, if there were one, to overlap
        with lock:
            active -= 1

    async def awaited() -> None:
        await asyncio.gather(*(lane.run_async(job, deadline=BOUND) for _ in range(20)))

    threads = [threading.Thread(target=lambda: lane.run(job, deadline=BOUND)) for _ in range(20)]
    loop_thread = threading.Thread(target=lambda: asyncio.run(awaited()))
    for t in (*threads, loop_thread):
        t.start()
    for t in (*threads, loop_thread):
        t.join(BOUND)
    assert peak == 1 and lane.completed == 40
    assert threads_seen == {"lane-test"}


def test_an_awaited_job_keeps_its_result_and_its_error(lane: Lane) -> None:
    def refuse() -> None:
        raise NotConnected("客户端未连接")

    async def both() -> tuple[int, str]:
        value = await lane.run_async(lambda: 42, deadline=BOUND)
        with pytest.raises(NotConnected) as raised:
            await lane.run_async(refuse, deadline=BOUND)
        return value, raised.value.message

    assert asyncio.run(both()) == (42, "客户端未连接")


def test_an_awaited_job_abandoned_in_the_queue_never_runs(lane: Lane) -> None:
    release, holder = _hold(lane)
    ran = threading.Event()

    async def give_up() -> None:
        await lane.run_async(ran.set, label="撤单", deadline=0.05)

    with pytest.raises(NotExecuted, match="未执行"):
        asyncio.run(give_up())  # queued behind the blocker: the caller gives up
    release.set()
    holder.join(BOUND)
    lane.run(lambda: None, deadline=BOUND)  # everything queued before this has been dealt with
    assert not ran.is_set()


def test_an_awaited_job_running_past_its_deadline_is_unknown(lane: Lane) -> None:
    release = threading.Event()

    async def too_long() -> None:
        await lane.run_async(lambda: release.wait(BOUND), label="撤单", deadline=0.05)

    with pytest.raises(OutcomeUnknown, match="结果未知"):
        asyncio.run(too_long())
    release.set()


def test_a_closed_lane_refuses_an_awaited_job() -> None:
    lane = Lane("closed")
    lane.close()

    async def call() -> None:
        await lane.run_async(lambda: None)

    with pytest.raises(NotConnected, match="未执行"):
        asyncio.run(call())
