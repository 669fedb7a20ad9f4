"""Typed errors of the SDK: each carries the gateway's ``code`` (the HTTP status) and its Chinese message.

A script catches what it can act on: :class:`InvalidRequest` (fix the input), :class:`SessionError`
(log in again), :class:`OutcomeUnknown` (an order may or may not be at the broker: retry with the same
idempotency key, which the SDK already did), :class:`GatewayUnreachable` (nothing answered).
"""

from __future__ import annotations


class GatewayAPIError(Exception):
    """The gateway answered with an error envelope ``{code, message, data}``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class InvalidRequest(GatewayAPIError):
    """400: a parameter is missing or wrong, or the broker refused the order (its own text)."""


class Unauthorized(GatewayAPIError):
    """401: a missing or wrong API token, or an invalid session."""


class TokenError(Unauthorized):
    """401 from the perimeter: the API token is missing or wrong."""


class SessionError(Unauthorized):
    """401 from the trader API: the session id is unknown, expired or ended (spec §4)."""


class Forbidden(GatewayAPIError):
    """403: this address (or origin) may not use the gateway."""


class NotFound(GatewayAPIError):
    """404/405: no such route (an older gateway, or a wrong URL)."""


class Conflict(GatewayAPIError):
    """409: the idempotency key was used for a different order."""


class RateLimited(GatewayAPIError):
    """429: too many requests from this address."""


class ServerError(GatewayAPIError):
    """500/502/503: the client could not be reached or failed."""


class NotSupported(GatewayAPIError):
    """501: the connected client has no way to do this."""


class OutcomeUnknown(GatewayAPIError):
    """504: the call did not finish in time; for an order, whether it reached the broker is unknown."""


class GatewayUnreachable(Exception):
    """No answer at all: the gateway is not running at that URL, or the connection broke."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"无法连接网关 {url}：{reason}")
        self.url = url
        self.reason = reason


_BY_CODE: dict[int, type[GatewayAPIError]] = {
    400: InvalidRequest,
    403: Forbidden,
    404: NotFound,
    405: NotFound,
    409: Conflict,
    413: InvalidRequest,
    422: InvalidRequest,
    429: RateLimited,
    501: NotSupported,
    504: OutcomeUnknown,
}

TOKEN_HINT = "令牌"  # the perimeter's 401 says 令牌; the trader API's says 会话


def error_for(code: int, message: str) -> GatewayAPIError:
    """The exception class for a status code and message."""
    if code == 401:
        return (TokenError if TOKEN_HINT in message else SessionError)(code, message)
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = ServerError if code >= 500 else InvalidRequest
    return cls(code, message)
