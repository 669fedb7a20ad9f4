"""The order gate on and off: paper orders per second and the server's CPU per order, one run.

Three servers side by side — the floor app of ``bench_http.py`` and two gateways that differ only in
``ASHARE_GATEWAY_ORDERS_IN_FLIGHT`` (0: no gate; the default 4) — loaded in alternating rounds by the
lean generator (``bench/lean_client.py``) at 1, 4, 16 and 64 clients; the median round of each counts.

Run: ``.venv/bin/python bench/bench_order_gate.py``. Writes ``docs/benchmarks/order-gate.md``.
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

VARIANTS = {"gate off (0)": "0", "gate 4 (default)": "4"}
CONCURRENCIES = (1, 4, 16, 64)


def start(data_dir: Path, in_flight: str) -> b.Server:
    port = b._free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ASHARE_GATEWAY_ORDERS_IN_FLIGHT": in_flight}
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
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor = b.start_floor(tmp)
        gateways: dict[str, b.Server] = {}
        try:
            for i, (name, value) in enumerate(VARIANTS.items()):
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
        "# The order gate on and off",
        "",
        f"Measured by `bench/bench_order_gate.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"(2 cores; {rounds} alternating rounds of {seconds:g} s per point, the median round). A paper "
        "order is a resting `/buy` and its `/cancel-entrust`; the floor is two synced SQLite inserts on "
        "bare FastAPI.",
        "",
        "| clients | floor ops/s | "
        + " | ".join(f"{n}: orders/s | {n}: ratio | {n}: server CPU/order (ms)" for n in VARIANTS)
        + " |",
        "|---:|---:|" + "---:|---:|---:|" * len(VARIANTS),
    ]
    for row in rows:
        floor_rate = row["floor"].rate
        cells = " | ".join(
            f"{row[n].rate:.0f} | {row[n].rate / floor_rate:.0%} | {row[n].server_ms:.2f}" for n in VARIANTS
        )
        lines.append(f"| {row['c']} | {floor_rate:.0f} | {cells} |")
    lines += [
        "",
        f"Load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min).",
        "",
    ]
    out = b.DOCS / "order-gate.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
