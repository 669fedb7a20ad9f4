"""Serving one gateway on several ports, each with its own root dialect, in one process.

Why several listeners rather than one app: ths_http_trader and easytrader both own ``/balance``,
``/position``, ``/buy`` and ``/sell`` with different shapes, and their clients cannot be told to use a
prefix, so each drop-in replacement needs a port whose root speaks its dialect. The listeners share the
gateway (sessions, lanes, journal): an order placed through one is in the others' 当日委托.

uvicorn servers run side by side in one event loop. Each would install its own SIGINT/SIGTERM handler
(the last one wins), so they are told not to, and one handler here stops them all. Every port is bound
before any server starts, so a port in use fails cleanly with its number instead of half-starting.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

import uvicorn

from ..gateway import Gateway
from .app import DIALECTS, create_app

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True, slots=True)
class Listener:
    port: int
    dialect: str  # "ht", "ths" or "easytrader": who owns the root paths


def parse_listen(text: str, default_dialect: str) -> Listener:
    """``8888:ths`` → Listener(8888, "ths"); a bare ``8888`` takes ``default_dialect``."""
    port_text, _, dialect = text.strip().partition(":")
    dialect = (dialect or default_dialect).strip().lower()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"端口格式错误：{text}（应为 端口 或 端口:方言，如 8888:ths）")
    if dialect not in DIALECTS:
        raise ValueError(f"未知的接口方言：{dialect}（可选：{'、'.join(DIALECTS)}）")
    return Listener(int(port_text), dialect)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`serve_listeners`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ListenError(OSError):
    """A port could not be bound (already in use, no permission)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket for uvicorn. TCP_NODELAY: without it every small response waits for the
    peer's delayed ACK (~40 ms on Linux). SO_REUSEADDR only off Windows, where it would let two
    processes share a port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        text = f"无法监听 {host}:{port}：端口已被占用或无权限（{exc.strerror}）"
        raise ListenError(exc.errno, text) from exc
    sock.set_inheritable(True)
    return sock


def proxy_options(forwarded_allow_ips: list[str]) -> dict[str, Any]:
    """uvicorn's proxy settings: ``X-Forwarded-For`` is believed only from the proxies the user named.

    uvicorn's own default trusts it from 127.0.0.1, so any local process could claim any address and
    walk past the allow-list or out of its rate-limit bucket.
    """
    if not forwarded_allow_ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(forwarded_allow_ips)}


def serve_listeners(
    gateway: Gateway, host: str, listeners: list[Listener], *, log_level: str = "info"
) -> None:
    """Serve until SIGINT/SIGTERM (a second SIGINT forces the exit, as with plain uvicorn).

    Raises :class:`ListenError` before serving anything if a port cannot be bound.
    """
    sockets: list[socket.socket] = []
    try:
        for item in listeners:
            sockets.append(bind(host, item.port))
    except ListenError:
        for sock in sockets:
            sock.close()
        raise
    servers = [
        _Server(
            uvicorn.Config(
                create_app(gateway, root_dialect=item.dialect),
                host=host,
                port=item.port,
                log_level=log_level,
                access_log=False,
                **proxy_options(gateway.settings.forwarded_allow_ips),
            )
        )
        for item in listeners
    ]

    def stop(sig: int, frame: FrameType | None) -> None:
        for server in servers:
            server.handle_exit(sig, frame)

    previous = {sig: signal.signal(sig, stop) for sig in SIGNALS}
    try:
        asyncio.run(_serve_all(servers, sockets))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sock in sockets:
            sock.close()


async def _serve_all(servers: Sequence[uvicorn.Server], sockets: list[socket.socket]) -> None:
    pairs = zip(servers, sockets, strict=True)
    await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in pairs))
