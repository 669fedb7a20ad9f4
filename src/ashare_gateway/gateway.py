"""The composition root: builds the exchange, the broker provider, the journal and the service.

The only module that knows every concrete class; everything else receives what it needs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import registry
from .accounts_config import AccountConfig, accounts_of, file_accounts
from .brokers.sim import SimExchange
from .brokers.sim.sources import make_quote_source
from .config import Settings, parse_ini
from .domain.clock import Clock, SimulatedClock, SystemClock, parse_start
from .domain.errors import InvalidParameter
from .domain.sessions import TradingCalendar, read_closures
from .service.account_directory import AccountDirectory
from .service.clients import BrokerProvider, ClientRegistry
from .service.conditions import ConditionDesk, start_conditions
from .service.journal import Journal
from .service.live import LiveHub, start_live
from .service.orders import OrderDesk
from .service.risk import RiskGuard, RiskLimits, load_limits, parse_limits
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
    accounts: list[AccountConfig]
    conditions: ConditionDesk | None = None  # conditional orders (service/conditions.py)

    @property
    def gui(self) -> bool:
        """A desktop client (real or its fake) among the accounts: its quotes are only ever the source the
        user chose."""
        return any(registry.get(a.broker).has(registry.Capability.DESKTOP_CLIENT) for a in self.accounts)

    def account(self, name: str) -> AccountConfig:
        return next(a for a in self.accounts if a.name == name)

    def quote_status(self) -> dict:
        """For /health: where quotes come from, and the risk limits that cannot be checked without them."""
        available = not self.gui or self.settings.quotes is not None
        source = self.settings.quotes or (None if self.gui else "offline")
        return {
            "source": source,
            "available": available,
            "unchecked_risk_limits": [] if available else self.risk.quote_limits(),
        }

    def close(self) -> None:
        if self.conditions is not None:
            self.conditions.close()
        self.service.clients.close()
        self.live.close()
        self.exchange.db.dispose()
        self.journal.close()


def build_gateway(settings: Settings, *, clock: Clock | None = None) -> Gateway:
    # Read first, and kept on the settings: [Account:NAME] logins mean real hours, as [Account] does.
    if not settings.accounts:
        settings.accounts = file_accounts(settings)  # the implicit single account is never kept
    accounts = accounts_of(settings)
    clock = clock or market_clock(settings)
    calendar = market_calendar(settings, clock)
    quotes = make_quote_source(settings.quotes or "offline")
    exchange = SimExchange(settings.db_path, clock=clock, calendar=calendar, quotes=quotes)
    providers = {a.name: make_provider(settings, exchange, a) for a in accounts}
    journal = Journal(settings.journal_path, now=clock.now, synchronous=settings.journal_sync)
    default, per_account = account_limits(settings, accounts)
    risk = RiskGuard(journal.db, default=default, per_account=per_account, now=clock.now, hot=journal.hot)
    desk = OrderDesk(
        journal, risk, now=clock.now, deadline=settings.deadline, duplicate_window=settings.duplicate_window
    )
    clients = ClientRegistry(
        providers,
        pacing=settings.pacing,
        read_freshness=settings.read_freshness,
        inline=settings.inline_paper,
    )
    service = TraderService(
        clients,
        # Sessions idle out on wall time: a jump of the simulated market clock must not log users out.
        clock=SystemClock() if isinstance(clock, SimulatedClock) else clock,
        deadline=settings.deadline,
        orders=desk,
        market_state=lambda: calendar.state(clock.now()),
        orders_in_flight=settings.orders_in_flight,
    )
    gui = any(registry.get(a.broker).has(registry.Capability.DESKTOP_CLIENT) for a in accounts)
    if not gui or settings.quotes is not None:
        # The paper exchange prices from the source chosen; a GUI broker only gets it if the user chose one
        # (``--quotes``): the paper's own offline walk would be made-up prices for a real account.
        service.quote_source = exchange.quote
    live = start_live(settings, journal, risk, clients, clock)  # before reconciliation: its events count
    live.bus.account_name = AccountDirectory.of(clients, accounts).name_of  # events name their account
    for account in accounts:
        service.auto_login(account.credentials, account=account.name)
    settled = service.reconcile_all()  # orders whose outcome a crash lost are settled before new ones
    if settled:
        log.warning("reconciled %d order(s) left open by the previous run", settled)
    conditions = start_conditions(
        service,
        journal.db,
        # Several accounts: any desktop one makes the gateway's quotes matter, so it decides the refusal.
        broker=next((a.broker for a in accounts if a.broker != "sim"), settings.broker),
        quotes=settings.quotes,
        clock=clock,
        exchange=exchange,
        bus=live.bus,
    )
    return Gateway(settings, exchange, service, journal, risk, live, accounts, conditions)


def account_limits(
    settings: Settings, accounts: list[AccountConfig]
) -> tuple[RiskLimits, dict[str, RiskLimits]]:
    """[Risk] and [Risk:<broker account>], then each [Account:NAME]'s own risk keys over them."""
    if settings.config_path is None:
        return RiskLimits(), {}
    parser = parse_ini(settings.config_path)
    default, per_account = load_limits(parser)
    for account in accounts:
        if account.section is not None and account.credentials is not None:
            user = account.credentials.user
            per_account[user] = parse_limits(parser[account.section], per_account.get(user, default))
    return default, per_account


def market_clock(settings: Settings) -> Clock:
    """The wall clock, or with ``--start-at`` the paper market's simulated one (paper broker only)."""
    if settings.start_at is None:
        return SystemClock()
    kinds = {a.broker for a in accounts_of(settings)}
    if not all(registry.get(kind).has(registry.Capability.SIMULATED_CLOCK) for kind in kinds):
        raise InvalidParameter(START_AT_PAPER_ONLY)
    return SimulatedClock(parse_start(settings.start_at), settings.speed)


def market_calendar(settings: Settings, clock: Clock) -> TradingCalendar:
    """XSHG days plus the user's closures file; loaded now, and warned about when its data runs out."""
    closures = read_closures(settings.holidays_path) if settings.holidays_path else ()
    calendar = TradingCalendar(always_open=settings.always_open, closures=closures)
    if not calendar.always_open:
        calendar.load()
        warning = calendar.warning(clock.now().date())
        if warning:
            log.warning("%s", warning)
    return calendar


START_AT_PAPER_ONLY = (
    "--start-at 只能用于纸面交易所（--broker sim）：券商客户端的时间由券商系统决定，不能模拟"
)


def make_provider(settings: Settings, exchange: SimExchange, account: AccountConfig) -> BrokerProvider:
    """The account's provider, from its flavour's plug-in (see :mod:`ashare_gateway.registry`)."""
    plugin = registry.get(account.broker)
    return plugin.factory(registry.ProviderContext(exchange, settings, account))
