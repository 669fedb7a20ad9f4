"""Randomized: lane jobs abandoned under load (callers told 未执行) never run later, so every key ends
with exactly one broker order however many times it was retried (issue 11's stress test).

A loader keeps the client's lane busy with /wait calls of random length while workers send keyed
orders with a short deadline (0.3 s): many are dropped from the queue (未执行), some time out while
running (结果未知), each is retried with its key until it is accepted. Every key has its own amount, so
the broker's 当日委托 count orders per key.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import TRADING_MORNING, serve

MAX_ATTEMPTS = 60


def _run(tmp_path: Path, keys: int, seed: int) -> None:
    rng = random.Random(seed)
    settings = Settings(data_dir=tmp_path, demo_market=False, deadline=0.3)
    with serve(settings, ManualClock(TRADING_MORNING)) as s:
        stop = threading.Event()
        answers: dict[str, set[str]] = {}
        outcomes: Counter[int] = Counter()
        lock = threading.Lock()

        def loader() -> None:
            with httpx.Client(base_url=s.api, timeout=30) as c:
                while not stop.is_set():
                    c.post("/wait", json={"seconds": round(rng.uniform(0.05, 0.5), 2)})

        def worker(indices: list[int]) -> None:
            with httpx.Client(base_url=s.api, timeout=30) as c:
                for i in indices:
                    key = f"stress-{seed}-{i}"
                    body = {"security": "600000", "price": 8.0, "amount": 100 * (i + 1)}  # rests
                    for _ in range(MAX_ATTEMPTS):
                        resp = c.post("/buy", json=body, headers={"Idempotency-Key": key})
                        with lock:
                            outcomes[resp.status_code] += 1
                        if resp.status_code == 200:
                            with lock:
                                answers.setdefault(key, set()).add(resp.json()["data"]["合同编号"])
                            if rng.random() < 0.5:
                                break  # sometimes retry an accepted order too: it must replay
                    threading.Event().wait(rng.uniform(0, 0.05))

        order = list(range(keys))
        rng.shuffle(order)
        loaders = [threading.Thread(target=loader) for _ in range(2)]
        workers = [threading.Thread(target=worker, args=(order[n::4],)) for n in range(4)]
        for t in [*loaders, *workers]:
            t.start()
        for t in workers:
            t.join(120)
        stop.set()
        for t in loaders:
            t.join(30)
        # Load gone: every key, retried once more, is accepted with the one contract it has.
        final: dict[str, httpx.Response] = {}
        with httpx.Client(base_url=s.api, timeout=30) as c:
            for i in range(keys):
                key = f"stress-{seed}-{i}"
                body = {"security": "600000", "price": 8.0, "amount": 100 * (i + 1)}
                for _ in range(MAX_ATTEMPTS):  # jobs still queued (there should be none) may delay it
                    final[key] = c.post("/buy", json=body, headers={"Idempotency-Key": key})
                    if final[key].status_code != 504:
                        break
            entrusts = c.get("/today-entrusts").json()["data"]
        per_amount = Counter(e["委托数量"] for e in entrusts if e["证券代码"] == "600000")
        assert per_amount == Counter({100 * (i + 1): 1 for i in range(keys)}), (seed, per_amount)
        for key, resp in final.items():
            assert resp.status_code == 200, resp.text
            answers.setdefault(key, set()).add(resp.json()["data"]["合同编号"])
        assert all(len(contracts) == 1 for contracts in answers.values()), answers
        assert outcomes[200] >= keys  # (and the load did make some calls fail: see below)
        assert sum(n for status, n in outcomes.items() if status != 200) > 0, outcomes


def test_abandoned_jobs_never_run_later(tmp_path: Path) -> None:
    _run(tmp_path, keys=10, seed=random.randrange(10**6))


@pytest.mark.stress
@pytest.mark.parametrize("trial", range(3))
def test_abandoned_jobs_never_run_later_stress(tmp_path: Path, trial: int) -> None:
    _run(tmp_path, keys=40, seed=random.randrange(10**6))
