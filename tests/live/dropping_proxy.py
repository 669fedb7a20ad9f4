"""A loopback HTTP proxy that forwards each request to the gateway but, for the first N requests on a
path, closes the connection instead of relaying the answer: the gateway acted, the caller never heard."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


class DroppingProxy:
    def __init__(self, upstream: str, drop_path: str, drops: int) -> None:
        self.upstream, self.drop_path, self.drops = upstream, drop_path, drops
        self.seen: list[tuple[str, dict[str, str]]] = []  # (path, headers) of every request forwarded
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines[1:])
            length = int(headers.get("content-length", headers.get("Content-Length", "0")))
            while len(body) < length:
                body += conn.recv(65536)
            self.seen.append((target.split("?")[0], headers))
            keep = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            resp = httpx.request(method, self.upstream + target, headers=keep, content=body, timeout=30)
            if target.split("?")[0] == self.drop_path and self.drops > 0:
                self.drops -= 1
                return  # the order went through; its answer is lost on the way back
            out = f"HTTP/1.1 {resp.status_code} OK\r\ncontent-type: application/json\r\n"
            out += f"content-length: {len(resp.content)}\r\nconnection: close\r\n\r\n"
            conn.sendall(out.encode() + resp.content)

    @contextmanager
    def running(self) -> Iterator[DroppingProxy]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(5)
            self._sock.close()
