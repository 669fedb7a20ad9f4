"""HTTP benchmark: the gateway's paper orders beside a bare floor app, interleaved, in one run.

What issue 15 asks to compare, every number a ratio inside the same run (machines here are noisy):

- **floor apps**, served by the same uvicorn in their own process: ``/noop`` (a bare FastAPI route) and
  ``/insert`` (one SQLite insert, WAL, ``synchronous=FULL``: the least a journalled order must cost);
- **the gateway** (``ashare-gateway serve`` on the paper exchange, demo market) with 0 / 1,000 / 5,000
  open orders resting in its book: ``/ping`` against ``/noop``, and one *paper order* (``/buy`` of a resting
  order, then ``/cancel-entrust`` of it: two requests) against two ``/insert`` requests;
- at concurrency 1, 4, 16 and 64, rounds alternating between the two apps; the median of the rounds counts.

The load generator runs in this process, one keep-alive connection per client (``bench/lean_client.py``:
asyncio streams, ~0.2 ms of CPU per paper order, the same against both apps; httpx cost more CPU than
the servers it measured, see that module). With two cores it still shares the CPU with the servers, so
the absolute rates are low and only the ratios carry over to another machine; every point records the
CPU each side spent per operation, so a reader can see the generator is not what is measured.

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
from lean_client import LeanConnection, LeanResponse

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


Op = Callable[[LeanConnection], Awaitable[None]]


async def _ok(response: LeanResponse) -> LeanResponse:
    if response.status_code != 200:
        raise RuntimeError(f"{response.url}: {response.status_code} {response.text[:200]}")
    return response


def op_get(path: str) -> Op:
    async def run(client: LeanConnection) -> None:
        await _ok(await client.get(path))

    return run


async def op_paper_order(client: LeanConnection) -> None:
    placed = await _ok(await client.post("/api/trader/buy", json=ORDER))
    contract = placed.json()["data"]["合同编号"]
    await _ok(await client.post("/api/trader/cancel-entrust", json={"entrust_no": contract}))


async def op_two_inserts(client: LeanConnection) -> None:
    for _ in range(2):
        await _ok(await client.post("/insert", json=ORDER))


@dataclass
class Load:
    rate: float  # operations per second
    client_ms: float  # the load generator's CPU per operation (this process)
    server_ms: float  # the server's CPU per operation (its process)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(
    server: Server, op: Op, concurrency: int, seconds: float, latencies: list | None = None
) -> Load:
    """``concurrency`` clients, each on its own keep-alive connection, looping ``op`` for ``seconds``;
    each op's latency (s) is appended to ``latencies`` when given."""
    done = 0
    connections = [LeanConnection(server.url) for _ in range(concurrency)]
    try:
        # Open every connection and warm the route, all at once: a connection left idle longer than the
        # server's keep-alive timeout (uvicorn: 5 s) would be closed under it.
        await asyncio.gather(*(op(connection) for connection in connections))
        stop = time.perf_counter() + seconds

        async def worker(connection: LeanConnection) -> None:
            nonlocal done
            while time.perf_counter() < stop:
                started = time.perf_counter()
                await op(connection)
                if latencies is not None:
                    latencies.append(time.perf_counter() - started)
                done += 1

        cpu0, server0, t0 = time.process_time(), _cpu_seconds(server.proc.pid), time.perf_counter()
        await asyncio.gather(*(worker(c) for c in connections))
        elapsed = time.perf_counter() - t0
        client_cpu, server_cpu = time.process_time() - cpu0, _cpu_seconds(server.proc.pid) - server0
    finally:
        for connection in connections:
            await connection.aclose()
    ops = max(done, 1)
    return Load(done / elapsed, client_cpu / ops * 1000, server_cpu / ops * 1000)


