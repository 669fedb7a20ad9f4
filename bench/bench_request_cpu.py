"""Server CPU per request: the gateway's ``/ping`` and paper order beside the bare floor app, same run.

Why CPU time and not requests per second: on a shared two-core machine throughput swings with whatever
else runs, but the CPU seconds the server process spends per request (``/proc/PID/stat`` user + system,
read before and after a batch) hardly move with the load. One client sends the requests one at a time,
so the figure is the server's own work per call, HTTP parsing (uvicorn) included. The floor apps are
bench_http.py's: ``/noop`` (a bare FastAPI route) and ``/insert`` (one synced SQLite insert).

    nice -n 10 python bench/bench_request_cpu.py --requests 400 --rounds 3 [--before ../main/src]

Linux only (``/proc``). ``--before SRC`` also serves another checkout's ``src`` for a before/after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_http import ORDER, Server, _free_port, _wait_up, start_floor

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its threads so far (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start_gateway(data_dir: Path, src: str | None) -> Server:
    port = _free_port()
    command = [sys.executable, "-m", "ashare_gateway.cli", "serve", "--port", str(port), "--data-dir"]
    env = {**os.environ, **({"PYTHONPATH": src} if src else {})}
    proc = subprocess.Popen(
        [*command, str(data_dir), "--log-level", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    server = Server(proc, f"http://127.0.0.1:{port}")
    _wait_up(server.url + "/ping")
    return server


def ping(client: httpx.Client, path: str) -> None:
    client.get(path).raise_for_status()


def paper_order(client: httpx.Client) -> None:
    placed = client.post("/api/trader/buy", json=ORDER)
    placed.raise_for_status()
    contract = placed.json()["data"]["合同编号"]
    client.post("/api/trader/cancel-entrust", json={"entrust_no": contract}).raise_for_status()


def two_inserts(client: httpx.Client) -> None:
    for _ in range(2):
        client.post("/insert", json=ORDER).raise_for_status()


def cpu_per_op(server: Server, op, count: int) -> float:
    """Milliseconds of server CPU per ``op`` over ``count`` sequential calls (after a warm-up)."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for _ in range(20):
            op(client)
        before = cpu_seconds(server.proc.pid)
        for _ in range(count):
            op(client)
        return (cpu_seconds(server.proc.pid) - before) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="operations per batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="another checkout's src folder, served as 'before' in the same run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        servers = {"floor": start_floor(tmp), "gateway": start_gateway(tmp / "gw", None)}
        if args.before:
            servers["before"] = start_gateway(tmp / "before", args.before)
        try:
            cases = {
                "/noop (bare FastAPI)": ("floor", lambda c: ping(c, "/noop")),
                "2 × /insert (floor of an order)": ("floor", two_inserts),
            }
            for name in servers.keys() - {"floor"}:
                cases[f"{name} /ping"] = (name, lambda c: ping(c, "/ping"))
                cases[f"{name} buy + cancel"] = (name, paper_order)
            results: dict[str, list[float]] = {case: [] for case in cases}
            for _ in range(args.rounds):  # interleaved: every case once per round
                for case, (server, op) in cases.items():
                    results[case].append(cpu_per_op(servers[server], op, args.requests))
        finally:
            for server in servers.values():
                server.stop()
    medians = {case: statistics.median(values) for case, values in results.items()}
    print(f"server CPU ms per operation, median of {args.rounds} rounds of {args.requests} ({time.ctime()}):")
    for case, value in medians.items():
        print(f"  {case:34s} {value:7.3f} ms   rounds {[round(v, 3) for v in results[case]]}")
    noop, floor = medians["/noop (bare FastAPI)"], medians["2 × /insert (floor of an order)"]
    for name in servers.keys() - {"floor"}:
        print(
            f"  {name}: /ping costs {medians[f'{name} /ping'] / noop:.2f}× a bare route; a paper order "
            f"{medians[f'{name} buy + cancel'] / floor:.2f}× its floor "
            f"(CPU ratio floor/order {floor / medians[f'{name} buy + cancel']:.0%})"
        )


if __name__ == "__main__":
    main()
