"""批量新股申购 against the unkind fake: every issue of the day is listed (those without quota too), nothing
is ticked until 全选, and 全选 ticks them all. The adapter must untick the rows without quota (a click
on the row's check cell, as easytrader does) and never apply for one; the result says what was skipped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.brokers.sim.quotes import IpoOffer, OfflineQuotes
from ashare_gateway.brokers.ths.ipo import confirm_codes
from ashare_gateway.brokers.ths.layouts import GridGeometry, layout_for
from ashare_gateway.domain import messages as msg
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.errors import OrderRejected
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.simulators.xiadan_factory import make_fake_xiadan_broker

from .conftest import FAST, PASSWORD, USER

# Grid order: SZ, SH STAR, SZ, SH main. An account holding only SH shares has a quota on rows 1 and 3.
OFFERS = [
    IpoOffer("001366", "播恩集团", Decimal("7.41"), 10000),
    IpoOffer("787001", "示例科技", Decimal("18.88"), 5000),
    IpoOffer("301633", "示例创业", Decimal("20.00"), 6000),
    IpoOffer("732001", "示例主板", Decimal("9.99"), 20000),
]
SH = {"787001", "732001"}
SZ = {"001366", "301633"}


def _exchange(tmp_path, holdings) -> SimExchange:
    ex = SimExchange(
        tmp_path / "paper.sqlite3",
        calendar=TradingCalendar(always_open=True),
        clock=ManualClock("2026-11-20 10:00:00"),
        quotes=OfflineQuotes(ipos=OFFERS),
    )
    ex.create_account(USER, PASSWORD, cash=Decimal("1000000"), holdings=holdings)
    return ex


@pytest.fixture
def sh_only(tmp_path) -> SimExchange:
    return _exchange(tmp_path, (("600000", 2000, Decimal("8.50")),))


@pytest.fixture
def broker_of(tmp_path):
    made = []

    def make(exchange: SimExchange, flavour: str, **kw):
        broker = make_fake_xiadan_broker(
            exchange.broker(USER), flavour, timeouts=FAST, export_dir=str(tmp_path), password=PASSWORD, **kw
        )
        broker.connect()
        made.append(broker)
        return broker

    yield make
    for broker in made:
        broker.exit()


def _subscribed(exchange: SimExchange) -> set[str]:
    return {r["code"] for r in exchange.ipo_subscriptions(exchange.broker(USER).account_id)}


@pytest.mark.parametrize("flavour", ["ht", "universal"])
def test_rows_without_quota_are_unticked_and_never_applied_for(sh_only, broker_of, flavour) -> None:
    broker = broker_of(sh_only, flavour)
    result = broker.auto_ipo()
    fake = broker.driver
    assert fake.misuse == []  # no row without quota went to the broker
    assert _subscribed(sh_only) == SH
    assert {a.code for a in result.applied} == SH and result.entitled == 2
    assert {(s.code, s.reason) for s in result.skipped} == {(c, msg.IPO_NO_QUOTA) for c in SZ}
    # Each no-quota row (0 and 2) was clicked once, in its check cell.
    ticks = [e.detail for e in fake.events if e.kind == "ipo_tick"]
    assert ticks == ["0:off", "2:off"]


def test_a_click_that_misses_its_row_is_caught_by_the_confirm(sh_only, broker_of) -> None:
    """Another DPI or row height: the click unticks the wrong row. The 申购确认 names a no-quota issue,
    so the adapter answers 否 and refuses; nothing is applied for."""
    broker = broker_of(sh_only, "ht")
    broker.use_layout(broker.layout.with_changes(grid_geometry=GridGeometry(row_height=8)))
    with pytest.raises(OrderRejected, match="没有申购额度的新股"):
        broker.auto_ipo()
    assert _subscribed(sh_only) == set()
    assert broker.driver.misuse == []


def test_a_click_beside_the_check_cell_unticks_nothing_and_is_refused(sh_only, broker_of) -> None:
    broker = broker_of(sh_only, "universal")
    broker.use_layout(broker.layout.with_changes(grid_geometry=GridGeometry(check_x=60)))
    with pytest.raises(OrderRejected, match="001366、301633"):
        broker.auto_ipo()
    assert _subscribed(sh_only) == set()


def test_the_confirm_names_the_codes_it_will_apply_for() -> None:
    listed = {"787001", "001366", "732001"}
    text = "您确定要申购以下2只新股吗？\n787001 示例科技 1500\n732001 示例主板 1000"
    assert confirm_codes(text, listed) == {"787001", "732001"}
    assert confirm_codes("您确定要申购2只新股吗？", listed) is None  # a build that only counts
    assert confirm_codes("申购数量 1787001 股", listed) is None  # digits inside a longer number


def test_no_quota_at_all_applies_for_nothing_and_says_why(tmp_path, broker_of) -> None:
    exchange = _exchange(tmp_path, ())
    broker = broker_of(exchange, "universal")
    result = broker.auto_ipo()
    assert result.entitled == 0 and result.applied == []
    assert {s.code for s in result.skipped} == SH | SZ
    assert not [e for e in broker.driver.events if e.kind in ("ipo", "ipo_tick")]


def test_the_universal_ipo_page_is_found_by_its_menu_path_piliang_xingu_shengou(sh_only, broker_of) -> None:
    """Universal builds name the page 新股申购/批量新股申购 (easytrader config/client.py:80, :193); a
    build whose WM_COMMAND ids differ is reached through the menu tree."""
    broker = broker_of(sh_only, "universal")
    broker.use_layout(layout_for("universal").with_changes(navigation="tree"))
    assert {a.code for a in broker.auto_ipo().applied} == SH
