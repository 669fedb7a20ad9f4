"""The blocking client: ``GatewayClient("http://127.0.0.1:5000").balance()``."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx

from . import calls
from .calls import Call, decode
from .models import Balance, Entrust, IpoResult, OrderResult, Position, Quote, SessionInfo, Trade
from .transport import Base

Price = Decimal | str | int | float


class GatewayClient(Base):
    """One gateway, one (optional) session. Thread-safe for reads; use one per thread for clarity."""

    def __init__(self, url: str = "http://127.0.0.1:5000", **options: Any) -> None:
        super().__init__(url, **options)
        self._http = httpx.Client(base_url=self.url, headers=self._headers, timeout=self._timeout)

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _run(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                resp = self._http.request(call.method, self._path(call), **self._request_args(call))
            except httpx.TransportError as exc:
                if not self._may_retry(call, attempt, status=None, exc=exc):
                    raise self._unreachable(exc) from exc
            else:
                if not self._may_retry(call, attempt, status=resp.status_code, exc=None):
                    return call.parse(decode(resp.status_code, resp.text))
            time.sleep(self._delay(attempt))
            attempt += 1

    # ---- sessions ----------------------------------------------------------------------------
    def connect(self, exe_path: str | None = None) -> str:
        """Attach to a client that is already logged in; later calls use the new session."""
        self.session_id = self._run(calls.connect(exe_path))
        return self.session_id

    def login(self, user: str, password: str, comm_password: str, exe_path: str | None = None) -> str:
        self.session_id = self._run(calls.login(user, password, comm_password, exe_path))
        return self.session_id

    def exit(self) -> None:
        self._run(calls.exit_client())
        self.session_id = None

    def session_status(self) -> SessionInfo:
        return self._run(calls.session_status())

    # ---- queries -----------------------------------------------------------------------------
    def balance(self) -> Balance:
        return self._run(calls.balance())

    def positions(self) -> list[Position]:
        return self._run(calls.positions())

    def today_entrusts(self) -> list[Entrust]:
        return self._run(calls.today_entrusts())

    def today_trades(self) -> list[Trade]:
        return self._run(calls.today_trades())

    def cancelable_entrusts(self) -> list[Entrust]:
        return self._run(calls.cancelable_entrusts())

    def quote(self, code: str) -> Quote:
        return self._run(calls.quote(code))

    # ---- orders ------------------------------------------------------------------------------
    def buy(self, code: str, price: Price, amount: int, *, key: str | None = None) -> OrderResult:
        """A limit buy. ``key`` (default: a fresh one) is sent as Idempotency-Key on every attempt."""
        return self._run(calls.limit_order("buy", code, price, amount, key))

    def sell(self, code: str, price: Price, amount: int, *, key: str | None = None) -> OrderResult:
        return self._run(calls.limit_order("sell", code, price, amount, key))

    def market_buy(
        self, code: str, amount: int, *, ttype: str | None = None, key: str | None = None
    ) -> OrderResult:
        return self._run(calls.market_order("buy", code, amount, ttype, key))

    def market_sell(
        self, code: str, amount: int, *, ttype: str | None = None, key: str | None = None
    ) -> OrderResult:
        return self._run(calls.market_order("sell", code, amount, ttype, key))

    def cancel(self, contract_no: str) -> str:
        return self._run(calls.cancel(contract_no))

    def cancel_all(self) -> int:
        return self._run(calls.cancel_all())

    def auto_ipo(self) -> IpoResult:
        return self._run(calls.auto_ipo())

    def refresh(self) -> None:
        self._run(calls.refresh())
