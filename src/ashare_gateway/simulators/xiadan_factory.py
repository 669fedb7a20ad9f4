"""Build a XiadanBroker driving the fake xiadan.exe on top of a paper broker: the whole GUI path on Linux.

Used by ``ashare-gateway serve --broker xiadan-fake``, by the GUI tests and by the benchmark. The fake
starts running and logged in, so both ``connect()`` and ``login()`` work at once (login delegates the
password check to the paper broker, as the real client delegates it to the broker's server).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..brokers.base import Broker, ConnectInfo, Credentials
from ..brokers.ths.adapter import XiadanBroker
from ..brokers.ths.layouts import layout_for
from ..brokers.ths.timeouts import Timeouts
from ..domain.clock import Clock
from ..domain.errors import BrokerUnavailable
from ..domain.instruments import Kind, Market, parse_security, resolve_code
from ..domain.messages import LOGIN_FAILED
from .processes import FakeProcesses, ProcessDriver, processes_of
from .xiadan.builds import BUILDS, FakeBuild
from .xiadan.client import FakeXiadan
from .xiadan.faults import Faults, Latency

FAKE_EXE = {"ht": r"C:\htwt\xiadan.exe", "universal": r"C:\ths\xiadan.exe"}


def make_fake_xiadan_broker(
    sim_broker: Broker,
    flavour: str = "ht",
    *,
    logged_in: bool = True,
    password: str = "",
    exe_path: str | None = None,
    timeouts: Timeouts | None = None,
    keepalive_interval: float | None = None,
    export_dir: str | None = None,
    clock: Clock | None = None,
    build: FakeBuild | None = None,
    processes: FakeProcesses | None = None,
    client_clock: Callable[[], float] | None = None,
    **faults: Any,
) -> XiadanBroker:
    """A XiadanBroker of ``flavour`` ('ht' or 'universal') over a fake client trading on ``sim_broker``.

    ``faults`` are :class:`~ashare_gateway.simulators.xiadan.faults.Faults` fields (``latency`` may be a
    ``Latency`` or a dict). The fake client is ``broker.driver``; its ``events``/``misuse`` tell tests
    what it saw. ``exe_path`` is where the fake client is "installed" (default: one of the layout's
    usual folders); ``password`` unlocks its lock screen when it starts logged in. ``build`` is the
    client build the fake plays (default: the flavour's usual one), e.g. ``UNIVERSAL_NEW_BUILD``.
    ``client_clock`` is the fake client's time (default ``time.monotonic``): a test that holds it still
    decides when each modelled latency lands, whatever the machine's load.
    """
    layout = layout_for(flavour)
    if isinstance(faults.get("latency"), dict):
        faults["latency"] = Latency(**faults["latency"])
    fake = FakeXiadan(
        sim_broker,
        build=build or BUILDS[flavour],
        faults=Faults(**faults),
        exe_path=exe_path or FAKE_EXE[flavour],
        running=True,
        logged_in=logged_in,
        password=password,
        ipo_offers=_ipo_offers_of(sim_broker),
        clock=client_clock or time.monotonic,
    )
    # On a fake machine with several clients, the broker holds its own process (found by pid, not title).
    driver = ProcessDriver(processes, processes.spawn(fake)) if processes is not None else fake
    return XiadanBroker(
        driver,
        layout,
        timeouts=timeouts,
        kind="xiadan-fake",
        path_exists=fake.file_exists,
        export_dir=export_dir,
        keepalive_interval=keepalive_interval,
        # "Today" for grids without a date column: the paper exchange's clock, which tests move.
        clock=clock or getattr(getattr(sim_broker, "exchange", None), "clock", None),
    )


def _ipo_offers_of(sim_broker: Broker):
    """Today's new issues as the client's 新股申购 grid lists them: the account's quota (0 on a market it
    holds nothing on), the ones not yet applied for."""
    exchange = getattr(sim_broker, "exchange", None)
    if exchange is None:
        return None

    def offers() -> list[dict[str, Any]]:
        from ..brokers.sim.exchange import ipo_quota

        values: dict[Market, Decimal] = {}
        for p in sim_broker.positions():
            if resolve_code(p.code).kind is Kind.STOCK:
                values[p.market] = values.get(p.market, Decimal(0)) + p.market_value
        account_id = getattr(sim_broker, "account_id", None)
        subscribed = exchange.ipo_subscriptions(account_id) if account_id is not None else []
        done = {r["code"] for r in subscribed}
        rows = []
        for offer in exchange.quotes.ipos(exchange.business_date()):
            sec = parse_security(offer.code)
            amount = min(ipo_quota(sec, values), offer.max_amount)
            # A row with no quota is listed too (可申购数量 0): the real grid shows every issue of the day
            # and easytrader's auto_ipo unticks those rows (clienttrader.py:330-342).
            if offer.code not in done:
                rows.append(
                    {
                        "申购代码": offer.code,
                        "证券名称": offer.name,
                        "申购价格": float(offer.price),
                        "可申购数量": amount,
                        "交易市场": sec.market.label,
                    }
                )
        return rows

    return offers


class FakeXiadanProvider:
    """The service's provider for ``--broker xiadan-fake``: one fake client per paper account.

    ``connect`` attaches to the demo account's client (running and logged in); ``login`` opens the
    paper account at first use, like the sim provider, then starts the fake client and logs in through
    its login window. A client already made for an account is reused, so a second connect does not
    start a second keep-alive.
    """

    kind = "xiadan-fake"

    def __init__(
        self,
        exchange: Any,
        flavour: str = "ht",
        *,
        keepalive_interval: float | None = 60.0,
        opening_cash: Decimal = Decimal("1000000"),
        **faults: Any,
    ) -> None:
        self.exchange = exchange
        self.flavour = flavour
        self.keepalive_interval = keepalive_interval
        self.opening_cash = opening_cash
        self.faults = faults
        self._brokers: dict[str, XiadanBroker] = {}

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        from ..brokers.sim.exchange import DEMO_PASSWORD

        user = self.exchange.ensure_demo_account()
        broker = self._broker(user, exe_path, logged_in=True, password=DEMO_PASSWORD)
        info = broker.connect(exe_path)
        return broker, ConnectInfo(info.exe_path, user, info.main_window_title)

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        if not self.exchange.has_account(credentials.user):
            self.exchange.create_account(
                credentials.user, credentials.password, credentials.comm_password, cash=self.opening_cash
            )
        elif not self.exchange.check_login(credentials.user, credentials.password, credentials.comm_password):
            # The broker's server refuses wrong passwords even when a client for the account is already up.
            raise BrokerUnavailable(LOGIN_FAILED, status_code=401)
        broker = self._broker(credentials.user, credentials.exe_path, logged_in=False, password="")
        return broker, broker.login(credentials)

    def _broker(self, user: str, exe_path: str | None, *, logged_in: bool, password: str) -> XiadanBroker:
        broker = self._brokers.get(user)
        if broker is None or not broker.driver.is_alive():
            broker = make_fake_xiadan_broker(
                self.exchange.broker(user),
                self.flavour,
                logged_in=logged_in,
                password=password,
                exe_path=exe_path,
                keepalive_interval=self.keepalive_interval,
                processes=processes_of(self.exchange),  # one fake machine per gateway, every account on it
                **self.faults,
            )
            self._brokers[user] = broker
        return broker
