"""Fixtures for the xiadan GUI tests: a paper exchange, and the real adapter driving the fake client.

Every broker made here is checked at teardown: the fake must have recorded no misuse (typing into the
wrong field, appending, input under a modal dialog, fields of two orders mixed), unless a test says
it expects some.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from ashare_gateway.brokers.base import Credentials
from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.brokers.ths.timeouts import Timeouts
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.models import Balance
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.simulators.xiadan import FakeXiadan
from ashare_gateway.simulators.xiadan_factory import make_fake_xiadan_broker

USER, PASSWORD, COMM = "gui", "trade-pass", "comm-pass"
# Short deadlines, so a test that provokes a timeout ends soon; the others finish long before theirs
# (generous enough for a loaded CI machine).
FAST = Timeouts(
    control=1.0,
    lookup=0.5,
    field=1.0,
    dialog=1.0,
    result=0.3,
    result_quiet=0.2,
    dialog_close=2.0,
    query=2.0,
    copy=0.3,
    save=2.0,
    start=2.0,
    login=2.0,
    exit=2.0,
)


@pytest.fixture
def exchange(tmp_path) -> SimExchange:
    # A clock that stands still: the demo market's prices move with the clock, and a test comparing an
    # order's price with a quote taken a moment later must see the same snapshot.
    ex = SimExchange(
        tmp_path / "paper.sqlite3",
        calendar=TradingCalendar(always_open=True),
        clock=ManualClock("2026-11-20 10:00:00"),
    )
    # No 通讯密码 on the paper account: the 华泰 requirement is enforced by the adapter and the fake
    # login window.
    ex.create_account(
        USER,
        PASSWORD,
        cash=Decimal("1000000"),
        holdings=(
            ("600000", 1000, Decimal("8.50")),
            ("000001", 1000, Decimal("10.80")),
            ("688981", 400, Decimal("90.00")),
        ),
    )
    return ex


@pytest.fixture
def sim(exchange):
    return exchange.broker(USER)


@pytest.fixture(params=["ht", "universal"])
def flavour(request) -> str:
    return request.param


def credentials(flavour: str, password: str = PASSWORD) -> Credentials:
    return Credentials(USER, password, COMM if flavour == "ht" else None)


@pytest.fixture
def creds() -> Callable[..., Credentials]:
    """``creds(flavour, password=...)``: the test account's login (通讯密码 only for 华泰)."""
    return credentials


@pytest.fixture
def cash() -> Callable[[Balance], tuple]:
    """The cash side of a balance: market value moves with the paper market between two reads."""
    return lambda b: (b.cash, b.frozen, b.available, b.withdrawable)


@pytest.fixture
def fast() -> Timeouts:
    return FAST


@pytest.fixture
def make(sim, tmp_path) -> Iterator[Callable[..., XiadanBroker]]:
    """``make(flavour, allow_misuse=False, **faults)`` → a connected XiadanBroker over a fake client."""
    made: list[tuple[XiadanBroker, bool]] = []

    def factory(
        flavour: str = "ht",
        *,
        allow_misuse: bool = False,
        connect: bool = True,
        timeouts: Timeouts = FAST,
        **kw,
    ) -> XiadanBroker:
        broker = make_fake_xiadan_broker(
            sim, flavour, timeouts=timeouts, export_dir=str(tmp_path), password=PASSWORD, **kw
        )
        made.append((broker, allow_misuse))
        if connect:
            broker.connect()
        return broker

    yield factory
    for broker, allow in made:
        broker.exit()
        fake: FakeXiadan = broker.driver  # type: ignore[assignment]
        if not allow:
            assert fake.misuse == [], fake.misuse
