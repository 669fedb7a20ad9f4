"""A Server-Sent Events reader for tests: the stream parsed as it arrives, on the caller's thread."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Received:
    id: int
    event: str
    data: dict[str, Any]


class SSEReader:
    """``GET url`` as text/event-stream, read by :meth:`until`; :meth:`close` hangs up."""

    def __init__(self, url: str, *, headers: dict[str, str] | None = None) -> None:
        self._client = httpx.Client(timeout=httpx.Timeout(30))
        self._cm = self._client.stream("GET", url, headers=headers or {})
        self.response = self._cm.__enter__()
        self._lines = self.response.iter_lines() if self.response.status_code == 200 else iter(())

    def _next(self) -> Received:
        fields: dict[str, str] = {}
        for line in self._lines:
            if not line:
                if "data" in fields:
                    return Received(int(fields["id"]), fields["event"], json.loads(fields["data"]))
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
        raise AssertionError("the event stream ended")

    def until(self, done: Callable[[list[Received]], bool], timeout: float = 60.0) -> list[Received]:
        """Collect events until ``done(collected)``; fails the test if that takes past ``timeout``."""
        got: list[Received] = []
        deadline = time.monotonic() + timeout
        while not done(got):
            if time.monotonic() > deadline:
                raise AssertionError(f"still waiting after {timeout}s; got {[(e.id, e.event) for e in got]}")
            got.append(self._next())
        return got

    def close(self) -> None:
        self._cm.__exit__(None, None, None)
        self._client.close()
