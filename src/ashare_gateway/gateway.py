"""The composition root: builds the exchange, the broker provider, the service, from :class:`Settings`.

The only module that knows every concrete class; everything else receives what it needs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .brokers.sim import SimExchange
from .config import Settings
from .domain.clock import Clock
from .domain.errors import InvalidParameter
from .domain.sessions import TradingCalendar
from .service.clients import BrokerProvider, ClientRegistry, SimProvider
from .service.trader import TraderService

log = logging.getLogger(__name__)


@dataclass
class Gateway:
    settings: Settings
    exchange: SimExchange
    service: TraderService

    def close(self) -> None:
        self.exchange.db.dispose()


def build_gateway(settings: Settings, *, clock: Clock | None = None) -> Gateway:
    calendar = TradingCalendar(always_open=settings.always_open)
    exchange = SimExchange(settings.db_path, clock=clock, calendar=calendar)
    provider = make_provider(settings, exchange)
    service = TraderService(
        ClientRegistry(provider, pacing=settings.pacing), clock=clock, deadline=settings.deadline
    )
    service.auto_login(settings.credentials)
    return Gateway(settings, exchange, service)


def make_provider(settings: Settings, exchange: SimExchange) -> BrokerProvider:
    if settings.broker == "sim":
        return SimProvider(exchange)
    if settings.broker == "xiadan-fake":
        from .brokers.xiadan.fake_factory import FakeXiadanProvider

        return FakeXiadanProvider(exchange)
    if settings.broker == "xiadan":
        from .brokers.xiadan.provider import XiadanProvider

        return XiadanProvider(exe_path=settings.exe_path)
    raise InvalidParameter(f"未知的 broker：{settings.broker}")
