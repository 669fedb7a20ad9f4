"""A lean HTTP/1.1 load generator: one keep-alive connection per simulated client, on asyncio streams.

Why not httpx here (it is what the tests and the client library use): on this 2-core machine the load
generator shares the CPU with the servers it measures, so what it costs per request decides how much
CPU the server gets. Measured with cProfile and /proc CPU times on 2026-12-02 (docs/benchmarks/http.md):

- httpx (0.28, httpcore 1.0) cost the generator 3.4 ms of CPU per paper order at 1 client and 20 ms at
  64 — more than the gateway itself spent (4.8 / 7.6 ms). Two causes: httpcore's pool re-scans every
  connection for every queued request on each request's end (``_assign_requests_to_connections``,
  O(connections × requests): 5.6 s of a 9.6 s profile at 64 clients), and
  ``httpcore._synchronization.current_async_library`` tries ``import sniffio`` on every lock it makes
  (anyio 4 no longer installs sniffio, and a failed import is not cached: ~0.4 ms each).
- Worse for a ratio, the cost was not the same for both apps: with the gateway's responses arriving
  one at a time from its serial lane the generator spent 2.6× more per operation than against the
  floor app, so the "ratio" measured the generator as much as the servers.

This client spends 0.2 ms per operation (two requests) at any concurrency, the same against both apps,
so the servers get the CPU and the ratios compare them. It speaks just what the benchmark needs:
``GET``/``POST`` with a JSON body, responses with ``Content-Length`` (what uvicorn sends for every route
measured here); anything else is an error, never a silent mis-read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True, slots=True)
class LeanResponse:
    status_code: int
    content: bytes
    url: str

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class LeanConnection:
    """One persistent connection; requests on it are sent one after another (no pipelining)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"Host: {self.host}:{self.port}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, Any] | None = None) -> LeanResponse:
        if params:
            path = f"{path}?{urlencode(params)}"
        return await self._request(b"GET", path, None)

    async def post(self, path: str, json: Any = None) -> LeanResponse:
        return await self._request(b"POST", path, json)

    async def _request(self, method: bytes, path: str, body: Any) -> LeanResponse:
        reused = self._writer is not None
        try:
            return await self._exchange(method, path, body)
        except (asyncio.IncompleteReadError, ConnectionError):
            # The server closed a connection idle past its keep-alive timeout (uvicorn: 5 s) as the request
            # went out. Only a GET is sent again: a POST may have been taken.
            await self.aclose()
            if not (reused and method == b"GET"):
                raise
            return await self._exchange(method, path, body)

    async def _exchange(self, method: bytes, path: str, body: Any) -> LeanResponse:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        head = method + b" " + path.encode() + b" HTTP/1.1\r\n" + self._host_header
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(payload)
        self._writer.write(head + b"\r\n" + payload)
        raw = await self._reader.readuntil(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length: int | None = None
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise RuntimeError(f"{path}: chunked responses are not supported by the lean client")
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length is None:
            raise RuntimeError(f"{path}: response without Content-Length")
        content = await self._reader.readexactly(length) if length else b""
        if close:
            await self.aclose()
        return LeanResponse(status, content, path)

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
