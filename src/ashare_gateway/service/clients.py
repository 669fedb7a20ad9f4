"""Connected clients: each one a broker adapter with its own lane, obtained from a broker provider.

A *provider* knows how to reach one kind of client (the paper exchange, a xiadan.exe, a hexin.exe) and
returns a logged-in :class:`~ashare_gateway.brokers.base.Broker`. The registry keeps one handle per
account, so two sessions on the same account share one client and one lane, as they must.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from ..brokers.base import Broker, ConnectInfo, Credentials
from ..brokers.sim.provider import SimProvider  # noqa: F401  (its home before the registry)
from ..domain import messages as msg
from ..domain.errors import AccountClash, BrokerUnavailable, UnknownAccount
from .coalescing import ReadCoalescer
from .inline_lane import InlineLane
from .lane import Lane

DEFAULT_ACCOUNT = "default"  # the one account of a gateway whose config.ini has no [Account:NAME]


@dataclass(slots=True)
class ClientHandle:
    key: str
    kind: str
    account: str
    broker: Broker
    lane: Lane | InlineLane
    info: ConnectInfo
    reads: ReadCoalescer
    name: str = DEFAULT_ACCOUNT  # the gateway account (config.ini [Account:NAME]) it belongs to


class BrokerProvider(Protocol):
    kind: str

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]: ...

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]: ...


class ClientRegistry:
    """The connected clients, one handle per (gateway account, broker account).

    Each gateway account (a ``config.ini`` ``[Account:NAME]`` section, or the single ``default``) has its
    own provider, so two xiadan.exe are two providers, each finding its own process. A broker account is
    served by one gateway account only: the journal, idempotency keys and risk limits are keyed by the
    broker account, so a second gateway account reaching the same one is refused rather than mixed.
    """

    def __init__(
        self,
        provider: BrokerProvider | Mapping[str, BrokerProvider],
        *,
        pacing: float = 0.0,
        read_freshness: float = 0.5,
        inline: bool = True,
    ) -> None:
        self.providers: dict[str, BrokerProvider] = (
            dict(provider) if isinstance(provider, Mapping) else {DEFAULT_ACCOUNT: provider}
        )
        if not self.providers:
            raise ValueError("a gateway needs at least one account")
        self.pacing = pacing
        self.read_freshness = read_freshness
        self.inline = inline  # an in-process client's calls run in the caller's thread (InlineLane)
        self._lock = threading.Lock()
        self._clients: dict[str, ClientHandle] = {}

    @property
    def names(self) -> list[str]:
        return list(self.providers)

    @property
    def provider(self) -> BrokerProvider:
        """The first account's provider (the only one unless config.ini names several)."""
        return next(iter(self.providers.values()))

    def provider_of(self, name: str) -> BrokerProvider:
        provider = self.providers.get(name)
        if provider is None:
            raise UnknownAccount(msg.UNKNOWN_ACCOUNT.format(name=name, names="、".join(self.providers)))
        return provider

    def connect(self, exe_path: str | None, *, account: str | None = None) -> ClientHandle:
        name = account or self.names[0]
        provider = self.provider_of(name)
        try:
            broker, info = provider.connect(exe_path)
        except BrokerUnavailable:
            raise
        except OSError as exc:
            raise BrokerUnavailable(f"{msg.CONNECT_FAILED}（{exc}）") from exc
        return self._register(name, provider, broker, info)

    def login(self, credentials: Credentials, *, account: str | None = None) -> ClientHandle:
        name = account or self.names[0]
        provider = self.provider_of(name)
        broker, info = provider.login(credentials)
        return self._register(name, provider, broker, info)

    def _register(
        self, name: str, provider: BrokerProvider, broker: Broker, info: ConnectInfo
    ) -> ClientHandle:
        # The single account keeps the key it always had (lanes and events name it).
        key = f"{provider.kind}:{info.account}"
        if len(self.providers) > 1:
            key = f"{name}/{key}"
        with self._lock:
            taken = [h.name for h in self._clients.values() if h.account == info.account and h.name != name]
            if taken:
                text = msg.ACCOUNT_CLASH.format(account=info.account, other=taken[0], name=name)
                raise AccountClash(text)
            handle = self._clients.get(key)
            if handle is None:
                handle = ClientHandle(
                    key,
                    provider.kind,
                    info.account,
                    broker,
                    self._lane(key, broker),
                    info,
                    ReadCoalescer(self.read_freshness),
                    name,
                )
                self._clients[key] = handle
            return handle

    def _lane(self, key: str, broker: Broker) -> Lane | InlineLane:
        """A worker thread for a desktop client; the caller's own thread for an in-process one, unless a
        pacing between calls is configured (a pause belongs on a worker, not on the event loop)."""
        if self.inline and broker.capabilities.in_process and self.pacing <= 0:
            return InlineLane(key)
        return Lane(key, pacing=self.pacing)

    def inline_for(self, name: str) -> bool:
        """Whether a call for gateway account ``name`` may be made right on the event loop: its client is
        in process (an :class:`InlineLane`) and no other thread is in a call on it now, so the loop will
        not wait for one. False before it is connected: the first call connects it, in a worker thread."""
        handles = self.of_account(name)
        return bool(handles) and all(h.lane.inline and h.lane.idle for h in handles)

    def of_account(self, name: str) -> list[ClientHandle]:
        with self._lock:
            return [h for h in self._clients.values() if h.name == name]

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
