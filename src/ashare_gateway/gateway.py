"""The composition root: builds the exchange, the broker provider, the journal and the service.

The only module that knows every concrete class; everything else receives what it needs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .brokers.sim import SimExchange
from .brokers.sim.sources import make_quote_source
from .config import Settings, parse_ini
from .domain.clock import Clock, SystemClock
from .domain.errors import InvalidParameter
from .domain.sessions import TradingCalendar
from .service.clients import BrokerProvider, ClientRegistry, SimProvider
from .service.journal import Journal
from .service.live import LiveHub, start_live
from .service.orders import OrderDesk
from .service.risk import RiskGuard, RiskLimits, load_limits
from .service.trader import TraderService

log = logging.getLogger(__name__)


@dataclass
class Gateway:
    settings: Settings
    exchange: SimExchange
    service: TraderService
    journal: Journal
    risk: RiskGuard
    live: LiveHub

    def close(self) -> None:
        self.live.close()
        self.exchange.db.dispose()
        self.journal.close()


def build_gateway(settings: Settings, *, clock: Clock | None = None) -> Gateway:
    clock = clock or SystemClock()
    calendar = TradingCalendar(always_open=settings.always_open)
    quotes = make_quote_source(settings.quotes)
    exchange = SimExchange(settings.db_path, clock=clock, calendar=calendar, quotes=quotes)
    provider = make_provider(settings, exchange)
    journal = Journal(settings.journal_path, now=clock.now, synchronous=settings.journal_sync)
    default, per_account = (
        load_limits(parse_ini(settings.config_path)) if settings.config_path else (RiskLimits(), {})
    )
    risk = RiskGuard(journal.db, default=default, per_account=per_account, now=clock.now)
    desk = OrderDesk(
        journal, risk, now=clock.now, deadline=settings.deadline, duplicate_window=settings.duplicate_window
    )
    registry = ClientRegistry(provider, pacing=settings.pacing, read_freshness=settings.read_freshness)
    service = TraderService(
        registry,
        clock=clock,
        deadline=settings.deadline,
        orders=desk,
        market_state=lambda: calendar.state(clock.now()),
    )
    service.quote_source = exchange.quote  # the same quote source the paper exchange trades on
    live = start_live(settings, journal, risk, registry, clock)  # before reconciliation: its events count
    service.auto_login(settings.credentials)
    settled = service.reconcile_all()  # orders whose outcome a crash lost are settled before new ones
    if settled:
        log.warning("reconciled %d order(s) left open by the previous run", settled)
    return Gateway(settings, exchange, service, journal, risk, live)


def make_provider(settings: Settings, exchange: SimExchange) -> BrokerProvider:
    if settings.broker == "sim":
        return SimProvider(exchange)
    if settings.broker == "xiadan-fake":
        from .brokers.xiadan.fake_factory import FakeXiadanProvider

        return FakeXiadanProvider(exchange, flavour=settings.flavour)
    if settings.broker == "xiadan":
        from .brokers.xiadan.provider import XiadanProvider

        return XiadanProvider(exe_path=settings.exe_path, flavour=settings.flavour)
    if settings.broker == "hexin-fake":
        from .brokers.hexin.fake_factory import FakeHexinProvider

        return FakeHexinProvider(exchange)
    if settings.broker == "hexin":
        from .brokers.hexin.provider import HexinProvider

        return HexinProvider(exe_path=settings.exe_path)
    raise InvalidParameter(f"未知的 broker：{settings.broker}")
