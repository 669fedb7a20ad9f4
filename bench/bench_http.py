"""HTTP benchmark: the gateway's paper orders beside a bare floor app, interleaved, in one run.

What issue 15 asks to compare, every number a ratio inside the same run (machines here are noisy):

- **floor apps**, served by the same uvicorn in their own process: ``/noop`` (a bare FastAPI route) and
  ``/insert`` (one SQLite insert, WAL, ``synchronous=FULL``: the least a journalled order must cost);
- **the gateway** (``ashare-gateway serve`` on the paper exchange, demo market) with 0 / 1,000 / 5,000
  open orders resting in its book: ``/ping`` against ``/noop``, and one *paper order* (``/buy`` of a resting
  order, then ``/cancel-entrust`` of it: two requests) against two ``/insert`` requests;
- at concurrency 1, 4, 16 and 64, rounds alternating between the two apps; the median of the rounds counts.

The load generator is httpx (asyncio) in this process: with two cores it shares the CPU with the server,
so the absolute rates are low and only the ratios carry over to another machine.

Run: ``.venv/bin/python bench/bench_http.py [--quick]``. Writes ``docs/benchmarks/http.md`` and, when
matplotlib is installed, ``docs/benchmarks/http.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks"

FLOOR_APP = textwrap.dedent(
    """
    import sqlite3, sys
    from fastapi import FastAPI
    import uvicorn

    conn = sqlite3.connect(sys.argv[2], check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, body TEXT)")
    app = FastAPI()

    @app.get("/noop")
    def noop():
        return {"code": 200, "message": "success", "data": None}

    @app.post("/insert")
    def insert(body: dict):
        conn.execute("INSERT INTO orders (body) VALUES (?)", (str(body),))
        return {"code": 200, "message": "success", "data": {"id": 1}}

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
    """
)

ORDER = {"security": "600000", "price": 8.00, "amount": 100}  # rests below the demo market: no fills


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # the child process is still starting


@dataclass
class Server:
    proc: subprocess.Popen
    url: str

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def start_floor(tmp: Path) -> Server:
    port = _free_port()
    script = tmp / "floor.py"
    script.write_text(FLOOR_APP, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(port), str(tmp / "floor.sqlite3")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(proc, f"http://127.0.0.1:{port}")
    _wait_up(server.url + "/noop")
    return server


def prefill(data_dir: Path, open_orders: int) -> None:
    """Rest ``open_orders`` buys in a fresh paper book, in process (HTTP would take minutes for 5,000)."""
    from ashare_gateway.brokers.sim.ledger import accounts
    from ashare_gateway.config import Settings
    from ashare_gateway.domain.models import OrderRequest, Side
    from ashare_gateway.gateway import build_gateway

    gw = build_gateway(Settings(data_dir=data_dir, demo_market=True))
    try:
        with gw.exchange.db.begin() as conn:  # 5,000 resting buys need ¥4M: more than the demo's cash
            conn.execute(accounts.update().values(cash=Decimal("100000000")))
        for i in range(open_orders):
            price = Decimal("8.00") - Decimal(i % 20) / 100  # spread over 20 price levels, inside the limits
            gw.service.place(None, OrderRequest("600000", Side.BUY, 100, price))
    finally:
        gw.close()


def start_gateway(data_dir: Path) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "ashare_gateway", "serve", "--port", str(port), "--data-dir", data_dir]
    proc = subprocess.Popen(
        [*command, "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    server = Server(proc, f"http://127.0.0.1:{port}")
    _wait_up(server.url + "/ping")
    return server


Op = Callable[[httpx.AsyncClient], Awaitable[None]]


async def _ok(response: httpx.Response) -> httpx.Response:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:200]}")
    return response


def op_get(path: str) -> Op:
    async def run(client: httpx.AsyncClient) -> None:
        await _ok(await client.get(path))

    return run


async def op_paper_order(client: httpx.AsyncClient) -> None:
    placed = await _ok(await client.post("/api/trader/buy", json=ORDER))
    contract = placed.json()["data"]["合同编号"]
    await _ok(await client.post("/api/trader/cancel-entrust", json={"entrust_no": contract}))


async def op_two_inserts(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        await _ok(await client.post("/insert", json=ORDER))


async def _load(base: str, op: Op, concurrency: int, seconds: float, latencies: list | None = None) -> float:
    """Operations per second with ``concurrency`` workers looping ``op`` for ``seconds``; each op's
    latency (s) is appended to ``latencies`` when given."""
    done = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await op(client)  # warm the connection and the route
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                started = time.perf_counter()
                await op(client)
                if latencies is not None:
                    latencies.append(time.perf_counter() - started)
                done += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - t0)


def measure(pair: tuple[tuple[str, Op], tuple[str, Op]], concurrency: int, seconds: float, rounds: int):
    """Alternate the two (base URL, op) sides round by round; median ops/s of each."""
    samples: list[list[float]] = [[], []]
    for _ in range(rounds):
        for i, (base, op) in enumerate(pair):
            samples[i].append(asyncio.run(_load(base, op, concurrency, seconds)))
    return statistics.median(samples[0]), statistics.median(samples[1])


STRATEGIES = (1, 10, 100)
ROWS = DOCS / "http-rows.json"  # every measured row with its time, so a run cut short can be resumed


def _save_rows(rows: list[dict]) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    ROWS.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def _kept_rows(open_counts: tuple[int, ...]) -> list[dict]:
    if not ROWS.exists():
        return []
    return [r for r in json.loads(ROWS.read_text(encoding="utf-8")) if r["open"] not in open_counts]


def measure_entrusts(url: str, seconds: float) -> list[dict]:
    """1 / 10 / 100 strategies polling 当日委托 at once: the full list, or the page of what is new.

    A page is ``?since=<the newest 合同编号>&limit=100`` (what a poller asks once it has seen the list).
    Identical reads within the freshness window (0.5 s) share one exchange read in both cases.
    """
    newest = httpx.get(url + "/api/trader/today-entrusts", params={"limit": 1000}, timeout=120).json()["data"]
    since = newest[-1]["合同编号"] if newest else None
    page_params = {"limit": 100, **({"since": since} if since else {})}

    def op_page(client: httpx.AsyncClient):
        return _ok_async(client.get("/api/trader/today-entrusts", params=page_params))

    rows = []
    for n in STRATEGIES:
        row: dict = {"strategies": n}
        for name, op in (("full", op_get("/api/trader/today-entrusts")), ("page", op_page)):
            latencies: list[float] = []
            row[name] = asyncio.run(_load(url, op, n, seconds, latencies))
            row[name + "_p50"] = statistics.median(latencies) * 1000
        rows.append(row)
        print(row, flush=True)
    return rows


async def _ok_async(request: Awaitable[httpx.Response]) -> None:
    await _ok(await request)


def journal_and_statements() -> dict:
    """In process, the same run: the journal's cost per order beside one synced SQLite commit, and the
    SQL statements one paper order (a resting buy, then its cancel) sends to each database."""
    from sqlalchemy import event

    from ashare_gateway.config import Settings
    from ashare_gateway.domain.models import OrderRequest, Side
    from ashare_gateway.gateway import build_gateway

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_service import journal_cost

    cost = journal_cost(orders=100, rounds=5)
    counts = {"paper": 0, "journal": 0}
    with tempfile.TemporaryDirectory() as tmp:
        gw = build_gateway(Settings(data_dir=Path(tmp), demo_market=True))
        req = OrderRequest("600000", Side.BUY, 100, Decimal("8.00"))
        gw.service.cancel(None, gw.service.place(None, req).contract_no)  # warm: first-order set-up
        engines = {"paper": gw.exchange.db, "journal": gw.journal.db}
        listeners = {}
        for name, engine in engines.items():

            def count(*_args, name=name) -> None:
                counts[name] += 1

            listeners[name] = count
            event.listen(engine, "before_cursor_execute", count)
        statements = ("INSERT", "UPDATE", "SELECT", "DELETE")

        def count_hot(sql: str) -> None:  # the journal's plain sqlite3 connection (store/hot.py)
            if sql.lstrip().upper().startswith(statements):
                counts["journal"] += 1

        gw.journal.hot.set_trace(count_hot)
        gw.service.cancel(None, gw.service.place(None, req).contract_no)
        gw.journal.hot.set_trace(None)
        for name, engine in engines.items():
            event.remove(engine, "before_cursor_execute", listeners[name])
        gw.close()
    return {**cost, "statements": counts}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter rounds, fewer points (a smoke run)")
    parser.add_argument("--opens", help="only these open-order counts, e.g. 5000 (default: 0,1000,5000)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the rows of other open-order counts from {ROWS.name} (a run cut short, resumed)",
    )
    args = parser.parse_args()
    seconds, rounds = (1.5, 1) if args.quick else (4.0, 3)
    concurrencies = (1, 16) if args.quick else (1, 4, 16, 64)
    open_counts = (0, 1000) if args.quick else (0, 1000, 5000)
    if args.opens:
        open_counts = tuple(int(x) for x in args.opens.split(","))
    kept = _kept_rows(open_counts) if args.keep else []

    load_before = os.getloadavg()
    journal = journal_and_statements()
    print(journal, flush=True)
    rows: list[dict] = []
    entrust_rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor = start_floor(tmp)
        try:
            for open_orders in open_counts:
                data_dir = tmp / f"gw-{open_orders}"
                prefill(data_dir, open_orders)
                gateway = start_gateway(data_dir)
                try:
                    for c in concurrencies:
                        ping, noop = measure(
                            ((gateway.url, op_get("/ping")), (floor.url, op_get("/noop"))), c, seconds, rounds
                        )
                        bal, noop2 = measure(
                            ((gateway.url, op_get("/api/trader/balance")), (floor.url, op_get("/noop"))),
                            c,
                            seconds,
                            rounds,
                        )
                        order, insert = measure(
                            ((gateway.url, op_paper_order), (floor.url, op_two_inserts)), c, seconds, rounds
                        )
                        row = {
                            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                            "open": open_orders,
                            "c": c,
                            "ping": ping,
                            "noop": noop,
                            "balance": bal,
                            "noop2": noop2,
                            "order": order,
                            "insert": insert,
                        }
                        rows.append(row)
                        print(row, flush=True)
                        _save_rows([*kept, *rows])
                    if open_orders == max(open_counts):
                        entrust_rows = measure_entrusts(gateway.url, seconds)
                finally:
                    gateway.stop()
        finally:
            floor.stop()
    loads = (load_before, os.getloadavg())
    rows = sorted([*kept, *rows], key=lambda r: (r["open"], r["c"]))
    write_report(rows, seconds, rounds, journal=journal, entrusts=entrust_rows, loads=loads)
    return 0


def write_report(
    rows: list[dict],
    seconds: float,
    rounds: int,
    *,
    journal: dict,
    entrusts: list[dict],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> None:
    base = {r["c"]: r for r in rows if r["open"] == 0}
    lines = [
        "# HTTP benchmark: paper orders against a bare floor app",
        "",
        f"Measured by `bench/bench_http.py` on {time.strftime('%Y-%m-%d')} (Python {sys.version.split()[0]}, "
        f"2 cores shared with the httpx load generator; {rounds} alternating rounds of {seconds:g} s per "
        "point, medians). A *paper order* is a resting `/buy` and its `/cancel-entrust` (two requests); "
        "its floor is two `/insert` requests (SQLite WAL insert, `synchronous=FULL`) on a bare FastAPI app.",
        "",
        "| open orders | clients | gateway /ping | bare /noop | ping ratio | /balance | balance ratio "
        "| paper orders/s | floor ops/s | order ratio | order vs 0 open |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        flat = r["order"] / base[r["c"]]["order"] if r["c"] in base else float("nan")
        lines.append(
            f"| {r['open']:,} | {r['c']} | {r['ping']:.0f} | {r['noop']:.0f} | {r['ping'] / r['noop']:.0%} "
            f"| {r['balance']:.0f} | {r['balance'] / r['noop2']:.0%} | {r['order']:.1f} | {r['insert']:.1f} "
            f"| {r['order'] / r['insert']:.0%} | {flat:.2f}× |"
        )
    lines += [
        "",
        "Goals (issue 15): order ratio ≥ 50% at every concurrency; /ping ≥ 70% of bare FastAPI; with 5,000 "
        "open orders within 1.3× of none (the last column ≥ 0.77).",
        "",
        f"Load average (1/5/15 min) before the run {loads[0][0]:.1f} / {loads[0][1]:.1f} / "
        f"{loads[0][2]:.1f}, "
        f"after it {loads[1][0]:.1f} / {loads[1][1]:.1f} / {loads[1][2]:.1f} (2 cores).",
        "",
        "## Journal cost and SQL statements per order (in process, same run)",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| order + cancel without journal (ms) | {journal['without journal']:.3f} |",
        f"| order + cancel with journal (ms) | {journal['with journal']:.3f} |",
        f"| journal cost per order + cancel (ms) | {journal['journal cost']:.3f} |",
        f"| one synced SQLite commit on this disk (ms) | "
        f"{journal['baseline: one synced SQLite commit on this disk']:.3f} |",
        f"| journal cost ÷ one synced commit | "
        f"{journal['journal cost'] / journal['baseline: one synced SQLite commit on this disk']:.1f}× |",
        "| journalled requests per order + cancel (each writes its intent with a synced commit) | 2 |",
        f"| journal cost per journalled request ÷ one synced commit | "
        f"{journal['journal cost'] / 2 / journal['baseline: one synced SQLite commit on this disk']:.1f}× |",
        f"| SQL statements per paper order + cancel: paper database | {journal['statements']['paper']} |",
        f"| SQL statements per paper order + cancel: journal database | {journal['statements']['journal']} |",
        "",
        "Goal: journal cost ≤ 3× one synced commit. The buy and the cancel are two journalled requests, "
        "and each must make its intent durable before the broker is called (docs/safety.md §9), so the "
        "floor of the pair is two synced commits: the per-request row compares like with like.",
    ]
    if entrusts:
        lines += [
            "",
            f"## 当日委托 with {max(r['open'] for r in rows):,} open orders: the full list or a page",
            "",
            "A page is `?since=<newest 合同编号>&limit=100` (what a poller that has seen the list asks).",
            "",
            "| strategies | full list calls/s | full list p50 ms | page calls/s | page p50 ms |",
            "|---:|---:|---:|---:|---:|",
        ]
        for e in entrusts:
            lines.append(
                f"| {e['strategies']} | {e['full']:.1f} | {e['full_p50']:.0f} | {e['page']:.1f} "
                f"| {e['page_p50']:.0f} |"
            )
    lines.append("")
    DOCS.mkdir(parents=True, exist_ok=True)
    (DOCS / "http.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    plot(rows)


def plot(rows: list[dict]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot written")
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for open_orders in sorted({r["open"] for r in rows}):
        sel = [r for r in rows if r["open"] == open_orders]
        xs = [r["c"] for r in sel]
        axes[0].plot(xs, [r["order"] for r in sel], marker="o", label=f"gateway, {open_orders:,} open")
        axes[1].plot(xs, [r["order"] / r["insert"] for r in sel], marker="o", label=f"{open_orders:,} open")
    floor = [r for r in rows if r["open"] == 0]
    axes[0].plot([r["c"] for r in floor], [r["insert"] for r in floor], "k--", label="floor (2 inserts)")
    axes[0].set(xscale="log", xlabel="concurrent clients", ylabel="ops/s", title="paper order (buy + cancel)")
    axes[1].axhline(0.5, color="grey", linestyle=":", label="goal 50%")
    axes[1].set(xscale="log", xlabel="concurrent clients", ylabel="gateway / floor", title="ratio")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "http.png", dpi=100)


if __name__ == "__main__":
    sys.exit(main())
