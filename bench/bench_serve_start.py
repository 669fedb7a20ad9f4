"""Start-up of ``ashare-gateway serve``: from the process start to the first ``/health`` answer.

Why it matters: every start pays it — a user's, a restart after a crash (the exactly-once recovery runs
right after it), and the ~100 gateways the test suite starts as processes. Measured as wall time and as
the child's own CPU time when ``/health`` first answers (CPU is what a loaded machine cannot hide), on a
fresh data dir (its databases created) and on one that exists (opened), against a floor in the same run:
a process that imports what any such server needs (FastAPI, SQLAlchemy, uvicorn) and exits. Each round
runs every case once, interleaved; medians.

    nice -n 10 python bench/bench_serve_start.py --runs 9 [--before /tmp/old/src] \
        [--out docs/benchmarks/serve-start.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

FLOOR = "import fastapi, sqlalchemy, uvicorn"
TICKS = os.sysconf("SC_CLK_TCK")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def floor(env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    before = os.times()
    subprocess.run([sys.executable, "-c", FLOOR], env=env, check=True, timeout=120)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - start, cpu


def serve(env: dict[str, str], data_dir: Path) -> tuple[float, float]:
    port = _port()
    argv = [sys.executable, "-m", "ashare_gateway.cli", "serve", "--port", str(port)]
    argv += ["--data-dir", str(data_dir), "--log-level", "warning"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.01)
        return time.perf_counter() - start, _cpu(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def run(runs: int, src: Path, before: Path | None, tmp: Path) -> dict[str, list[tuple[float, float]]]:
    trees = {"now": src, **({"before": before} if before else {})}
    envs = {name: {**os.environ, "PYTHONPATH": str(tree)} for name, tree in trees.items()}
    results: dict[str, list[tuple[float, float]]] = {"floor: " + FLOOR: []}
    for name in trees:
        results[f"{name}: fresh data dir"] = []
        results[f"{name}: existing data dir"] = []
    kept = {name: tmp / f"kept-{name}" for name in trees}
    for name, env in envs.items():  # warm the .pyc files and make the kept data dirs, not measured
        serve(env, kept[name])
    for i in range(runs):
        results["floor: " + FLOOR].append(floor(envs["now"]))
        for name, env in envs.items():
            fresh = tmp / f"fresh-{name}-{i}"
            results[f"{name}: fresh data dir"].append(serve(env, fresh))
            shutil.rmtree(fresh, ignore_errors=True)
            results[f"{name}: existing data dir"].append(serve(env, kept[name]))
    return results


def report(results: dict[str, list[tuple[float, float]]], runs: int, load: tuple[float, float]) -> str:
    floor_row = next(v for k, v in results.items() if k.startswith("floor"))
    floor_wall = statistics.median(w for w, _ in floor_row)
    floor_cpu = statistics.median(c for _, c in floor_row)
    lines = [
        "# `serve` start-up: process start to the first `/health` answer",
        "",
        f"Written by `bench/bench_serve_start.py` (do not edit by hand). {runs} rounds, every case once per",
        "round, interleaved; medians. CPU is the child's user + system time when `/health` first answered.",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} "
        f"cores, load average {load[0]:.2f} before and {load[1]:.2f} after the run.",
        "",
        "| case | wall s | CPU s | wall ÷ floor | CPU ÷ floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in results.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        lines.append(f"| {name} | {wall:.3f} | {cpu:.3f} | {wall / floor_wall:.2f} | {cpu / floor_cpu:.2f} |")
    lines += [
        "",
        f'The floor is `python -c "{FLOOR}"`: what any FastAPI + SQLAlchemy server pays',
        "before its own code.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--before", type=Path, help="another checkout's src folder, measured in the same run")
    parser.add_argument("--out", type=Path, help="write the markdown report here")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        before = args.before.resolve() if args.before else None
        results = run(args.runs, args.src.resolve(), before, Path(tmp))
    text = report(results, args.runs, (load_before, os.getloadavg()[0]))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
