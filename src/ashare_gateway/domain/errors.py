"""Errors that carry a user-facing Chinese message and the HTTP status the spec gives them.

Every layer raises these; the HTTP dialects render them in their own envelope. Anything else that
escapes is a genuine server fault (500) and is logged, never shown as a traceback.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Base of all expected failures: ``message`` is shown to the user as is."""

    status_code: int = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class InvalidParameter(GatewayError):
    """A request parameter is missing or malformed (spec §3: 400)."""


class OrderRejected(GatewayError):
    """The broker (or the rules it enforces before sending) refused the order: its own text is the message."""


class InvalidSession(GatewayError):
    """session_id unknown, expired or ended (spec §3: 401)."""

    status_code = 401


class NotConnected(GatewayError):
    """No client is connected for this session (spec §6: 未连接到客户端)."""

    status_code = 500


class BrokerUnavailable(GatewayError):
    """The broker client cannot be reached or failed (spec §3: 500, e.g. 连接客户端失败)."""

    status_code = 500


class NotSupported(GatewayError):
    """The connected client has no way to do this (e.g. positions on hexin.exe 9.x)."""

    status_code = 501


class OperationTimeout(GatewayError):
    """A broker call did not finish within its deadline; its outcome may be unknown."""

    status_code = 504


class OutcomeUnknown(OperationTimeout):
    """A call was under way when it failed or its deadline passed: it may or may not have taken effect."""


class Conflict(GatewayError):
    """The request contradicts an earlier one (an idempotency key reused for a different order)."""

    status_code = 409


class RiskRefused(GatewayError):
    """A configured risk limit, or the kill switch, refuses the order before any broker sees it."""


class NotExecuted(OperationTimeout):
    """A queued call was dropped before it started (its caller's deadline passed): nothing happened."""


class InputLost(NotExecuted):
    """A flow under way was stopped because the desktop stopped taking input (a workstation locked part
    way through an order or a cancel), before anything was sent: nothing happened. 500, as the refusal
    before any key. ``reason`` is the driver's (工作站已锁定（锁屏） / 远程会话已断开（…）)."""

    status_code = 500

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class ClientBusy(BrokerUnavailable):
    """The client did not answer a window message in time: its GUI thread is busy (or hung)."""


class UnknownAccount(GatewayError):
    """A call names a gateway account config.ini does not define (or names none where several exist)."""

    status_code = 404


class AccountClash(Conflict):
    """A session or client belongs to another gateway account than the one the call names."""
