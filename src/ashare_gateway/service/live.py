"""Live events, webhooks and the agents' settings, wired onto one gateway's journal, risk and clients.

Built once per gateway (``build_gateway``) before start-up reconciliation, so even the events of
orders a crash left open reach the stream.
"""

from __future__ import annotations

import configparser
import logging
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings, parse_ini
from ..domain.clock import Clock
from ..domain.errors import InvalidParameter
from ..store.db import open_engine
from .clients import ClientRegistry
from .events import EventBus
from .journal import Journal
from .order_events import JournalEvents, kill_switch_observer
from .order_watch import OrderWatch
from .risk import RiskGuard
from .webhooks import WebhookConfig, Webhooks, check_url, read_config

log = logging.getLogger(__name__)


@dataclass
class AgentSettings:
    """config.ini ``[mcp]``: may AI agents place orders through the MCP server? Off unless said so."""

    trading: bool = False
    proposal_ttl: float = 120.0  # seconds a proposal may wait for its confirmation

    @classmethod
    def read(cls, parser: configparser.ConfigParser | None) -> AgentSettings:
        if parser is None or not parser.has_section("mcp"):
            return cls()
        s = parser["mcp"]
        try:
            return cls(trading=s.getboolean("trading", False), proposal_ttl=s.getfloat("proposal_ttl", 120.0))
        except ValueError as exc:
            raise InvalidParameter(f"config.ini [mcp] 配置错误：{exc}") from None


@dataclass
class LiveHub:
    bus: EventBus
    watch: OrderWatch
    webhooks: Webhooks
    agents: AgentSettings = field(default_factory=AgentSettings)
    proposals: Any = None  # the agents' ProposalBook, made by the MCP server when trading is enabled

    def close(self) -> None:
        self.webhooks.close()
        self.bus.db.dispose()


def start_live(
    settings: Settings, journal: Journal, risk: RiskGuard, clients: ClientRegistry, clock: Clock
) -> LiveHub:
    parser = parse_ini(settings.config_path) if settings.config_path else None
    hooks = read_config(parser) if parser is not None else WebhookConfig()
    hooks.urls = [*hooks.urls, *(check_url(u) for u in settings.webhooks)]
    hooks.secret = settings.webhook_secret or hooks.secret
    if hooks.urls and not hooks.secret:
        log.warning("webhooks have no secret: deliveries are not signed")
    db = open_engine(settings.journal_path, synchronous="NORMAL")  # events are rebuilt-free, not orders
    bus = EventBus(db, now=clock.now, hot=journal.hot)
    journal.observers.append(JournalEvents(journal, bus))
    risk.observers.append(kill_switch_observer(bus))
    watch = OrderWatch(clients, bus, pace=settings.events_poll, deadline=settings.deadline)
    return LiveHub(bus, watch, Webhooks(db, bus, hooks), AgentSettings.read(parser))
