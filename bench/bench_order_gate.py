"""Two gateway settings side by side: paper orders per second and the server's CPU per order, one run.

Three servers — the floor app of ``bench_http.py`` and two gateways that differ in one setting — loaded
in alternating rounds by the lean generator (``bench/lean_client.py``) at 1, 4, 16 and 64 clients; the
median round of each counts. The settings compared:

- default: ``ASHARE_GATEWAY_ORDERS_IN_FLIGHT`` 0 (no gate) against the default 4 (service/order_gate.py),
  writes ``docs/benchmarks/order-gate.md``;
- ``--inline``: ``ASHARE_GATEWAY_INLINE_PAPER`` 0 (the paper exchange's calls on worker threads, as a
  desktop client's) against the default 1 (service/inline_lane.py, api/order_calls.py), writes
  ``docs/benchmarks/inline-paper.md``.

Run: ``.venv/bin/python bench/bench_order_gate.py [--inline] [--quick]``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_http as b

# name → (title, the file written, {variant: environment})
SETS = {
    "gate": (
        "The order gate on and off",
        "order-gate.md",
        {
            "gate off (0)": {"ASHARE_GATEWAY_ORDERS_IN_FLIGHT": "0"},
            "gate 4 (default)": {"ASHARE_GATEWAY_ORDERS_IN_FLIGHT": "4"},
        },
    ),
    "inline": (
        "Paper calls on worker threads and on the event loop",
        "inline-paper.md",
        {
            "worker threads (INLINE_PAPER=0)": {"ASHARE_GATEWAY_INLINE_PAPER": "0"},
            "on the loop (default)": {"ASHARE_GATEWAY_INLINE_PAPER": "1"},
        },
    ),
}
CONCURRENCIES = (1, 4, 16, 64)


def start(data_dir: Path, extra: dict[str, str]) -> b.Server:
    port = b._free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra}
    command = [sys.executable, "-m", "ashare_gateway", "serve", "--port", str(port), "--data-dir", data_dir]
    proc = subprocess.Popen(
        [*command, "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    server = b.Server(proc, f"http://127.0.0.1:{port}")
    b._wait_up(server.url + "/ping")
    return server


def _median(loads: list[b.Load]) -> b.Load:
    return sorted(loads, key=lambda load: load.rate)[len(loads) // 2]


def main() -> int:
    rounds, seconds = (1, 1.0) if "--quick" in sys.argv else (3, 3.0)
    title, file_name, variants = SETS["inline" if "--inline" in sys.argv else "gate"]
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor = b.start_floor(tmp)
        gateways: dict[str, b.Server] = {}
        try:
            for i, (name, value) in enumerate(variants.items()):
                b.prefill(tmp / f"gw{i}", 0)
                gateways[name] = start(tmp / f"gw{i}", value)
            for c in CONCURRENCIES:
                samples: dict[str, list[b.Load]] = {"floor": [], **{n: [] for n in gateways}}
                for _ in range(rounds):
                    samples["floor"].append(asyncio.run(b._load(floor, b.op_two_inserts, c, seconds)))
                    for name, server in gateways.items():
                        samples[name].append(asyncio.run(b._load(server, b.op_paper_order, c, seconds)))
                row = {"c": c, **{n: _median(s) for n, s in samples.items()}}
                rows.append(row)
                print(c, {n: f"{v.rate:.0f}/s {v.server_ms:.2f} ms" for n, v in row.items() if n != "c"})
        finally:
            floor.stop()
            for server in gateways.values():
                server.stop()
    load_after = os.getloadavg()
    lines = [
        f"# {title}",
        "",
        f"Measured by `bench/bench_order_gate.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"(2 cores; {rounds} alternating rounds of {seconds:g} s per point, the median round). A paper "
        "order is a resting `/buy` and its `/cancel-entrust`; the floor is two synced SQLite inserts on "
        "bare FastAPI.",
        "",
        "| clients | floor ops/s | "
        + " | ".join(f"{n}: orders/s | {n}: ratio | {n}: server CPU/order (ms)" for n in variants)
        + " |",
        "|---:|---:|" + "---:|---:|---:|" * len(variants),
    ]
    for row in rows:
        floor_rate = row["floor"].rate
        cells = " | ".join(
            f"{row[n].rate:.0f} | {row[n].rate / floor_rate:.0%} | {row[n].server_ms:.2f}" for n in variants
        )
        lines.append(f"| {row['c']} | {floor_rate:.0f} | {cells} |")
    lines += [
        "",
        f"Load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min).",
        "",
    ]
    out = b.DOCS / file_name
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
