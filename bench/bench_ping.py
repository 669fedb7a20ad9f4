"""``/ping`` throughput of the real gateway against a bare FastAPI app, in the same run.

Why a ratio: the machine is shared, so absolute requests per second swing with the load; both servers
are measured in alternating rounds under the same load and the ratio says what the gateway's own layers
(perimeter, token, error envelope) cost. Both run as child processes under uvicorn with one worker; the
load is a bounded number of requests from a few keep-alive connections.

    .venv/bin/python bench/bench_ping.py --requests 2000 --rounds 5 [--before ../main/src]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

BARE_APP = """
import uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/ping")
async def ping():
    return {"code": 200, "message": "pong", "data": None}
uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_bare(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)], stdout=subprocess.DEVNULL)


def start_gateway(port: int, data_dir: str, src: str | None = None) -> subprocess.Popen:
    """The real CLI; ``src`` runs another checkout's code (its ``src`` folder) for a before/after."""
    cmd = [sys.executable, "-m", "ashare_gateway.cli", "serve", "--port", str(port), "--data-dir", data_dir]
    env = {**os.environ, "PYTHONPATH": src} if src else None
    return subprocess.Popen(
        [*cmd, "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )


def wait_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/ping", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)  # the child process is still starting
    raise RuntimeError(f"{url} did not start")


async def load(url: str, total: int, connections: int) -> float:
    """Requests per second for ``total`` GETs of /ping over ``connections`` keep-alive connections.

    A minimal HTTP/1.1 client on asyncio streams (one request in flight per connection): httpx itself
    costs more CPU per request than the server does, and on two shared cores it would measure itself.
    """
    host, port = url.removeprefix("http://").split(":")
    request = f"GET /ping HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()

    async def worker(n: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(n):
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(head.decode(errors="replace"))
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                await reader.readexactly(length)
        finally:
            writer.close()

    share = [total // connections + (i < total % connections) for i in range(connections)]
    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in share))
    return total / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--before", help="another checkout's src folder, measured as 'before' in the same run"
    )
    args = parser.parse_args()
    ports = {"bare FastAPI": free_port(), "gateway": free_port()}
    if args.before:
        ports["before"] = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        procs = [start_bare(ports["bare FastAPI"]), start_gateway(ports["gateway"], data_dir + "/a")]
        if args.before:
            procs.append(start_gateway(ports["before"], data_dir + "/b", args.before))
        try:
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            for url in urls.values():
                wait_up(url)
            results: dict[str, list[float]] = {name: [] for name in urls}
            for _ in range(args.rounds):
                for name, url in urls.items():
                    results[name].append(asyncio.run(load(url, args.requests, args.connections)))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)
    for name, values in results.items():
        print(
            f"{name:13s} median {statistics.median(values):7.0f} req/s  rounds {[round(v) for v in values]}"
        )
    bare = statistics.median(results["bare FastAPI"])
    for name in results.keys() - {"bare FastAPI"}:
        print(f"{name} / bare = {statistics.median(results[name]) / bare:.2f}")


if __name__ == "__main__":
    main()
