"""What the sync and async clients share: the base URL, the token, the session id, and the retry rules."""

from __future__ import annotations

from typing import Any

import httpx

from .calls import PREFIX, RETRYABLE_STATUS, Call, Retry
from .errors import GatewayUnreachable

DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_TIMEOUT = 40.0  # the gateway's own deadline per client call is 30 s; leave it room to answer
BACKOFF = 0.25  # seconds before the first retry; doubles each time


class Base:
    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        token: str | None = None,
        session_id: str | None = None,
        account: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 2,
    ) -> None:
        self.url = url.rstrip("/")
        self.session_id = session_id  # None: the gateway's auto-login session (spec §4)
        self.account = account  # a gateway account (config.ini [Account:NAME]); None: the only one
        self.retries = max(0, retries)
        self._timeout = timeout
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def _request_args(self, call: Call) -> dict[str, Any]:
        params = dict(call.params)
        if self.session_id:
            params["session_id"] = self.session_id
        headers = {**call.headers, "X-Account": self.account} if self.account else call.headers
        args: dict[str, Any] = {"params": params, "headers": headers}
        if call.method == "POST":
            args["json"] = call.body or {}
        return args

    def _path(self, call: Call) -> str:
        return PREFIX + call.path

    def _may_retry(self, call: Call, attempt: int, *, status: int | None, exc: Exception | None) -> bool:
        if attempt >= self.retries:
            return False
        if call.retry is Retry.UNSENT:  # only if the request provably never left
            return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        if exc is not None:
            return isinstance(exc, httpx.TransportError)
        return status in RETRYABLE_STATUS

    def _unreachable(self, exc: httpx.TransportError) -> GatewayUnreachable:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return GatewayUnreachable(self.url, reason)

    @staticmethod
    def _delay(attempt: int) -> float:
        return BACKOFF * (2**attempt)
