"""The bundled reference table (``brokers/sim/data/securities.csv``) is data the simulator trusts blindly:
a code that resolves to the wrong board, a fund price with two decimals or a bond marked T+1 would make
the paper exchange quietly wrong. These checks keep the table honest as it grows."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.brokers.sim.quotes import OfflineQuotes, load_bundled_references
from ashare_gateway.domain.instruments import Board, Kind, Market, resolve_code
from ashare_gateway.domain.rules import tick_size
from ashare_gateway.domain.sessions import TradingCalendar

COLUMNS = ["code", "name", "prev_close", "volatility", "st", "listed", "wide_fund", "t0"]


def _rows() -> list[dict[str, str]]:
    text = (
        resources.files("ashare_gateway.brokers.sim")
        .joinpath("data/securities.csv")
        .read_text(encoding="utf-8")
    )
    reader = csv.DictReader(text.splitlines())
    assert reader.fieldnames == COLUMNS
    return list(reader)


ROWS = _rows()


def test_size_and_unique_codes() -> None:
    codes = [r["code"] for r in ROWS]
    assert len(codes) >= 300
    assert len(set(codes)) == len(codes)


def test_rows_the_spec_and_tests_rely_on_are_unchanged() -> None:
    first = ROWS[0]
    assert first == {
        "code": "600000",
        "name": "浦发银行",
        "prev_close": "8.65",
        "volatility": "0.006",
        "st": "0",
        "listed": "1999-11-10",
        "wide_fund": "0",
        "t0": "0",
    }
    by_code = {r["code"]: r for r in ROWS}
    assert by_code["600519"]["prev_close"] == "1480.00"
    assert by_code["600078"]["st"] == "1"
    assert by_code["511010"]["t0"] == "1" and by_code["588000"]["wide_fund"] == "1"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["code"])
def test_every_row_parses_and_resolves(row: dict[str, str]) -> None:
    sec = resolve_code(row["code"])  # raises for an unknown or unsupported prefix
    assert sec.kind is not Kind.IPO_SUBSCRIPTION
    assert row["name"].strip() == row["name"] and row["name"]
    price = Decimal(row["prev_close"])
    assert price > 0
    # Prices sit on the instrument's tick grid: 2 decimals for stocks, 3 for funds and bonds.
    assert price % tick_size(sec) == 0
    assert -price.as_tuple().exponent == (2 if sec.kind is Kind.STOCK else 3)
    assert 0 < float(row["volatility"]) <= 0.05
    listed = dt.date.fromisoformat(row["listed"])
    assert dt.date(1990, 12, 1) <= listed <= dt.date(2026, 12, 31)
    assert row["st"] in ("0", "1") and row["wide_fund"] in ("0", "1") and row["t0"] in ("0", "1")
    # Flags only where they mean something: ST on stocks (and the name says so), ±20% funds, T+0 non-stocks.
    assert (row["st"] == "1") == ("ST" in row["name"])
    if row["st"] == "1":
        assert sec.kind is Kind.STOCK
    if row["wide_fund"] == "1":
        assert sec.kind is Kind.FUND
    if sec.kind is Kind.CONVERTIBLE_BOND:
        assert row["t0"] == "1"
    if sec.kind is Kind.STOCK:
        assert row["t0"] == "0"


def test_coverage_of_every_board_and_kind() -> None:
    secs = [resolve_code(r["code"]) for r in ROWS]
    boards = {s.board for s in secs}
    assert boards == {
        Board.SH_MAIN,
        Board.SZ_MAIN,
        Board.CHINEXT,
        Board.STAR,
        Board.BSE,
        Board.FUND,
        Board.BOND,
    }
    assert {s.market for s in secs} == {Market.SH, Market.SZ, Market.BJ}
    # The prefixes easytrader routes wrongly (111xxx SH bonds) and the 920 BSE segment are present.
    codes = {s.code for s in secs}
    assert any(c.startswith("111") for c in codes)
    assert sum(c.startswith("920") for c in codes) >= 5
    # LOFs on both exchanges, and T+0 funds of several kinds (bond, gold, cross-border, money).
    assert {"501018", "162411", "511880", "518880", "513100"} <= codes
    assert sum(r["st"] == "1" for r in ROWS) >= 4


def test_loader_builds_references_for_all_rows() -> None:
    refs = load_bundled_references()
    assert len(refs) == len(ROWS)
    quotes = OfflineQuotes(refs)
    assert quotes.reference("111000") is not None
    assert quotes.reference("111000").security.market is Market.SH


# Recently listed stocks: no price limit for their first 5 trading days (registration system, dossier §3).
@pytest.mark.parametrize(
    ("code", "free_until", "limited_from", "pct"),
    [
        ("600930", dt.date(2025, 7, 22), dt.date(2025, 7, 23), Decimal("0.10")),  # 华电新能, listed Wed 07-16
        ("688775", dt.date(2025, 6, 17), dt.date(2025, 6, 18), Decimal("0.20")),  # 影石创新, listed Wed 06-11
    ],
)
def test_new_listing_has_no_limit_for_five_trading_days(
    tmp_path: Path, code: str, free_until: dt.date, limited_from: dt.date, pct: Decimal
) -> None:
    exchange = SimExchange(tmp_path / "p.sqlite3", calendar=TradingCalendar())
    ref = OfflineQuotes().reference(code)
    assert ref is not None
    listed = ref.listed
    assert exchange.band(ref, listed).has_limit is False  # day 1
    assert exchange.band(ref, free_until).has_limit is False  # day 5
    band = exchange.band(ref, limited_from)  # day 6
    assert band.up == (ref.prev_close * (1 + pct)).quantize(Decimal("0.01"))
    assert exchange.calendar.trading_days_between(listed, free_until) == 5
