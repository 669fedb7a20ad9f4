"""The broker protocol: what every adapter (paper exchange, xiadan.exe, hexin.exe) implements.

The service layer and the HTTP dialects know only this protocol. An adapter does not know HTTP, does
not validate A-share rules a second time (the service did), and raises
:class:`~ashare_gateway.domain.errors.GatewayError` subclasses with the broker's own text on refusal.
Calls are made one at a time per adapter instance (the service's lane guarantees it), so an adapter
needs no locking of its own for the GUI it drives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Trade


@dataclass(frozen=True, slots=True)
class Credentials:
    """Login data; ``__repr__`` never shows the passwords, so they cannot reach a log by accident."""

    user: str
    password: str
    comm_password: str | None = None
    exe_path: str | None = None

    def __repr__(self) -> str:
        hidden = "password='***', comm_password='***'"
        return f"Credentials(user={self.user!r}, {hidden}, exe_path={self.exe_path!r})"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class ConnectInfo:
    exe_path: str
    account: str
    main_window_title: str = "网上股票交易系统5.0"


@runtime_checkable
class Broker(Protocol):
    """One logged-in client (one account). Every method may raise ``GatewayError``."""

    kind: str  # "sim", "xiadan", "xiadan-fake", "hexin", ...

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        """Attach to a client that is already running and logged in."""
        ...

    def login(self, credentials: Credentials) -> ConnectInfo:
        """Start the client if needed and log in."""
        ...

    def balance(self) -> Balance: ...

    def positions(self) -> list[Position]: ...

    def today_entrusts(self) -> list[Entrust]: ...

    def today_trades(self) -> list[Trade]: ...

    def cancelable_entrusts(self) -> list[Entrust]: ...

    def place_order(self, request: OrderRequest) -> OrderAck:
        """Send one limit or market order; return its 合同编号 or raise OrderRejected with the reason."""
        ...

    def cancel(self, contract_no: str) -> None:
        """Cancel one order by 合同编号; raise OrderRejected if it is not cancelable."""
        ...

    def cancel_all(self) -> int:
        """Cancel every cancelable order; return how many cancels were submitted."""
        ...

    def auto_ipo(self) -> IpoResult: ...

    def quote(self, code: str) -> Quote: ...

    def refresh(self) -> None: ...

    def has_pop_dialog(self) -> bool: ...

    def close_pop_dialog(self) -> bool:
        """Close the topmost pop-up; return whether there was one."""
        ...

    def exit(self) -> None:
        """Close the client (the paper broker just forgets the login)."""
        ...
