"""国债逆回购 dates, interest, fees and the paper exchange's resting repo orders across a restart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from ashare_gateway.brokers.sim import repo_book
from ashare_gateway.brokers.sim.exchange import SimExchange
from ashare_gateway.domain import repo
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.service.repo_lending import lendable

CAL = TradingCalendar()


@pytest.mark.parametrize(
    ("code", "trade", "first", "maturity", "settle", "days"),
    [
        # the 同花顺 help page's table: Thursday 1/3 days, Friday 1/3 days
        ("204001", "2026-12-03", "2026-12-04", "2026-12-04", "2026-12-07", 3),
        ("204003", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", 4),
        ("131810", "2026-12-04", "2026-12-07", "2026-12-07", "2026-12-08", 1),
        ("131800", "2026-12-04", "2026-12-07", "2026-12-07", "2026-12-08", 1),
        ("204007", "2026-12-02", "2026-12-03", "2026-12-09", "2026-12-10", 7),
        ("204002", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", 9),  # 国庆 inside
    ],
)
def test_schedule(code: str, trade: str, first: str, maturity: str, settle: str, days: int) -> None:
    got = repo.schedule(repo.instrument(code), dt.date.fromisoformat(trade), CAL)
    want = tuple(dt.date.fromisoformat(x) for x in (first, maturity, settle))
    assert (got.first_settlement, got.maturity, got.maturity_settlement, got.days) == (*want, days)


def test_interest_and_commission_by_tenor() -> None:
    assert repo.interest(D(100000), D("1.58"), 3) == D("12.99")  # 12.986…
    assert [str(repo.commission(d, D(100000))) for d in repo.TENORS] == [
        "1.00", "2.00", "3.00", "4.00", "5.00", "10.00", "20.00", "30.00", "30.00",
    ]  # fmt: skip


def test_lendable_leaves_room_for_the_fee() -> None:
    assert lendable(D("1000.00"), D(0), 1) == 0  # ¥1,000 + ¥0.01 fee does not fit
    assert lendable(D("1000.01"), D(0), 1) == 10
    assert lendable(D("50000000"), D(0), 1) == repo.MAX_PER_ORDER
    assert lendable(D("12345.67"), D("2345.67"), 182) == 90  # ¥10,000 + ¥3 fee > ¥10,000


def test_a_resting_repo_order_fills_after_a_restart_at_its_own_rate(tmp_path: Path) -> None:
    day = dt.date(2026, 12, 3)
    start = repo_book.index_at(dt.time(10, 0))
    path = repo_book.day_path("131810", day)
    top = max(path[start + 1 :])
    assert top > path[start]
    clock = ManualClock("2026-12-03 10:00")
    first = SimExchange(tmp_path / "paper.sqlite3", clock=clock)
    user = first.ensure_demo_account()
    ack = first.broker(user).place_order(
        OrderRequest(code="131810", side=Side.SELL, amount=10, price=repo_book.to_rate(top))
    )
    first.db.dispose()
    clock.set("2026-12-03 15:30")
    again = SimExchange(tmp_path / "paper.sqlite3", clock=clock)
    loans = again.broker(user).repo_loans()
    assert [(x.contract_no, x.rate) for x in loans] == [(ack.contract_no, repo_book.to_rate(top))]
    assert again.broker(user).balance().frozen == 0
