"""Benchmark the paper exchange's MatchingEngine and write ``docs/benchmarks/matching.md``.

Why: every order the gateway accepts in paper mode, and every catch-up of the market after a pause,
goes through ``MatchingEngine``; it must keep up with a busy strategy (target ≥ 20,000 orders/s
in-process) and must not grow with the number of orders it has seen (a gateway runs for weeks).

Workload (fixed seed, so runs are comparable): 40 securities, each with its day of 4,800 offline
snapshots pre-generated (so quote generation is not measured). Each step submits one order:
- 45 % marketable limit orders (at or through the opposite best: fill, maybe rest the remainder),
- 35 % passive limit orders 1–5 ticks behind the touch (they rest and fill later as the market moves),
- 10 % market orders (五档即成剩撤 / 对手方最优 / 全额成交或撤销, round robin),
- 10 % cancels of the oldest resting order of that security;
and every 4th step the market of one security advances one snapshot (``on_snapshot``: fills, queues).
Resting orders older than 2,000 steps are cancelled, as day orders expire, so the book stays the size a
real account would have.

Three loops run the same generated stream: the harness alone (order generation, no matching), the real
``MatchingEngine``, and a naive engine (one list for all resting orders, scanned on every snapshot; fills
of whole orders at the best price, the way vnpy_paperaccount matches), so the results read as ratios.
Memory: during the real engine's run the process's resident size (``/proc/self/statm``; ``ru_maxrss``
elsewhere) and the engine's book size are sampled every 100,000 orders; a shorter second pass under
``tracemalloc`` (which slows allocation-heavy code ~8×) samples the traced Python heap the same way.

Usage: ``python bench/bench_matching.py [--orders N] [--out PATH]`` (default 1,000,000; ~1–2 minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import platform
import random
import resource
import sys
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    from ashare_gateway.brokers.sim.matching import BookOrder, Fill, MatchingEngine
    from ashare_gateway.brokers.sim.quotes import SNAPSHOTS_PER_DAY, OfflineQuotes, Snapshot
    from ashare_gateway.domain.market_orders import MarketType
except ModuleNotFoundError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))
    from ashare_gateway.brokers.sim.matching import BookOrder, Fill, MatchingEngine
    from ashare_gateway.brokers.sim.quotes import SNAPSHOTS_PER_DAY, OfflineQuotes, Snapshot
    from ashare_gateway.domain.market_orders import MarketType

DAY = dt.date(2026, 11, 20)
N_CODES = 40
SNAPSHOT_EVERY = 4
EXPIRE_AFTER = 2_000
SAMPLE_EVERY = 100_000
PAGE = resource.getpagesize()
MARKET_TYPES = (MarketType.BEST5_IOC, MarketType.COUNTERPARTY_BEST, MarketType.FOK)


# --- the workload -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # "limit" | "market" | "cancel"
    code: str
    is_buy: bool
    offset: int  # ticks from the touch: ≥ 0 crosses, < 0 rests behind it
    quantity: int
    mtype: MarketType | None
    advance: bool  # move this code's market one snapshot after the order


def make_snapshots(codes: list[str]) -> dict[str, list[Snapshot]]:
    quotes = OfflineQuotes()
    return {c: [quotes.snapshot(c, DAY, k) for k in range(SNAPSHOTS_PER_DAY)] for c in codes}


def steps(n: int, codes: list[str], seed: int = 7) -> Iterator[Step]:
    rng = random.Random(seed)
    for i in range(n):
        code = codes[rng.randrange(len(codes))]
        roll = rng.random()
        is_buy = rng.random() < 0.5
        qty = 100 * rng.randint(1, 20)
        advance = i % SNAPSHOT_EVERY == 0
        if roll < 0.45:
            yield Step("limit", code, is_buy, rng.randint(0, 2), qty, None, advance)
        elif roll < 0.80:
            yield Step("limit", code, is_buy, -rng.randint(1, 5), qty, None, advance)
        elif roll < 0.90:
            yield Step("market", code, is_buy, 0, qty, MARKET_TYPES[i % 3], advance)
        else:
            yield Step("cancel", code, is_buy, 0, 0, None, advance)


# --- engines under test ---------------------------------------------------------------------------------
class Engine:
    """What the loop needs from an engine; the real one is adapted, the naive one implements it."""

    def submit_limit(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        raise NotImplementedError

    def submit_market(self, order: BookOrder, snap: Snapshot, mtype: MarketType) -> list[Fill]:
        raise NotImplementedError

    def on_snapshot(self, code: str, snap: Snapshot) -> list[Fill]:
        raise NotImplementedError

    def remove(self, code: str, order_id: int) -> None:
        raise NotImplementedError


class RealEngine(Engine):
    def __init__(self) -> None:
        self.e = MatchingEngine()

    def submit_limit(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        return self.e.submit_limit(order, snap)

    def submit_market(self, order: BookOrder, snap: Snapshot, mtype: MarketType) -> list[Fill]:
        return self.e.submit_market(order, snap, mtype, None).fills

    def on_snapshot(self, code: str, snap: Snapshot) -> list[Fill]:
        return self.e.on_snapshot(code, snap)

    def remove(self, code: str, order_id: int) -> None:
        self.e.remove(code, order_id)

    def resting(self) -> int:
        return sum(len(self.e.resting(c)) for c in self.e.codes_with_orders())


class NoEngine(Engine):
    """The harness alone: same calls, no matching (the cost the other two share)."""

    def submit_limit(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        return []

    def submit_market(self, order: BookOrder, snap: Snapshot, mtype: MarketType) -> list[Fill]:
        return []

    def on_snapshot(self, code: str, snap: Snapshot) -> list[Fill]:
        return []

    def remove(self, code: str, order_id: int) -> None:
        return None


class NaiveEngine(Engine):
    """A straightforward paper matcher: one list, scanned whole on every snapshot; whole-order fills."""

    def __init__(self) -> None:
        self.book: list[BookOrder] = []

    def _cross(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        opposite = snap.asks if order.is_buy else snap.bids
        if not opposite:
            return []
        best = opposite[0][0]
        if (order.is_buy and order.limit >= best) or (not order.is_buy and order.limit <= best):
            qty, order.remaining = order.remaining, 0
            return [Fill(order.order_id, best, qty)]
        return []

    def submit_limit(self, order: BookOrder, snap: Snapshot) -> list[Fill]:
        fills = self._cross(order, snap)
        if order.remaining:
            self.book.append(order)
        return fills

    def submit_market(self, order: BookOrder, snap: Snapshot, mtype: MarketType) -> list[Fill]:
        opposite = snap.asks if order.is_buy else snap.bids
        if not opposite:
            return []
        order.limit = opposite[0][0]
        return self._cross(order, snap)

    def on_snapshot(self, code: str, snap: Snapshot) -> list[Fill]:
        fills: list[Fill] = []
        for order in list(self.book):
            if order.code == code:
                fills.extend(self._cross(order, snap))
                if not order.remaining:
                    self.book.remove(order)
        return fills

    def remove(self, code: str, order_id: int) -> None:
        for i, order in enumerate(self.book):
            if order.order_id == order_id:
                del self.book[i]
                return


# --- the loop --------------------------------------------------------------------------------------------
@dataclass
class RunResult:
    name: str
    orders: int
    seconds: float
    fills: int
    filled_qty: int
    samples: list[tuple[int, int, int]]  # (orders so far, bytes, orders resting in the engine)
    peak_traced: int | None

    @property
    def rate(self) -> float:
        return self.orders / self.seconds


def run(
    name: str,
    engine: Engine,
    n: int,
    codes: list[str],
    snaps: dict[str, list[Snapshot]],
    *,
    sample: Callable[[], int] | None = None,
) -> RunResult:
    position = dict.fromkeys(codes, 0)
    resting: dict[str, deque[tuple[int, int]]] = {c: deque() for c in codes}  # (order id, step)
    fills = filled = 0
    samples: list[tuple[int, int, int]] = []
    count_resting = getattr(engine, "resting", lambda: 0)
    gc.collect()
    start = time.perf_counter()
    for i, step in enumerate(steps(n, codes)):
        code = step.code
        day = snaps[code]
        snap = day[position[code]]
        queue = resting[code]
        if step.kind == "cancel":
            if queue:
                engine.remove(code, queue.popleft()[0])
            out: list[Fill] = []
        else:
            own_best = (snap.bids if step.is_buy else snap.asks)[0][0]
            opposite = snap.asks if step.is_buy else snap.bids
            touch = opposite[0][0] if opposite else own_best
            if step.offset >= 0:
                limit = touch + step.offset if step.is_buy else touch - step.offset
            else:
                limit = own_best + step.offset if step.is_buy else own_best - step.offset
            order = BookOrder(i, code, step.is_buy, max(1, limit), step.quantity)
            if step.kind == "market":
                assert step.mtype is not None
                out = engine.submit_market(order, snap, step.mtype)
            else:
                out = engine.submit_limit(order, snap)
                if order.remaining:
                    queue.append((i, i))
        if step.advance:
            position[code] = (position[code] + 1) % SNAPSHOTS_PER_DAY
            out = out + engine.on_snapshot(code, day[position[code]])
        while queue and i - queue[0][1] > EXPIRE_AFTER:  # day orders expire
            engine.remove(code, queue.popleft()[0])
        fills += len(out)
        for f in out:
            filled += f.quantity
        if sample is not None and (i + 1) % SAMPLE_EVERY == 0:
            samples.append((i + 1, sample(), count_resting()))
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
    return RunResult(name, n, seconds, fills, filled, samples, peak)


def traced() -> int:
    return tracemalloc.get_traced_memory()[0]


def rss_now() -> int:
    """Current resident set size in bytes (Linux); the peak (ru_maxrss) where /proc is missing."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except OSError:
        return int(maxrss_mib() * 1024 * 1024)


