"""A typed Python SDK for the gateway's ``/api/trader`` API (sync and asyncio, on httpx).

    from ashare_gateway.client import GatewayClient
    with GatewayClient("http://127.0.0.1:5000") as gw:
        print(gw.balance().available)
        order = gw.buy("600000", "8.75", 100)   # an Idempotency-Key is generated and reused on retry

Imports only httpx and the standard library: a script using it does not load the gateway itself.
"""

from .aio import AsyncGatewayClient
from .discovery import find_gateway
from .errors import (
    Conflict,
    Forbidden,
    GatewayAPIError,
    GatewayUnreachable,
    InvalidRequest,
    NotFound,
    NotSupported,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    SessionError,
    TokenError,
    Unauthorized,
)
from .models import (
    Balance,
    Entrust,
    IpoApplication,
    IpoResult,
    Level,
    OrderResult,
    Position,
    Quote,
    SessionInfo,
    Trade,
)
from .sync import GatewayClient

__all__ = [
    "AsyncGatewayClient",
    "Balance",
    "Conflict",
    "Entrust",
    "Forbidden",
    "GatewayAPIError",
    "GatewayClient",
    "GatewayUnreachable",
    "InvalidRequest",
    "IpoApplication",
    "IpoResult",
    "Level",
    "NotFound",
    "NotSupported",
    "OrderResult",
    "OutcomeUnknown",
    "Position",
    "Quote",
    "RateLimited",
    "ServerError",
    "SessionError",
    "SessionInfo",
    "TokenError",
    "Trade",
    "Unauthorized",
    "find_gateway",
]
