"""Running the real ``ashare-gateway serve`` as a user does: a child process, its URL, its output."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.ports import free_port

__all__ = ["free_port", "serve_process", "sigkill", "start_to_kill", "wait_listening"]

# One client for every readiness probe: each ``httpx.get`` builds a client and its TLS context, ~40 ms
# of CPU, which polled every 50 ms through a 1.5 s start cost as much CPU as the gateway's own start.
_PROBE = httpx.Client(timeout=1)


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """Wait until something accepts on ``port`` (a bare TCP connect, no HTTP), then ask ``/health`` once
    (any answer: a 401 with a token means up). False if ``proc`` exited or ``timeout`` passed first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.05)  # polling for the child process to listen, not a wait in the gateway
            continue
        try:
            _PROBE.get(f"http://127.0.0.1:{port}/health")
            return True
        except httpx.TransportError:
            time.sleep(0.05)
    return False


@contextmanager
def serve_process(cwd: Path, *args: str, port: int | None = None) -> Iterator[tuple[str, list[str]]]:
    """``ashare-gateway serve *args``; yields ``port``'s URL and, once stopped, the output lines.

    With no ``port``, a free one is chosen and passed as ``--port``. Ctrl+C (SIGINT) must stop it cleanly.
    """
    if port is None:
        port = free_port()
        args = ("--port", str(port), *args)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ashare_gateway.cli", "serve", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    url = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    failed = False
    try:
        if not wait_listening(port, proc):
            proc.kill()
            raise RuntimeError(f"serve did not start: {proc.communicate()[0]}")
        if proc.poll() is not None:  # someone else answered on its port (tests/ports.py says why not)
            raise RuntimeError(f"serve exited, another process answers on {port}: {proc.communicate()[0]}")
        yield url, lines
    except BaseException:
        failed = True
        raise
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        lines.extend(out.splitlines())
        if failed:  # the gateway's own account of what went wrong, in pytest's captured output
            print(f"--- ashare-gateway serve output ---\n{out}")
    assert proc.returncode == 0, out  # a clean exit on Ctrl+C


def start_to_kill(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """``ashare-gateway serve --port <free> *args`` for a crash test: no output kept, stopped with
    :func:`sigkill` (never a clean exit). Returns the process and its URL once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ashare_gateway", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    if wait_listening(port, proc):
        return proc, f"http://127.0.0.1:{port}"
    if proc.poll() is not None:
        raise RuntimeError("gateway exited during start-up")
    proc.kill()
    raise RuntimeError("gateway did not start")


def sigkill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(10)