def maxrss_mib() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


# --- report -------------------------------------------------------------------------------------------
def _growth(samples: list[tuple[int, int, int]]) -> float:
    """Relative change from the second sample (after warm-up) to the last."""
    if len(samples) < 2:
        return 0.0
    base = samples[1][1] if len(samples) > 2 else samples[0][1]
    return (samples[-1][1] - base) / max(base, 1)


def render(n: int, results: list[RunResult], traced_run: RunResult, rss_peak: float) -> str:
    harness, real, naive = results
    engine_only = real.seconds - harness.seconds * real.orders / harness.orders
    lines = [
        "# MatchingEngine benchmark",
        "",
        "Generated by `bench/bench_matching.py` (do not edit by hand) on "
        f"Python {platform.python_version()}, {platform.machine()} {platform.system()}, "
        f"{dt.date.today().isoformat()}.",
        "",
        f"Workload: {N_CODES} securities; orders are 45 % marketable limit, 35 % passive limit, "
        "10 % market (五档即成剩撤 / 对手方最优 / 全额成交或撤销), 10 % cancel; "
        "one security's market advances a 3-second "
        f"snapshot every {SNAPSHOT_EVERY} orders; resting orders expire after {EXPIRE_AFTER:,} orders. "
        "Snapshots are pre-generated, so only matching and the harness are timed.",
        "",
        "## Throughput",
        "",
        "| Loop | Orders | Seconds | Orders/s | Fills | Filled shares | Time vs harness |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.orders:,} | {r.seconds:.2f} | {r.rate:,.0f} | {r.fills:,} | "
            f"{r.filled_qty:,} | {harness.rate / r.rate:.2f}× |"
        )
    matching_rate = real.orders / max(engine_only, 1e-9)
    lines += [
        "",
        f"- **MatchingEngine: {real.rate:,.0f} orders/s end to end** (target ≥ 20,000: "
        f"{'met' if real.rate >= 20_000 else 'MISSED'}); matching alone (total minus the harness's share) "
        f"{matching_rate:,.0f} orders/s.",
        "- Naive engine (one list scanned on every snapshot, whole orders filled at the best price, "
        f"no depth or queue): {naive.rate:,.0f} orders/s over {naive.orders:,} orders; MatchingEngine runs "
        f"at {real.rate / naive.rate:.2f}× its rate while also modelling partial fills against displayed "
        "depth, liquidity used up within a snapshot, queue position and six market-order types.",
        "",
        f"## Memory over {n:,} orders",
        "",
        f"Sampled every {SAMPLE_EVERY:,} orders: the process's resident size during the MatchingEngine run "
        f"above, and the traced Python heap during a second run of {traced_run.orders:,} orders under "
        f"tracemalloc ({traced_run.rate:,.0f} orders/s with tracing on).",
        "",
        "| Orders | RSS MiB | Orders resting |",
        "|---:|---:|---:|",
    ]
    for count, size, resting in real.samples:
        lines.append(f"| {count:,} | {size / 2**20:,.1f} | {resting:,} |")
    lines += ["", "| Orders (traced run) | Traced KiB | Orders resting |", "|---:|---:|---:|"]
    for count, size, resting in traced_run.samples:
        lines.append(f"| {count:,} | {size / 1024:,.0f} | {resting:,} |")
    rss_growth, heap_growth = _growth(real.samples), _growth(traced_run.samples)
    flat = abs(rss_growth) < 0.05 and abs(heap_growth) < 0.10
    lines += [
        "",
        f"- RSS from the 2nd to the last sample: {rss_growth * 100:+.1f} %; traced heap: "
        f"{heap_growth * 100:+.1f} % — **{'flat' if flat else 'NOT flat'}**. Traced peak "
        f"{(traced_run.peak_traced or 0) / 2**20:.2f} MiB (allocations after tracing started: the engine's "
        "book and the harness, not the pre-generated snapshots).",
        f"- Process peak RSS (ru_maxrss) after all runs: {rss_peak:.0f} MiB.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--naive-orders", type=int, default=200_000)
    parser.add_argument("--traced-orders", type=int, default=300_000, help="tracemalloc slows the run ~8x")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "matching.md")
    args = parser.parse_args()

    quotes = OfflineQuotes()
    stocks = [c for c in quotes.codes() if quotes.reference(c).security.kind.value == "stock"]
    codes = stocks[:: max(1, len(stocks) // N_CODES)][:N_CODES]
    t0 = time.perf_counter()
    snaps = make_snapshots(codes)
    print(f"snapshots for {len(codes)} codes in {time.perf_counter() - t0:.1f} s", flush=True)

    results = []
    for name, engine, n, sample in (
        ("harness only (no matching)", NoEngine(), args.orders, None),
        ("MatchingEngine", RealEngine(), args.orders, rss_now),
        ("naive list engine", NaiveEngine(), args.naive_orders, None),
    ):
        r = run(name, engine, n, codes, snaps, sample=sample)
        print(f"{name}: {r.rate:,.0f} orders/s ({r.seconds:.1f} s, {r.fills:,} fills)", flush=True)
        results.append(r)
    print(f"RSS MiB: {[round(s / 2**20, 1) for _, s, _ in results[1].samples]}", flush=True)

    tracemalloc.start()
    traced_run = run("MatchingEngine (traced)", RealEngine(), args.traced_orders, codes, snaps, sample=traced)
    tracemalloc.stop()
    print(f"traced KiB: {[round(s / 1024) for _, s, _ in traced_run.samples]}", flush=True)

    text = render(args.orders, results, traced_run, maxrss_mib())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
