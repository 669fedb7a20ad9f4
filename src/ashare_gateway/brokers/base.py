"""The broker protocol: what every adapter (paper exchange, xiadan.exe, hexin.exe) implements.

The service layer and the HTTP dialects know only this protocol, in two parts: :class:`Trading` (the
account: queries, orders, cancels, IPO, quotes) and :class:`ClientControl` (the program: connect, log in,
its pop-ups, exit). What an adapter cannot do is declared up front in its :class:`Capabilities`, so the
service refuses with the adapter's own Chinese text before queueing a call, instead of finding out from a
``NotSupported`` raised half-way through driving a GUI. An adapter does not know HTTP, does
not validate A-share rules a second time (the service did), and raises
:class:`~ashare_gateway.domain.errors.GatewayError` subclasses with the broker's own text on refusal.
Calls are made one at a time per adapter instance (the service's lane guarantees it), so an adapter
needs no locking of its own for the GUI it drives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
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


class Operation(StrEnum):
    """The broker operations a provider may lack; the values are the Broker method names."""

    BALANCE = "balance"
    POSITIONS = "positions"
    TODAY_ENTRUSTS = "today_entrusts"
    TODAY_TRADES = "today_trades"
    CANCELABLE_ENTRUSTS = "cancelable_entrusts"
    CANCEL = "cancel"
    CANCEL_ALL = "cancel_all"
    AUTO_IPO = "auto_ipo"
    QUOTE = "quote"
    MARKET_ORDER = "market_order"


# The refusal when an adapter names no text of its own (its own text wins: it names the client).
OPERATION_NAMES: Mapping[Operation, str] = MappingProxyType(
    {
        Operation.BALANCE: "资金查询",
        Operation.POSITIONS: "持仓查询",
        Operation.TODAY_ENTRUSTS: "当日委托查询",
        Operation.TODAY_TRADES: "当日成交查询",
        Operation.CANCELABLE_ENTRUSTS: "可撤委托查询",
        Operation.CANCEL: "撤单",
        Operation.CANCEL_ALL: "全部撤单",
        Operation.AUTO_IPO: "新股申购",
        Operation.QUOTE: "行情查询",
        Operation.MARKET_ORDER: "市价委托",
    }
)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one provider's client can do, declared instead of discovered (a frozen value per adapter).

    A ``False`` operation is refused by the service with ``refusals[operation]`` (else a generic
    ``该客户端不支持…``) as a 501, before the call reaches the lane. ``captcha``: the client may put a
    copy captcha in front of a grid, which the adapter reads itself (brokers/ths/captcha/).
    ``in_process``: every call is work in this process (no GUI to wait for, well under a millisecond
    of Python plus one local commit), safe from any thread one at a time; the service then runs it in
    the caller's thread under the lane's lock (service/inline_lane.py) instead of handing it to a
    worker thread: each hand-off costs more than the paper exchange's own work (issue 15).
    """

    balance: bool = True
    positions: bool = True
    today_entrusts: bool = True
    today_trades: bool = True
    cancelable_entrusts: bool = True
    cancel: bool = True
    cancel_all: bool = True
    auto_ipo: bool = True
    quote: bool = True
    market_order: bool = True
    captcha: bool = False
    in_process: bool = False
    refusals: Mapping[Operation, str] = field(default_factory=lambda: MappingProxyType({}))

    def supports(self, operation: Operation) -> bool:
        return bool(getattr(self, operation.value))

    def refusal(self, operation: Operation) -> str:
        return self.refusals.get(operation) or f"该客户端不支持{OPERATION_NAMES[operation]}"

    def without(self, refusals: Mapping[Operation, str]) -> Capabilities:
        """These capabilities minus ``refusals`` (operation → the Chinese text that refuses it)."""
        flags: dict[str, bool] = {op.value: False for op in refusals}
        return dataclasses.replace(self, **flags, refusals=MappingProxyType({**self.refusals, **refusals}))


EVERYTHING = Capabilities()


@runtime_checkable
class Trading(Protocol):
    """The account behind a client: queries, orders, cancels, IPO, quotes. Every method may raise
    ``GatewayError``."""

    capabilities: Capabilities

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


@runtime_checkable
class ClientControl(Protocol):
    """The program itself: attach or log in, its pop-ups, keep it fresh, close it."""

    kind: str  # "sim", "xiadan", "xiadan-fake", "hexin", ...

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        """Attach to a client that is already running and logged in."""
        ...

    def login(self, credentials: Credentials) -> ConnectInfo:
        """Start the client if needed and log in."""
        ...

    def refresh(self) -> None: ...

    def has_pop_dialog(self) -> bool: ...

    def close_pop_dialog(self) -> bool:
        """Close the topmost pop-up; return whether there was one."""
        ...

    def exit(self) -> None:
        """Close the client (the paper broker just forgets the login)."""
        ...


@runtime_checkable
class Broker(Trading, ClientControl, Protocol):
    """One logged-in client (one account): both parts. Calls come one at a time (the service's lane)."""
