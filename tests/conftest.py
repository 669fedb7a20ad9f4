"""Shared fixtures: a gateway served over real HTTP (uvicorn on a loopback port) with a clock tests move."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from ashare_gateway.api import create_app
from ashare_gateway.api.listeners import proxy_options
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.gateway import Gateway, build_gateway


def _one_default_tls_context() -> None:
    """The tests call ``httpx.get``/``post`` by the thousand, each building a client whose default TLS
    context loads the CA bundle (~26 ms of CPU), for plain HTTP to loopback. One default context serves
    every such client of the test process (any other ``verify``/``cert`` still gets its own). Test
    harness only: the gateway's own clients are untouched."""
    from httpx._transports import default

    build = default.create_ssl_context
    made: dict[bool, object] = {}

    def create_ssl_context(verify=True, cert=None, trust_env=True):
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        if trust_env not in made:
            made[trust_env] = build(verify=verify, cert=cert, trust_env=trust_env)
        return made[trust_env]

    default.create_ssl_context = create_ssl_context


_one_default_tls_context()

# A Friday, in continuous trading: deterministic quotes for every test that does not set its own time.
TRADING_MORNING = "2026-11-20 10:00:00"


@dataclass
class Served:
    url: str
    gateway: Gateway
    clock: ManualClock

    @property
    def api(self) -> str:
        return f"{self.url}/api/trader"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, timeout=30)


@contextlib.contextmanager
def serve(settings: Settings, clock: ManualClock, root_dialect: str | None = None) -> Iterator[Served]:
    """Run the real app under uvicorn in a thread, on a free loopback port, until the block ends.

    ``root_dialect`` gives the root paths to a dialect ("ths", "easytrader"), as ``--dialect`` does.
    """
    gateway = build_gateway(settings, clock=clock)
    sock = socket.socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed-ACK stall per request
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(gateway, root_dialect=root_dialect)
    proxy = proxy_options(settings.forwarded_allow_ips)  # as `serve` does, not uvicorn's trusting default
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, **proxy))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("server failed to start")
            threading.Event().wait(0.01)
        yield Served(f"http://127.0.0.1:{port}", gateway, clock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        gateway.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TRADING_MORNING)


BROKERS = ["sim", "xiadan-fake"]


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    """The zero-config gateway, demo account auto-logged-in, real trading hours.

    The broker is the paper exchange unless a module parametrizes ``served`` indirectly with
    ``BROKERS``: then the same tests also run through the whole GUI path of the fake xiadan client.
    """
    broker = getattr(request, "param", "sim")
    # A GUI broker has quotes only from a source the user chose: these runs choose the offline one, as
    # ``--quotes offline`` does (without it, /quote is 501: tests/safety/test_gui_quotes.py).
    quotes = "offline" if broker != "sim" else None
    with serve(Settings(data_dir=tmp_path, demo_market=False, broker=broker, quotes=quotes), clock) as s:
        yield s


@pytest.fixture
def api(served: Served) -> Iterator[httpx.Client]:
    with served.client() as client:
        yield client
