"""Harness for the Wine tests: Windows CPython under Wine, the Win32 stand-in for xiadan.exe, scenarios
run inside Windows Python whose results come back as JSON over the pipe.

Everything here is opt-in (``ASHARE_WINE=1``): the first run installs Wine from Debian and Windows
wheels from PyPI into ``$ASHARE_WINE_HOME`` (default ``<repo>/.wine``) through tools/wine/setup.sh.
Logs of every Windows process go to ``$ASHARE_WINE_HOME/logs/`` for diagnosis.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools" / "wine"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

__all__ = ["free_port"]  # re-exported for the Wine tests

ENABLED = os.environ.get("ASHARE_WINE") == "1"
SKIP_REASON = (
    "Wine tests are opt-in: run with ASHARE_WINE=1 (tools/wine/ci.sh does); the first run installs Wine, "
    "Xvfb and a Windows CPython with pywinauto under .wine/"
)


def last_json(text: str) -> dict | None:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            with contextlib.suppress(json.JSONDecodeError):
                return json.loads(line)
    return None


@dataclass
class ScenarioResult:
    """What a Windows-side scenario printed: its JSON plus the raw streams for failure messages."""

    data: dict | None
    stdout: str
    stderr: str
    returncode: int | None
    seconds: float
    log: Path | None = None

    def explain(self, limit: int = 6000) -> str:
        return (
            f"scenario rc={self.returncode} after {self.seconds:.1f}s; log {self.log}\n"
            f"--- stderr (tail) ---\n{self.stderr[-limit:]}\n"
            f"--- stdout (tail) ---\n{self.stdout[-2000:]}"
        )

    def entries(self, key: str) -> dict[str, dict]:
        return (self.data or {}).get(key, {})


def run_against_standin(
    wine, standin, script: str, *args: str, timeout: float, log_name: str
) -> ScenarioResult:
    """Spawn ``standin`` (made by ``make_standin``), wait for its main window, run the scenario
    ``SCENARIOS/script`` against it (``--port``, ``--exe``, then ``args``), and stop the stand-in.

    The wait: the stand-in's control port answers before its main window exists, and the scenario
    attaches to that window."""
    try:
        standin.spawn()
        ping = standin.client()
        deadline = time.monotonic() + 60
        while not ping.call("ping").get("main") and time.monotonic() < deadline:
            time.sleep(0.1)  # polling the stand-in process for its window
        port_exe = ("--port", str(standin.port), "--exe", standin.exe)
        return run_scenario(wine, SCENARIOS / script, *port_exe, *args, timeout=timeout, log_name=log_name)
    finally:
        standin.stop()


def run_flavour(wine, make_standin, script: str, flavour: str, *, timeout: float = 300, **settings):
    """A logged-in stand-in of ``flavour`` (with ``settings``) and ``script`` run against it with
    ``--flavour``, logged as ``<script's stem without _scenario>_<flavour>.log``."""
    standin = make_standin(logged_in=True, flavour=flavour, **settings)
    log_name = f"{script.removesuffix('.py').removesuffix('_scenario')}_{flavour}.log"
    return run_against_standin(
        wine, standin, script, "--flavour", flavour, timeout=timeout, log_name=log_name
    )


def step_detail(run: ScenarioResult, step: str) -> dict:
    """The ``detail`` of a scenario's step, once it is known to have run and passed."""
    assert run.data is not None, run.explain()
    entry = run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{run.explain()}"
    assert entry["ok"], entry["detail"]
    return entry["detail"]


def run_scenario(wine, script: Path, *args: str, timeout: float, log_name: str) -> ScenarioResult:
    t0 = time.monotonic()
    try:
        result = wine.python(script, *args, timeout=timeout)
        stdout, stderr, rc = result.stdout, result.stderr, result.returncode
    except subprocess.TimeoutExpired as exc:
        stdout = (exc.stdout or b"").decode("utf-8", "replace")
        stderr = (exc.stderr or b"").decode("utf-8", "replace") + f"\n[harness] timed out after {timeout}s"
        rc = None
    log = None
    if wine.log_dir:
        wine.log_dir.mkdir(parents=True, exist_ok=True)
        log = wine.log_dir / log_name
        log.write_text(
            f"$ {script.name} {' '.join(args)}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            encoding="utf-8",
        )
    return ScenarioResult(last_json(stdout), stdout, stderr, rc, time.monotonic() - t0, log)


