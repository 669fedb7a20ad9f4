"""The read coalescer, directly: identical reads in flight share one client read, a fresh result is
reused within its window only, and an order (invalidate) makes the next read go to the client."""

from __future__ import annotations

import threading

import pytest

from ashare_gateway.service.coalescing import ReadCoalescer
from tests.polling import until

BOUND = 10.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_concurrent_identical_reads_share_one_client_read() -> None:
    reads = ReadCoalescer(freshness=0.5)
    gate, calls = threading.Event(), []

    def slow_read() -> int:
        calls.append(1)
        gate.wait(BOUND)
        return 42

    results: list[int] = []
    leader = threading.Thread(target=lambda: results.append(reads.read("balance", slow_read)))
    leader.start()
    until(lambda: bool(calls))  # the leader is inside the client read
    followers = [
        threading.Thread(target=lambda: results.append(reads.read("balance", slow_read))) for _ in range(9)
    ]
    for t in followers:
        t.start()
    try:
        until(lambda: reads.shared == 9)
    finally:
        gate.set()
    for t in [leader, *followers]:
        t.join(BOUND)
    assert results == [42] * 10 and len(calls) == 1 and reads.reads == 1 and reads.shared == 9


def test_a_result_is_reused_only_within_the_freshness_window() -> None:
    clock = FakeClock()
    reads = ReadCoalescer(freshness=0.5, clock=clock)
    values = iter(range(10))
    assert reads.read("positions", lambda: next(values)) == 0
    clock.now = 0.5
    assert reads.read("positions", lambda: next(values)) == 0  # still fresh
    clock.now = 0.51
    assert reads.read("positions", lambda: next(values)) == 1  # stale: read again
    assert reads.read("balance", lambda: next(values)) == 2  # another name is another read


def test_invalidate_forces_the_next_read_even_inside_the_window() -> None:
    reads = ReadCoalescer(freshness=60, clock=FakeClock())
    values = iter(range(10))
    assert reads.read("entrusts", lambda: next(values)) == 0
    reads.invalidate()  # an order was placed: the cached entrusts predate it
    assert reads.read("entrusts", lambda: next(values)) == 1


def test_a_read_in_flight_across_an_invalidate_is_not_cached_nor_shared() -> None:
    reads = ReadCoalescer(freshness=60, clock=FakeClock())
    gate, started = threading.Event(), threading.Event()

    def old_read() -> str:
        started.set()
        gate.wait(BOUND)
        return "before the order"

    first: list[str] = []
    t = threading.Thread(target=lambda: first.append(reads.read("entrusts", old_read)))
    t.start()
    assert started.wait(BOUND)
    reads.invalidate()
    assert reads.read("entrusts", lambda: "after the order") == "after the order"  # did not join the old
    gate.set()
    t.join(BOUND)
    assert first == ["before the order"]
    assert reads.read("entrusts", lambda: "third") == "after the order"  # the old result was not cached


def test_a_failed_read_is_not_cached_and_reaches_every_waiter() -> None:
    reads = ReadCoalescer(freshness=60, clock=FakeClock())

    def broken() -> int:
        raise RuntimeError("client gone")

    with pytest.raises(RuntimeError):
        reads.read("balance", broken)
    assert reads.read("balance", lambda: 7) == 7
