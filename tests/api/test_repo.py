"""国债逆回购 on the paper exchange, over HTTP, with the simulated clock moving the days.

A repo is a sell of the repo code with the annualised rate as the price, in 张 of ¥100. These tests
check the dates and the money a client sees: the cash leaves 可用 at once, the interest is counted over
the occupancy days (a Thursday GC001 earns three, a holiday stretches it), principal and interest are
usable on the maturity clearing day and withdrawable on the maturity settlement day; and the
refusals, with their reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import httpx
import pytest

from ashare_gateway.brokers.sim import repo_book
from ashare_gateway.config import Settings
from tests.conftest import serve

CENT = D("0.01")


@contextmanager
def market(tmp_path: Path, start: str) -> Iterator[httpx.Client]:
    settings = Settings(data_dir=tmp_path, start_at=start, speed=0, read_freshness=0)
    with serve(settings, None) as served, httpx.Client(base_url=served.url, timeout=30) as c:  # type: ignore[arg-type]
        yield c


def ok(resp: httpx.Response):
    body = resp.json()
    assert resp.status_code == 200, body
    return body["data"]


def refused(resp: httpx.Response) -> str:
    body = resp.json()
    assert 400 <= resp.status_code < 500, body
    return body["message"]


def to(c: httpx.Client, when: str) -> None:
    ok(c.post("/api/admin/clock", json={"to": when}))


def cash(c: httpx.Client) -> dict[str, D]:
    row = ok(c.get("/api/trader/balance"))
    return {k: D(str(v)) for k, v in row.items()}


def best_bid(c: httpx.Client, code: str) -> D:
    q = ok(c.get("/api/trader/quote", params={"security": code}))
    return D(str(q["买盘"][0]["价格"]))


def lend(c: httpx.Client, code: str, amount: int, rate: D) -> str:
    ack = ok(c.post("/api/trader/sell", json={"security": code, "price": str(rate), "amount": amount}))
    return ack["合同编号"]


def loan(c: httpx.Client, contract_no: str) -> dict:
    return next(r for r in ok(c.get("/api/trader/repo")) if r["合同编号"] == contract_no)


def interest(principal: D, rate: D, days: int) -> D:
    return (principal * rate / 100 * days / 365).quantize(CENT, rounding=ROUND_HALF_UP)


def test_a_thursday_gc001_earns_three_days_usable_friday_withdrawable_monday(tmp_path: Path) -> None:
    with market(tmp_path, "2026-12-03 14:50") as c:  # a Thursday
        before = cash(c)
        rate = best_bid(c, "204001")
        contract = lend(c, "204001", 1000, rate)  # ¥100,000

        fee = D("1.00")  # 1-day: 0.001 % of ¥100,000
        now = cash(c)
        assert now["可用金额"] == before["可用金额"] - D(100000) - fee  # gone from 可用 at once
        assert now["可取金额"] == before["可取金额"] - D(100000) - fee
        assert now["冻结金额"] == 0  # filled whole at bid1: nothing held back
        row = loan(c, contract)
        assert (row["计息天数"], row["首次结算日"], row["到期日"], row["可取日"]) == (
            3,
            "20261204",
            "20261204",
            "20261207",
        )
        earned = interest(D(100000), rate, 3)
        assert D(str(row["预计利息"])) == earned and D(str(row["年化利率"])) == rate
        assert row["状态"] == "未到期"
        trade = next(t for t in ok(c.get("/api/trader/today-trades")) if t["合同编号"] == contract)
        assert D(str(trade["成交金额"])) == D(100000)

        to(c, "2026-12-03 16:30")  # the night settlement has not run: still lent
        assert cash(c)["可用金额"] == now["可用金额"]
        to(c, "2026-12-03 17:00")  # settled: Friday's business day, the loan's maturity clearing day
        back = cash(c)
        assert back["可用金额"] == now["可用金额"] + D(100000) + earned
        assert back["可取金额"] == now["可取金额"]  # usable, not withdrawable
        to(c, "2026-12-04 14:00")
        assert cash(c)["可取金额"] == now["可取金额"]
        assert loan(c, contract)["状态"].startswith("已到期（资金可用")
        to(c, "2026-12-07 09:15")  # Monday: the maturity settlement day
        monday = cash(c)
        assert monday["可取金额"] == now["可取金额"] + D(100000) + earned
        assert monday["可用金额"] == before["可用金额"] - fee + earned
        assert loan(c, contract)["状态"] == "已到期"


def test_a_holiday_stretches_the_occupancy_days(tmp_path: Path) -> None:
    # 2026-10-01…10-07 are closed (国庆): a Tuesday GC001 settles first on Wednesday 9-30 and matures
    # then, but its maturity settlement is Thursday 10-08: eight days. A Wednesday GC001 matures on
    # 10-01 (closed) → 10-08, settles 10-09, first settlement 10-08: one day.
    with market(tmp_path, "2026-09-29 10:00") as c:
        tuesday = lend(c, "131810", 50, best_bid(c, "131810"))
        to(c, "2026-09-30 10:00")
        rate = best_bid(c, "204001")
        wednesday = lend(c, "204001", 20, rate)
        got = {k: loan(c, k) for k in (tuesday, wednesday)}
        assert [(r["计息天数"], r["到期日"], r["可取日"]) for r in got.values()] == [
            (8, "20260930", "20261008"),
            (1, "20261008", "20261009"),
        ]
        assert got[tuesday]["状态"].startswith("已到期（资金可用")  # repaid at the 9-29 night settlement
        assert D(str(got[wednesday]["预计利息"])) == interest(D(2000), rate, 1)
        to(c, "2026-10-08 09:15")
        assert got[tuesday]["证券名称"] == "R-001"
        assert loan(c, tuesday)["状态"] == "已到期"
        assert loan(c, wednesday)["状态"].startswith("已到期（资金可用")


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/api/trader/sell", {"security": "204001", "price": "1.5", "amount": 9}, "10张（1000元）的整数倍"),
        ("/api/trader/sell", {"security": "204001", "price": "1.5", "amount": 15}, "10张（1000元）的整数倍"),
        ("/api/trader/sell", {"security": "131810", "price": "1.502", "amount": 10}, "0.005的整数倍"),
        ("/api/trader/sell", {"security": "204001", "price": "0", "amount": 10}, "价格"),
        ("/api/trader/sell", {"security": "204001", "price": "1.5", "amount": 100010}, "不得超过100000张"),
        ("/api/trader/buy", {"security": "204001", "price": "1.5", "amount": 10}, "须以卖出方式申报"),
        ("/api/trader/market-sell", {"security": "131810", "amount": 10}, "只能限价申报"),
        ("/api/trader/market-buy", {"security": "131810", "amount": 10}, "须以卖出方式申报"),
        ("/api/trader/sell", {"security": "204005", "price": "1.5", "amount": 10}, "未开放的国债逆回购品种"),
        ("/api/trader/sell", {"security": "204001", "price": "1.5", "amount": 100000}, "可用资金不足"),
    ],
)
def test_refusals_say_why(tmp_path: Path, path: str, body: dict, reason: str) -> None:
    with market(tmp_path, "2026-12-03 10:00") as c:
        before = cash(c)
        assert reason in refused(c.post(path, json=body))
        assert cash(c) == before and ok(c.get("/api/trader/repo")) == []


def test_outside_repo_hours_is_refused_and_after_three_still_taken(tmp_path: Path) -> None:
    with market(tmp_path, "2026-12-03 09:20") as c:
        assert "9:30-11:30、13:00-15:30" in refused(
            c.post("/api/trader/sell", json={"security": "204001", "price": "1.5", "amount": 10})
        )
        to(c, "2026-12-03 15:20")  # stocks have closed; repos trade until 15:30
        lend(c, "204001", 10, best_bid(c, "204001"))
        to(c, "2026-12-03 15:31")
        assert "9:30-11:30、13:00-15:30" in refused(
            c.post("/api/trader/sell", json={"security": "204001", "price": "1.5", "amount": 10})
        )


def test_a_rate_above_the_bids_rests_frozen_then_fills_when_the_book_reaches_it(tmp_path: Path) -> None:
    day = dt.date(2026, 12, 3)
    start, end = repo_book.index_at(dt.time(10, 0)), repo_book.index_at(dt.time(15, 29, 59))
    path = repo_book.day_path("204001", day)
    later_top = max(path[start + 1 : end + 1])
    assert later_top > path[start], "precondition: the rate rises above 10:00's later in the day"
    rate = repo_book.to_rate(later_top)
    with market(tmp_path, "2026-12-03 10:00") as c:
        before = cash(c)
        contract = lend(c, "204001", 100, rate)
        held = cash(c)
        assert held["冻结金额"] == D("10000.10") and held["可用金额"] == before["可用金额"] - D("10000.10")
        assert ok(c.get("/api/trader/repo")) == []
        to(c, "2026-12-03 15:30")
        row = loan(c, contract)
        assert D(str(row["年化利率"])) == rate  # a resting order fills at its own rate
        assert cash(c)["冻结金额"] == 0


def test_an_order_left_unfilled_expires_at_the_day_end_and_frees_the_cash(tmp_path: Path) -> None:
    with market(tmp_path, "2026-12-03 10:00") as c:
        before = cash(c)
        ok(c.post("/api/trader/sell", json={"security": "131810", "price": "30", "amount": 100}))
        assert cash(c)["冻结金额"] == D("10000.10")
        to(c, "2026-12-03 17:00")
        after = cash(c)
        assert after["冻结金额"] == 0 and after["可用金额"] == before["可用金额"]


def test_lend_idle_cash_keeps_what_was_asked_and_a_retry_lends_once(tmp_path: Path) -> None:
    with market(tmp_path, "2026-12-03 14:55") as c:
        sh, sz = best_bid(c, "204001"), best_bid(c, "131810")
        available = cash(c)["可用金额"]
        headers = {"Idempotency-Key": "repo-2026-12-03"}
        body = {"days": 1, "keep": 123456.78}
        first = ok(c.post("/api/trader/repo", json=body, headers=headers))
        assert first["证券代码"] == ("204001" if sh >= sz else "131810")
        assert D(str(first["年化利率"])) == max(sh, sz)
        left = cash(c)["可用金额"]
        assert D("123456.78") <= left < D("123456.78") + D(1000) + D("0.1")
        assert D(str(first["出借金额"])) == available - left - D(str(loan(c, first["合同编号"])["手续费"]))
        again = ok(c.post("/api/trader/repo", json=body, headers=headers))
        assert again["合同编号"] == first["合同编号"] and len(ok(c.get("/api/trader/repo"))) == 1
        assert "可出借资金不足1000元" in refused(c.post("/api/trader/repo", json={"days": 1, "keep": 123000}))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"days": 5}, "days 须为"),
        ({"days": "x"}, "days 须为"),
        ({"keep": -1}, "keep 须为"),
        ({"keep": "abc"}, "keep 须为"),
        ({"keep": "1e13"}, "keep 须为"),
        ({"market": "bj"}, "market 须为"),
    ],
)
def test_lend_helper_refusals(tmp_path: Path, body: dict, reason: str) -> None:
    with market(tmp_path, "2026-12-03 14:55") as c:
        assert reason in refused(c.post("/api/trader/repo", json=body))
        assert ok(c.get("/api/trader/repo")) == []


@pytest.mark.parametrize("served", ["xiadan-fake"], indirect=True)
def test_a_gui_broker_never_gets_the_paper_rate_book(api: httpx.Client) -> None:
    """With a GUI client, even with ``--quotes``, the made-up repo rates are not offered as a quote or
    used by the helper; a repo typed with an explicit rate goes through the client's sell page."""
    assert "模拟盘口" in refused_any(api.get("/quote", params={"security": "204001"}))
    assert "模拟盘口" in refused_any(api.post("/repo", json={"days": 1}))
    assert "暂不支持查询国债逆回购" in refused_any(api.get("/repo"))
    ack = ok(api.post("/sell", json={"security": "131810", "price": "1.5", "amount": 10}))
    assert ack["合同编号"]


def refused_any(resp: httpx.Response) -> str:
    body = resp.json()
    assert resp.status_code >= 400 and resp.status_code != 500, body
    return body["message"]