def install_hexin_pair(wine, wine_home: Path, db: Path, version: str, name: str, **trading: object):
    """hexin.exe with its xiadan.exe beside it (``standin.hexin_install``), both on the paper exchange
    ``db`` with the demo account; ``trading`` adds to the sibling's settings (e.g. ``logged_in=False``).
    Returns (hexin Standin, sibling Standin, hexin exe, sibling exe); neither is started."""
    from standin.hexin_install import install_hexin
    from winenv import winpath

    wine.log_dir.mkdir(parents=True, exist_ok=True)
    port, trading_port = free_port(), free_port()
    account = {"user": "demo", "password": "demo", "comm_password": None}
    hexin_config = {
        "db": winpath(db),
        "version": version,
        "accounts": [account],
        "control_port": port,
        "log": winpath(wine.log_dir / f"{name}-{port}.log"),
    }
    trading_config = {
        "db": winpath(db),
        "flavour": "universal",
        "accounts": [account],
        "control_port": trading_port,
        "log": winpath(wine.log_dir / f"{name}-xiadan-{trading_port}.log"),
        **trading,
    }
    hexin_exe, trading_exe, folder = install_hexin(hexin_config, trading_config, home=wine_home)
    hexin = Standin(wine, hexin_exe, folder, port, hexin_config, db)
    sibling = Standin(wine, trading_exe, folder, trading_port, trading_config, db)
    return hexin, sibling, hexin_exe, trading_exe


@dataclass
class Standin:
    """One installed stand-in (``C:\\htzqzyb2\\xiadan.exe``) with its control connection."""

    wine: object
    exe: str
    folder: Path
    port: int
    config: dict
    db: Path
    proc: object | None = None
    clients: list = field(default_factory=list)

    def client(self):
        from standin.control import Client

        c = Client(self.port)
        self.clients.append(c)
        return c

    def spawn(self, timeout: float = 90) -> dict:
        """Start the exe ourselves (instead of through the driver) and wait for its control port."""
        self.proc = self.wine.spawn(["wine", self.exe], log_name=f"standin-{self.port}.out")
        return self.client().wait_ready(timeout)

    def state(self) -> dict:
        return self.client().call("state")

    def _port_closed(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return True
            time.sleep(0.1)
        return False

    def stop(self, timeout: float = 15) -> None:
        """Quit the stand-in (whoever started it) and wait until its control port is gone."""
        with contextlib.suppress(Exception):
            self.client().call("quit")
        for c in self.clients:
            c.close()
        self.clients.clear()
        # A stand-in that a modal dialog keeps alive (a failed step left it open) would otherwise still
        # run when the next test starts the exe, and the driver would attach to it (same path).
        if not self._port_closed(min(5.0, timeout)):
            with contextlib.suppress(Exception), self.client() as c:
                c.call("kill")
            self._port_closed(timeout)
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
            self.proc.terminate()


@pytest.fixture(scope="session")
def wine_home() -> Path:
    if not ENABLED:
        pytest.skip(SKIP_REASON)
    import winenv

    try:
        return winenv.ensure_setup()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"tools/wine/setup.sh failed: {exc}")


@pytest.fixture(scope="session")
def wine(wine_home: Path) -> Iterator[object]:
    """One Xvfb + wineserver for the whole test session, torn down at the end (wineserver -k)."""
    import winenv

    log_dir = wine_home / "logs" / time.strftime("%Y%m%d-%H%M%S")
    with winenv.WineSession(wine_home, log_dir=log_dir, extra_syspath=[SCENARIOS]) as session:
        session.env["ASHARE_WINE_SHIMS"] = "1"
        yield session


@pytest.fixture(scope="session")
def make_standin(wine, wine_home: Path, tmp_path_factory):
    """Factory: install the stand-in with a fresh paper-exchange database and the given settings."""
    from standin.install import install
    from winenv import winpath

    made: list[Standin] = []

    def make(**settings: object) -> Standin:
        port = free_port()
        db = tmp_path_factory.mktemp("standin") / "exchange.sqlite3"
        wine.log_dir.mkdir(parents=True, exist_ok=True)  # the stand-in may be the session's first program
        log = wine.log_dir / f"standin-{port}.log"
        config = {"db": winpath(db), "control_port": port, "log": winpath(log), **settings}
        exe, folder = install(config, home=wine_home)
        standin = Standin(wine, exe, folder, port, config, db)
        made.append(standin)
        return standin

    yield make
    for s in made:
        s.stop()
