"""The stand-in's test hook: JSON lines over a loopback TCP socket (stdlib only, Linux or Windows side).

Wine maps Windows sockets onto Linux ones, so pytest on Linux and scripts inside Wine reach the same
port. One request per line, one JSON answer per line. Commands: ping, state, popup, lock, set,
advance, captcha_answer, quit (see ``App.handle_request``).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable


class Server:
    def __init__(self, port: int, handler: Callable[[dict], dict]) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self._stop = False
        self.thread = threading.Thread(target=self._serve, name="standin-control", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self.sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:
            for line in f:
                try:
                    reply = self.handler(json.loads(line))
                except Exception as exc:
                    reply = {"ok": False, "error": repr(exc)}
                f.write((json.dumps(reply, ensure_ascii=False, default=str) + "\n").encode())
                f.flush()


class Client:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 30) -> None:
        self.addr = (host, port)
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._file = None

    def _connect(self) -> None:
        self._sock = socket.create_connection(self.addr, timeout=self.timeout)
        self._file = self._sock.makefile("rwb")

    def call(self, cmd: str, **kwargs: object) -> dict:
        if self._sock is None:
            self._connect()
        self._file.write((json.dumps({"cmd": cmd, **kwargs}, ensure_ascii=False) + "\n").encode())
        self._file.flush()
        line = self._file.readline()
        if not line:
            self.close()
            raise ConnectionError("stand-in closed the control connection")
        return json.loads(line)

    def wait_ready(self, timeout: float = 60) -> dict:
        """Wait until the stand-in answers ping (it has started its exchange and its windows)."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                return self.call("ping")
            except OSError as exc:
                last = exc
                self.close()
                time.sleep(0.1)
        raise TimeoutError(f"stand-in control port {self.addr[1]} not answering: {last!r}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self._file:
                self._file.close()
            if self._sock:
                self._sock.close()
        self._sock = self._file = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
