"""Connected clients: each one a broker adapter with its own lane, obtained from a broker provider.

A *provider* knows how to reach one kind of client (the paper exchange, a xiadan.exe, a hexin.exe) and
returns a logged-in :class:`~ashare_gateway.brokers.base.Broker`. The registry keeps one handle per
account, so two sessions on the same account share one client and one lane, as they must.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..brokers.base import Broker, ConnectInfo, Credentials
from ..domain import messages as msg
from ..domain.errors import BrokerUnavailable
from .coalescing import ReadCoalescer
from .lane import Lane


@dataclass(slots=True)
class ClientHandle:
    key: str
    kind: str
    account: str
    broker: Broker
    lane: Lane
    info: ConnectInfo
    reads: ReadCoalescer


class BrokerProvider(Protocol):
    kind: str

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]: ...

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]: ...


class SimProvider:
    """The paper exchange: ``connect`` attaches to the demo account; ``login`` opens or checks an account.

    A paper account is opened at its first login with the passwords given (stored as scrypt hashes);
    later logins must match them. That is how the spec's §7.2 example works on a fresh machine.
    """

    kind = "sim"

    def __init__(self, exchange, *, opening_cash: Decimal = Decimal("1000000")) -> None:
        self.exchange = exchange
        self.opening_cash = opening_cash

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        user = self.exchange.ensure_demo_account()
        broker = self.exchange.broker(user)
        return broker, broker.connect(exe_path)

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        if not self.exchange.has_account(credentials.user):
            self.exchange.create_account(
                credentials.user, credentials.password, credentials.comm_password, cash=self.opening_cash
            )
        broker = self.exchange.broker(credentials.user)
        return broker, broker.login(credentials)


class ClientRegistry:
    def __init__(self, provider: BrokerProvider, *, pacing: float = 0.0, read_freshness: float = 0.5) -> None:
        self.provider = provider
        self.pacing = pacing
        self.read_freshness = read_freshness
        self._lock = threading.Lock()
        self._clients: dict[str, ClientHandle] = {}

    def connect(self, exe_path: str | None) -> ClientHandle:
        try:
            broker, info = self.provider.connect(exe_path)
        except BrokerUnavailable:
            raise
        except OSError as exc:
            raise BrokerUnavailable(f"{msg.CONNECT_FAILED}（{exc}）") from exc
        return self._register(broker, info)

    def login(self, credentials: Credentials) -> ClientHandle:
        broker, info = self.provider.login(credentials)
        return self._register(broker, info)

    def _register(self, broker: Broker, info: ConnectInfo) -> ClientHandle:
        key = f"{self.provider.kind}:{info.account}"
        with self._lock:
            handle = self._clients.get(key)
            if handle is None:
                handle = ClientHandle(
                    key,
                    self.provider.kind,
                    info.account,
                    broker,
                    Lane(key, pacing=self.pacing),
                    info,
                    ReadCoalescer(self.read_freshness),
                )
                self._clients[key] = handle
            return handle

    def get(self, key: str) -> ClientHandle | None:
        with self._lock:
            return self._clients.get(key)

    def drop(self, key: str) -> None:
        """Forget a client that exited; its lane closes with it (its worker thread ends)."""
        with self._lock:
            handle = self._clients.pop(key, None)
        if handle is not None:
            handle.lane.close()

    def close(self) -> None:
        """Close every lane (the gateway is shutting down); the handles stay listed for inspection."""
        for handle in self.all():
            handle.lane.close()

    def all(self) -> list[ClientHandle]:
        with self._lock:
            return list(self._clients.values())
