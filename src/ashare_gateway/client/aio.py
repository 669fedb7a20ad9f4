"""The asyncio client: ``await AsyncGatewayClient("http://127.0.0.1:5000").balance()``.

The same calls, retry rules and types as :class:`~ashare_gateway.client.GatewayClient`."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx

from . import calls
from .calls import Call, decode
from .models import Balance, Entrust, IpoResult, OrderResult, Position, Quote, SessionInfo, Trade
from .transport import Base

Price = Decimal | str | int | float


class AsyncGatewayClient(Base):
    """One gateway, one (optional) session, on one event loop."""

    def __init__(self, url: str = "http://127.0.0.1:5000", **options: Any) -> None:
        super().__init__(url, **options)
        self._http = httpx.AsyncClient(base_url=self.url, headers=self._headers, timeout=self._timeout)

    async def __aenter__(self) -> AsyncGatewayClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def _run(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                resp = await self._http.request(call.method, self._path(call), **self._request_args(call))
            except httpx.TransportError as exc:
                if not self._may_retry(call, attempt, status=None, exc=exc):
                    raise self._unreachable(exc) from exc
            else:
                if not self._may_retry(call, attempt, status=resp.status_code, exc=None):
                    return call.parse(decode(resp.status_code, resp.text))
            await asyncio.sleep(self._delay(attempt))
            attempt += 1

    # ---- sessions ----------------------------------------------------------------------------
    async def connect(self, exe_path: str | None = None) -> str:
        """Attach to a client that is already logged in; later calls use the new session."""
        self.session_id = await self._run(calls.connect(exe_path))
        return self.session_id

    async def login(self, user: str, password: str, comm_password: str, exe_path: str | None = None) -> str:
        self.session_id = await self._run(calls.login(user, password, comm_password, exe_path))
        return self.session_id

    async def exit(self) -> None:
        await self._run(calls.exit_client())
        self.session_id = None

    async def session_status(self) -> SessionInfo:
        return await self._run(calls.session_status())

    # ---- queries -----------------------------------------------------------------------------
    async def balance(self) -> Balance:
        return await self._run(calls.balance())

    async def positions(self) -> list[Position]:
        return await self._run(calls.positions())

    async def today_entrusts(self) -> list[Entrust]:
        return await self._run(calls.today_entrusts())

    async def today_trades(self) -> list[Trade]:
        return await self._run(calls.today_trades())

    async def cancelable_entrusts(self) -> list[Entrust]:
        return await self._run(calls.cancelable_entrusts())

    async def quote(self, code: str) -> Quote:
        return await self._run(calls.quote(code))

    # ---- orders ------------------------------------------------------------------------------
    async def buy(self, code: str, price: Price, amount: int, *, key: str | None = None) -> OrderResult:
        """A limit buy. ``key`` (default: a fresh one) is sent as Idempotency-Key on every attempt."""
        return await self._run(calls.limit_order("buy", code, price, amount, key))

    async def sell(self, code: str, price: Price, amount: int, *, key: str | None = None) -> OrderResult:
        return await self._run(calls.limit_order("sell", code, price, amount, key))

    async def market_buy(
        self, code: str, amount: int, *, ttype: str | None = None, key: str | None = None
    ) -> OrderResult:
        return await self._run(calls.market_order("buy", code, amount, ttype, key))

    async def market_sell(
        self, code: str, amount: int, *, ttype: str | None = None, key: str | None = None
    ) -> OrderResult:
        return await self._run(calls.market_order("sell", code, amount, ttype, key))

    async def cancel(self, contract_no: str) -> str:
        return await self._run(calls.cancel(contract_no))

    async def cancel_all(self) -> int:
        return await self._run(calls.cancel_all())

    async def auto_ipo(self) -> IpoResult:
        return await self._run(calls.auto_ipo())

    async def refresh(self) -> None:
        await self._run(calls.refresh())
