"""One gateway per data folder (issue 11, finding 1), with the real ``ashare-gateway serve`` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ashare_gateway.instance import find_running
from tests.process import free_port, serve_process

EXE = [sys.executable, "-m", "ashare_gateway.cli", "serve"]
ENV = {**os.environ, "COLUMNS": "80"}  # a narrow terminal: the refusal must still be one line


def _second(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EXE, "--port", str(free_port()), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )


def _assert_refused_by(out: str, pid: int, port: int) -> None:
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert "Traceback" not in out
    assert f"pid {pid}" in lines[0] and f"端口 {port}" in lines[0] and "--listen" in lines[0], lines[0]


def test_a_second_gateway_on_the_same_data_dir_is_refused_in_one_line(tmp_path: Path) -> None:
    with serve_process(tmp_path) as (url, _):
        info = json.loads((tmp_path / "data" / "gateway.json").read_text(encoding="utf-8"))
        assert info["url"] == url and info["urls"] == [url] and isinstance(info["pid"], int)
        assert info["started"][:4].isdigit()
        running = find_running(tmp_path / "data")
        assert running is not None and running.pid == info["pid"] and running.url == url

        second = _second(tmp_path, "--listen", f"{free_port()}:ths")
        assert second.returncode == 2
        _assert_refused_by(second.stdout + second.stderr, info["pid"], int(url.rsplit(":", 1)[1]))
        # the first one was not disturbed
        assert httpx.get(f"{url}/api/trader/balance").json()["code"] == 200
    assert not (tmp_path / "data" / "gateway.json").exists()  # removed on a clean exit
    assert find_running(tmp_path / "data") is None


def test_a_stale_gateway_json_does_not_block_a_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "gateway.json").write_text('{"pid": 1, "url": "http://127.0.0.1:1", "urls": []}')
    (data / "gateway.lock").write_text("")
    assert find_running(data) is None  # the lock is free: nobody runs there, whatever the file says
    with serve_process(tmp_path) as (url, _):
        assert find_running(data).url == url


def _race(tmp_path: Path) -> None:
    """Two gateways started at the same instant on a fresh folder: one serves, the other is refused."""
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            [*EXE, "--port", str(port)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=ENV,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 90
        while all(proc.poll() is None for proc in procs):  # bounded: the loser exits within seconds
            assert time.monotonic() < deadline, "neither gateway exited"
            time.sleep(0.05)
        loser = next(proc for proc in procs if proc.poll() is not None)
        out = loser.communicate()[0]
        assert loser.returncode == 2, out
        winner_port = ports[1 - procs.index(loser)]
        winner_url = f"http://127.0.0.1:{winner_port}"
        while True:  # the winner serves
            try:
                assert httpx.get(f"{winner_url}/api/trader/balance", timeout=2).json()["code"] == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the winner never served"
                time.sleep(0.05)
        info = json.loads((tmp_path / "data" / "gateway.json").read_text(encoding="utf-8"))
        _assert_refused_by(out, info["pid"], winner_port)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.communicate(timeout=20)


def test_two_gateways_started_at_once_on_a_fresh_folder(tmp_path: Path) -> None:
    _race(tmp_path)


@pytest.mark.stress
@pytest.mark.parametrize("trial", range(5))
def test_two_gateways_started_at_once_stress(tmp_path: Path, trial: int) -> None:
    _race(tmp_path)
