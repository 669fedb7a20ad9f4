"""Table-driven checks of each A-share rule at its edges, both sides of every dated change (dossier)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from ashare_gateway.domain.errors import InvalidParameter, OrderRejected
from ashare_gateway.domain.fees import FeeSchedule, fill_fees, order_commission
from ashare_gateway.domain.instruments import Board, Kind, Market, parse_security
from ashare_gateway.domain.market_orders import MarketType, allowed_types, match_label, parse_market_type
from ashare_gateway.domain.rules import (
    cage_bounds,
    check_buy_amount,
    check_price,
    check_sell_amount,
    price_band,
    round_to_tick,
    tick_size,
)
from ashare_gateway.domain.sessions import Phase, TradingCalendar, has_after_hours, phase_at, read_closures


# ---- §1 codes, markets, boards ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "market", "board", "kind"),
    [
        ("600000", Market.SH, Board.SH_MAIN, Kind.STOCK),
        ("sh600000", Market.SH, Board.SH_MAIN, Kind.STOCK),
        ("SH600000", Market.SH, Board.SH_MAIN, Kind.STOCK),
        ("600000.SH", Market.SH, Board.SH_MAIN, Kind.STOCK),
        ("605499", Market.SH, Board.SH_MAIN, Kind.STOCK),
        ("688981", Market.SH, Board.STAR, Kind.STOCK),
        ("689009", Market.SH, Board.STAR, Kind.STOCK),
        ("000001", Market.SZ, Board.SZ_MAIN, Kind.STOCK),
        ("003816", Market.SZ, Board.SZ_MAIN, Kind.STOCK),
        ("300750", Market.SZ, Board.CHINEXT, Kind.STOCK),
        ("301236", Market.SZ, Board.CHINEXT, Kind.STOCK),
        ("920799", Market.BJ, Board.BSE, Kind.STOCK),
        ("bj920799", Market.BJ, Board.BSE, Kind.STOCK),
        ("510300", Market.SH, Board.FUND, Kind.FUND),
        ("588000", Market.SH, Board.FUND, Kind.FUND),
        ("501018", Market.SH, Board.FUND, Kind.FUND),
        ("159915", Market.SZ, Board.FUND, Kind.FUND),
        ("161725", Market.SZ, Board.FUND, Kind.FUND),
        ("111001", Market.SH, Board.BOND, Kind.CONVERTIBLE_BOND),  # easytrader sends this to sz
        ("113052", Market.SH, Board.BOND, Kind.CONVERTIBLE_BOND),
        ("118001", Market.SH, Board.BOND, Kind.CONVERTIBLE_BOND),
        ("123001", Market.SZ, Board.BOND, Kind.CONVERTIBLE_BOND),
        ("127045", Market.SZ, Board.BOND, Kind.CONVERTIBLE_BOND),
        ("787001", Market.SH, Board.STAR, Kind.IPO_SUBSCRIPTION),
        ("730001", Market.SH, Board.SH_MAIN, Kind.IPO_SUBSCRIPTION),
        ("889001", Market.BJ, Board.BSE, Kind.IPO_SUBSCRIPTION),  # easytrader sends this to sz
    ],
)
def test_codes_resolve_to_market_board_kind(raw: str, market: Market, board: Board, kind: Kind) -> None:
    sec = parse_security(raw)
    assert (sec.market, sec.board, sec.kind) == (market, board, kind)
    assert len(sec.code) == 6


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "缺少必填参数"),
        ("60000", "格式错误"),
        ("6000000", "格式错误"),
        ("abc123", "格式错误"),
        ("sz600000", "前缀与市场不符"),
        ("sh000001x", "格式错误"),
        ("900901", "上海B股"),
        ("200002", "深圳B股"),
        ("399001", "指数"),
        ("430047", "920"),
        ("830799", "920"),
        ("999999", "未知代码段"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=fragment):
        parse_security(raw)


# ---- §3 ticks and limits ----------------------------------------------------------------------
def test_ticks() -> None:
    assert tick_size(parse_security("600000")) == D("0.01")
    assert tick_size(parse_security("510300")) == D("0.001")
    assert tick_size(parse_security("113052")) == D("0.001")


SH, ST_DAY_BEFORE, ST_DAY = parse_security("600078"), dt.date(2026, 7, 3), dt.date(2026, 7, 6)


@pytest.mark.parametrize(
    ("code", "prev", "day", "st", "up", "down"),
    [
        ("600160", "23.57", ST_DAY, False, "25.93", "21.21"),  # the ths spec's own example
        ("600078", "6.38", ST_DAY_BEFORE, True, "6.70", "6.06"),  # ST ±5% up to 2026-07-03
        ("600078", "6.38", ST_DAY, True, "7.02", "5.74"),  # ±10% from 2026-07-06
        ("300750", "268.00", ST_DAY, False, "321.60", "214.40"),  # ChiNext ±20%
        ("300750", "10.00", dt.date(2020, 8, 21), False, "11.00", "9.00"),  # ChiNext ±10% before 2020-08-24
        ("688981", "92.50", ST_DAY, False, "111.00", "74.00"),  # STAR ±20%
        ("920799", "38.60", ST_DAY, False, "50.18", "27.02"),  # BSE ±30%
        ("510300", "4.012", ST_DAY, False, "4.413", "3.611"),  # funds: 3 decimals
        ("113052", "118.400", ST_DAY, False, "142.080", "94.720"),  # convertible bonds ±20%
        ("600000", "4.05", ST_DAY, False, "4.46", "3.65"),  # 4.455 rounds half-up to 4.46, never to even
    ],
)
def test_limit_prices(code: str, prev: str, day: dt.date, st: bool, up: str, down: str) -> None:
    band = price_band(parse_security(code), D(prev), day, is_st=st)
    assert (band.up, band.down) == (D(up), D(down))


def test_half_up_rounding_where_round_would_differ() -> None:
    sec = parse_security("600000")
    assert round(2.675, 2) == 2.67  # the float trap (2.675 is 2.67499999...)
    assert round_to_tick(D("2.675"), sec) == D("2.68")
    assert round_to_tick(D("2.665"), sec) == D("2.67")


@pytest.mark.parametrize(
    ("code", "index", "has_limit"),
    [
        ("688981", 1, False),
        ("688981", 5, False),
        ("688981", 6, True),
        ("300750", 5, False),
        ("300750", 6, True),
        ("920799", 1, False),
        ("920799", 2, True),
        ("600000", 5, False),  # main board, registration system (from 2023-04-10)
    ],
)
def test_new_listings_trade_without_limits_for_their_first_days(
    code: str, index: int, has_limit: bool
) -> None:
    band = price_band(parse_security(code), D("10"), ST_DAY, trading_day_index=index)
    assert band.has_limit is has_limit


def test_main_board_approval_era_listing_keeps_limits() -> None:
    band = price_band(parse_security("600000"), D("10"), dt.date(2023, 4, 7), trading_day_index=1)
    assert band.has_limit


def test_price_checks() -> None:
    sec = parse_security("600160")
    band = price_band(sec, D("23.57"), ST_DAY)
    check_price(sec, D("25.93"), band)
    check_price(sec, D("21.21"), band)
    with pytest.raises(OrderRejected, match=r"超过涨跌限制。25.93-21.21。"):
        check_price(sec, D("25.94"), band)
    with pytest.raises(OrderRejected, match="最小价格变动单位"):
        check_price(sec, D("23.575"), band)


@pytest.mark.parametrize(
    ("code", "bench", "low", "high"),
    [
        ("601212", "3.02", "2.92", "3.12"),  # 10 ticks is wider than 2% below ¥5
        ("600000", "8.65", "8.48", "8.82"),  # 2% is wider above ¥5, rounded towards the benchmark
        ("600519", "1480.00", "1450.40", "1509.60"),  # 2% is wider than 10 ticks
        ("688981", "92.50", "90.65", "94.35"),  # STAR: 2%, no tick floor
        ("920799", "38.60", "36.67", "40.53"),  # BSE: 5%
    ],
)
def test_price_cage(code: str, bench: str, low: str, high: str) -> None:
    assert cage_bounds(parse_security(code), D(bench)) == (D(low), D(high))


# ---- §2 lots ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "amount", "ok"),
    [
        ("600000", 100, True),
        ("600000", 150, False),
        ("600000", 99, False),
        ("600000", 1_000_000, True),
        ("600000", 1_000_100, False),
        ("300750", 100, True),
        ("300750", 300_000, True),
        ("300750", 300_100, False),
        ("688981", 199, False),
        ("688981", 200, True),
        ("688981", 201, True),
        ("688981", 100_001, False),
        ("920799", 99, False),
        ("920799", 100, True),
        ("920799", 101, True),
        ("510300", 100, True),
        ("510300", 150, False),
        ("113052", 10, True),
        ("113052", 15, False),
    ],
)
def test_buy_lots(code: str, amount: int, ok: bool) -> None:
    sec = parse_security(code)
    if ok:
        check_buy_amount(sec, amount)
    else:
        with pytest.raises(InvalidParameter, match="委托数量不符合规则"):
            check_buy_amount(sec, amount)


def test_star_market_order_cap() -> None:
    check_buy_amount(parse_security("688981"), 50_000, market=True)
    with pytest.raises(InvalidParameter):
        check_buy_amount(parse_security("688981"), 50_001, market=True)


@pytest.mark.parametrize(
    ("code", "amount", "available", "ok"),
    [
        ("600000", 100, 1050, True),
        ("600000", 150, 1050, True),
        ("600000", 50, 1050, True),
        ("600000", 130, 1050, False),
        ("600000", 1050, 1050, True),
        ("688981", 150, 150, True),
        ("688981", 100, 150, False),
        ("688981", 250, 450, True),
        ("920799", 50, 50, True),
        ("920799", 50, 150, False),
    ],
)
def test_odd_lot_sells_take_the_whole_remainder(code: str, amount: int, available: int, ok: bool) -> None:
    sec = parse_security(code)
    if ok:
        check_sell_amount(sec, amount, available)
    else:
        with pytest.raises(InvalidParameter, match="委托数量不符合规则"):
            check_sell_amount(sec, amount, available)


# ---- §5 fees ----------------------------------------------------------------------------------
def test_commission_minimum_is_per_order_not_per_fill() -> None:
    sec, fees = parse_security("600000"), FeeSchedule()
    first = fill_fees(
        fees,
        sec,
        is_sell=False,
        fill_amount=D("4000"),
        order_filled_before=D(0),
        commission_paid=D(0),
        on=ST_DAY,
    )
    assert first.commission == D("5.00")
    second = fill_fees(
        fees,
        sec,
        is_sell=False,
        fill_amount=D("30000"),
        order_filled_before=D("4000"),
        commission_paid=first.commission,
        on=ST_DAY,
    )
    assert first.commission + second.commission == order_commission(fees, sec, D("34000")) == D("8.50")


@pytest.mark.parametrize(("day", "stamp"), [(dt.date(2023, 8, 25), "10.00"), (dt.date(2023, 8, 28), "5.00")])
def test_stamp_duty_halved_on_2023_08_28(day: dt.date, stamp: str) -> None:
    f = fill_fees(
        FeeSchedule(),
        parse_security("600000"),
        is_sell=True,
        fill_amount=D("10000"),
        order_filled_before=D(0),
        commission_paid=D(0),
        on=day,
    )
    assert f.stamp_duty == D(stamp)


def test_fees_by_side_and_instrument() -> None:
    fees, day = FeeSchedule(), ST_DAY
    buy = fill_fees(
        fees,
        parse_security("600000"),
        is_sell=False,
        fill_amount=D("100000"),
        order_filled_before=D(0),
        commission_paid=D(0),
        on=day,
    )
    assert (buy.commission, buy.stamp_duty, buy.transfer_fee) == (D("25.00"), D(0), D("1.00"))
    etf = fill_fees(
        fees,
        parse_security("510300"),
        is_sell=True,
        fill_amount=D("2798"),
        order_filled_before=D(0),
        commission_paid=D(0),
        on=day,
    )
    assert (etf.commission, etf.stamp_duty, etf.transfer_fee) == (D("0.70"), D(0), D(0))  # 免五, no stamp


# ---- §6 sessions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("t", "phase"),
    [
        ("09:14:59", Phase.PRE_OPEN),
        ("09:15:00", Phase.OPENING_AUCTION),
        ("09:19:59", Phase.OPENING_AUCTION),
        ("09:20:00", Phase.OPENING_AUCTION_LOCKED),
        ("09:25:00", Phase.PRE_CONTINUOUS),
        ("09:30:00", Phase.CONTINUOUS),
        ("11:29:59", Phase.CONTINUOUS),
        ("11:30:00", Phase.LUNCH),
        ("13:00:00", Phase.CONTINUOUS),
        ("14:56:59", Phase.CONTINUOUS),
        ("14:57:00", Phase.CLOSING_AUCTION),
        ("15:00:00", Phase.POST_CLOSE),
        ("15:05:00", Phase.AFTER_HOURS),
        ("15:30:00", Phase.CLEARING),
        ("17:00:00", Phase.CLOSED),
    ],
)
def test_phases(t: str, phase: Phase) -> None:
    assert phase_at(dt.time.fromisoformat(t)) is phase


def test_cancel_windows() -> None:
    assert Phase.OPENING_AUCTION.can_cancel and not Phase.OPENING_AUCTION_LOCKED.can_cancel
    assert not Phase.CLOSING_AUCTION.can_cancel and Phase.CONTINUOUS.can_cancel


def test_calendar() -> None:
    cal = TradingCalendar()
    assert cal.is_trading_day(dt.date(2026, 11, 20))
    assert not cal.is_trading_day(dt.date(2026, 11, 21))  # Saturday
    assert not cal.is_trading_day(dt.date(2026, 10, 1))  # National Day
    assert cal.next_trading_day(dt.date(2026, 11, 20)) == dt.date(2026, 11, 23)
    assert cal.is_trading_day(dt.date(2027, 3, 3))  # beyond the published calendar: weekdays
    assert TradingCalendar(always_open=True).state(dt.datetime(2026, 11, 21, 3, 0)).phase is Phase.CONTINUOUS


@pytest.mark.parametrize(
    ("day", "trading"),
    [
        ("2026-12-31", True),
        ("2027-01-01", False),  # New Year's Day (holidays' financial XSHG calendar)
        ("2027-02-04", True),
        ("2027-02-05", False),  # Spring Festival week: Eve, then 2-8…2-10 observed
        ("2027-02-08", False),
        ("2027-02-09", False),
        ("2027-02-10", False),
        ("2027-05-03", False),  # Labour Day
        ("2027-10-05", False),  # National Day
        ("2027-03-03", True),  # an ordinary weekday after the announced data
        ("2027-03-06", False),  # weekends never trade
        ("2031-06-07", False),  # a Saturday years out
    ],
)
def test_calendar_past_2026(day: str, trading: bool) -> None:
    assert TradingCalendar().is_trading_day(dt.date.fromisoformat(day)) is trading


def test_calendar_data_end_and_warning() -> None:
    cal = TradingCalendar()
    assert cal.data_end == dt.date(
        2026, 12, 31
    )  # exchange-calendars 4.13.2 and holidays 0.109 both end there
    assert cal.warning(dt.date(2026, 10, 31)) is None  # 61 days ahead
    assert "2026-12-31" in (cal.warning(dt.date(2026, 11, 1)) or "")  # 60 days: warn
    assert TradingCalendar(always_open=True).warning(dt.date(2026, 12, 30)) is None


def test_user_closures(tmp_path) -> None:
    path = tmp_path / "closures.txt"
    path.write_text("\ufeff# 2027 additions\n2027-02-11  # 春节\n\n2027-02-12\n", encoding="utf-8")
    days = read_closures(path)
    assert days == [dt.date(2027, 2, 11), dt.date(2027, 2, 12)]
    cal = TradingCalendar(closures=days)
    assert cal.next_trading_day(dt.date(2027, 2, 4)) == dt.date(2027, 2, 15)
    path.write_text("2027-02-11\n2027/02/12\n", encoding="utf-8")
    with pytest.raises(InvalidParameter, match="第2行"):
        read_closures(path)
    with pytest.raises(InvalidParameter, match="不存在"):
        read_closures(tmp_path / "none.txt")


@pytest.mark.parametrize(
    ("code", "day", "has"),
    [
        ("688981", dt.date(2026, 1, 5), True),
        ("300750", dt.date(2026, 1, 5), True),
        ("600000", dt.date(2026, 7, 3), False),
        ("600000", dt.date(2026, 7, 6), True),
        ("510300", dt.date(2026, 7, 6), True),
        ("113052", dt.date(2026, 7, 6), False),
    ],
)
def test_after_hours_fixed_price_extended_on_2026_07_06(code: str, day: dt.date, has: bool) -> None:
    assert has_after_hours(parse_security(code), day) is has


# ---- §7 market-order types ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "mtype"),
    [
        ("最优五档即时成交剩余撤销", MarketType.BEST5_IOC),
        ("最优五档成交剩余撤销", MarketType.BEST5_IOC),
        ("五档即成剩撤", MarketType.BEST5_IOC),
        ("最优五档即时成交剩余转限价", MarketType.BEST5_TO_LIMIT),
        ("五档即成剩转限", MarketType.BEST5_TO_LIMIT),
        ("对手方最优价格", MarketType.COUNTERPARTY_BEST),
        ("本方最优价格", MarketType.OWN_BEST),
        ("即时成交剩余撤销", MarketType.IOC),
        ("即成剩撤", MarketType.IOC),
        ("全额成交或撤销", MarketType.FOK),
        ("不支持市价委托", None),
    ],
)
def test_client_labels(label: str, mtype: MarketType | None) -> None:
    assert match_label(label) is mtype


def test_market_types_per_exchange() -> None:
    # SH main-board stocks: the two 5-level types plus 对手方最优/本方最优 (SSE trading rules, 2023 revision);
    # SH funds keep the two 5-level types only.
    assert allowed_types(parse_security("600000")) == (
        MarketType.BEST5_IOC,
        MarketType.BEST5_TO_LIMIT,
        MarketType.COUNTERPARTY_BEST,
        MarketType.OWN_BEST,
    )
    assert allowed_types(parse_security("510300")) == (MarketType.BEST5_IOC, MarketType.BEST5_TO_LIMIT)
    assert parse_market_type("对手方最优价格", parse_security("600000")) is MarketType.COUNTERPARTY_BEST
    assert MarketType.COUNTERPARTY_BEST in allowed_types(parse_security("688981"))
    assert len(allowed_types(parse_security("000001"))) == 5
    with pytest.raises(InvalidParameter, match="不支持的市价类型"):
        parse_market_type("全额成交或撤销", parse_security("600000"))
    assert parse_market_type(None, parse_security("000001")) is MarketType.BEST5_IOC


@pytest.mark.parametrize(
    ("code", "stock"),
    [
        ("787001", "688001"),
        ("730123", "600123"),
        ("780321", "601321"),
        ("732555", "603555"),
        ("001366", "001366"),
    ],
)
def test_ipo_shares_are_credited_under_the_stock_code(code: str, stock: str) -> None:
    from ashare_gateway.domain.instruments import ipo_stock_code

    assert ipo_stock_code(parse_security(code)) == stock