def measure(pair: tuple[tuple[Server, Op], tuple[Server, Op]], concurrency: int, seconds: float, rounds: int):
    """Alternate the two (server, op) sides round by round; the median round of each (by rate)."""
    samples: list[list[Load]] = [[], []]
    for _ in range(rounds):
        for i, (server, op) in enumerate(pair):
            samples[i].append(asyncio.run(_load(server, op, concurrency, seconds)))
    return tuple(sorted(side, key=lambda load: load.rate)[len(side) // 2] for side in samples)


STRATEGIES = (1, 10, 100)
ROWS = DOCS / "http-rows.json"  # every measured row with its time, so a run cut short can be resumed


def _save_rows(rows: list[dict]) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    ROWS.write_text(json.dumps(rows, indent=1), encoding="utf-8")


def _kept_rows(open_counts: tuple[int, ...]) -> list[dict]:
    if not ROWS.exists():
        return []
    return [r for r in json.loads(ROWS.read_text(encoding="utf-8")) if r["open"] not in open_counts]


def measure_entrusts(server: Server, seconds: float) -> list[dict]:
    """1 / 10 / 100 strategies polling 当日委托 at once: the full list, or the page of what is new.

    A page is ``?since=<the newest 合同编号>&limit=100`` (what a poller asks once it has seen the list).
    Identical reads within the freshness window (0.5 s) share one exchange read in both cases.
    """
    listed = httpx.get(server.url + "/api/trader/today-entrusts", params={"limit": 1000}, timeout=120)
    newest = listed.json()["data"]
    since = newest[-1]["合同编号"] if newest else None
    page_params = {"limit": 100, **({"since": since} if since else {})}

    async def op_page(client: LeanConnection) -> None:
        await _ok(await client.get("/api/trader/today-entrusts", params=page_params))

    rows = []
    for n in STRATEGIES:
        row: dict = {"strategies": n}
        for name, op in (("full", op_get("/api/trader/today-entrusts")), ("page", op_page)):
            latencies: list[float] = []
            row[name] = asyncio.run(_load(server, op, n, seconds, latencies)).rate
            row[name + "_p50"] = statistics.median(latencies) * 1000
        rows.append(row)
        print(row, flush=True)
    return rows


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
        statements = ("INSERT", "UPDATE", "SELECT", "DELETE")
        # Counted by SQLite itself (sqlite3's trace callback on every connection of both engines), so
        # the statements the exchange runs on the raw cursor (store/prepared.py) count as well.
        tracing = {"on": False}

        def counter(name: str):
            def count(sql: str) -> None:
                if tracing["on"] and sql.lstrip().upper().startswith(statements):
                    counts[name] += 1

            return count

        for name, engine in engines.items():
            event.listen(
                engine, "connect", lambda dbapi, _rec, name=name: dbapi.set_trace_callback(counter(name))
            )
            engine.dispose()  # the pooled connections are opened again, with the callback
        gw.journal.hot.set_trace(counter("journal"))  # the journal's plain sqlite3 connection (store/hot.py)
        tracing["on"] = True
        gw.service.cancel(None, gw.service.place(None, req).contract_no)
        tracing["on"] = False
        gw.journal.hot.set_trace(None)
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
                            ((gateway, op_get("/ping")), (floor, op_get("/noop"))), c, seconds, rounds
                        )
                        bal, noop2 = measure(
                            ((gateway, op_get("/api/trader/balance")), (floor, op_get("/noop"))),
                            c,
                            seconds,
                            rounds,
                        )
                        order, insert = measure(
                            ((gateway, op_paper_order), (floor, op_two_inserts)), c, seconds, rounds
                        )
                        row = {
                            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                            "open": open_orders,
                            "c": c,
                            "ping": ping.rate,
                            "noop": noop.rate,
                            "balance": bal.rate,
                            "noop2": noop2.rate,
                            "order": order.rate,
                            "insert": insert.rate,
                            "order_server_ms": order.server_ms,
                            "insert_server_ms": insert.server_ms,
                            "order_client_ms": order.client_ms,
                            "insert_client_ms": insert.client_ms,
                        }
                        rows.append(row)
                        print(row, flush=True)
                        _save_rows([*kept, *rows])
                    if open_orders == max(open_counts):
                        entrust_rows = measure_entrusts(gateway, seconds)
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
        f"2 cores shared with the load generator `bench/lean_client.py`; {rounds} alternating rounds of "
        f"{seconds:g} s per point, medians). A *paper order* is a resting `/buy` and its `/cancel-entrust` "
        "(two requests); "
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
        "CPU per paper order (ms, the median round; the server's from its process' CPU time, the load "
        "generator's from this process'): what each side costs, and proof that the generator is not what "
        "is measured.",
        "",
        "| open orders | clients | gateway CPU/order | floor CPU/2 inserts | gateway ÷ floor "
        "| generator CPU/order (gateway) | generator CPU/2 inserts (floor) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "order_server_ms" not in r:
            continue  # a row kept from a run before these columns
        lines.append(
            f"| {r['open']:,} | {r['c']} | {r['order_server_ms']:.2f} | {r['insert_server_ms']:.2f} "
            f"| {r['order_server_ms'] / r['insert_server_ms']:.1f}× | {r['order_client_ms']:.2f} "
            f"| {r['insert_client_ms']:.2f} |"
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
