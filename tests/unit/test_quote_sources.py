"""Quote sources: replay of recorded files, live adapters on recorded payloads (never the network), the
polling logic shared by live sources, and the spec strings the CLI passes to ``make_quote_source``."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import struct
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.brokers.sim.quotes import OfflineQuotes, QuoteSource, Reference, Snapshot
from ashare_gateway.brokers.sim.sources import (
    EasyQuotationQuotes,
    LiveQuote,
    MootdxQuotes,
    PollingQuotes,
    ReplayError,
    ReplayQuotes,
    make_quote_source,
    snapshot_index,
    to_ticks,
)
from ashare_gateway.domain.clock import ManualClock
from ashare_gateway.domain.instruments import Kind, Security, resolve_code
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.domain.statuses import OrderStatus

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"
DAY = dt.date(2026, 11, 20)  # a Friday


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- shared helpers ------------------------------------------------------------------------------------
def test_protocol_names_still_import_from_quotes() -> None:
    assert {OfflineQuotes, QuoteSource, Reference, Snapshot}


@pytest.mark.parametrize(
    ("clock", "index"),
    [
        ("09:15:00", 0),
        ("09:30:00", 0),
        ("09:30:03", 1),
        ("11:29:59", 2399),
        ("12:10:00", 2399),
        ("13:00:00", 2400),
        ("14:59:57", 4799),
        ("15:00:00", 4799),
    ],
)
def test_times_map_to_the_snapshot_grid(clock: str, index: int) -> None:
    assert snapshot_index(dt.time.fromisoformat(clock)) == index


def test_prices_to_ticks_round_half_up() -> None:
    assert to_ticks(8.675, D("0.01")) == 868  # round() would give 867 (half to even)
    assert to_ticks("0.4905", D("0.001")) == 491
    assert to_ticks(D("99.999"), D("0.001")) == 99999


# --- make_quote_source ---------------------------------------------------------------------------------
def test_make_quote_source_specs(tmp_path: Path) -> None:
    assert isinstance(make_quote_source("offline"), OfflineQuotes)
    assert isinstance(make_quote_source(""), OfflineQuotes)
    path = _write_ticks(tmp_path / "t.csv", _tick_rows())
    assert isinstance(make_quote_source(f"replay:{path}"), ReplayQuotes)
    # Live sources are built without touching the network (they connect on first use); without their
    # library they fail at once with an install hint.
    for spec, name, library in (
        ("easyquotation:sina", "easyquotation:sina", "easyquotation"),
        ("easyquotation:qq", "easyquotation:tencent", "easyquotation"),
        ("easyquotation", "easyquotation:sina", "easyquotation"),
        ("mootdx", "mootdx", "mootdx"),
        ("mootdx:10.0.0.1:7711", "mootdx:10.0.0.1:7711", "tdxpy"),
        ("mootdx:10.0.0.1", "mootdx:10.0.0.1:7709", "tdxpy"),
    ):
        if importlib.util.find_spec(library) is None:
            with pytest.raises(RuntimeError, match="pip install"):
                make_quote_source(spec)
        else:
            assert make_quote_source(spec).name == name
    for bad in ("bloomberg", "replay:", "easyquotation:jsl", "mootdx:host:port", "offline:x"):
        with pytest.raises(ValueError):
            make_quote_source(bad)


# --- replay: ticks -------------------------------------------------------------------------------------
TICK_HEADER = ["time", "code", "name", "prev_close", "last", "volume"] + [
    f"{side}{k}{i}" for side in ("bid", "ask") for k in ("", "_vol") for i in range(1, 6)
]


def _tick_row(when: str, code: str, last: str, volume: int, bid: str | None, **extra: str) -> dict[str, Any]:
    row: dict[str, Any] = {"time": when, "code": code, "last": last, "volume": volume, **extra}
    if bid is not None:
        b = D(bid)
        for i in range(1, 6):
            row[f"bid{i}"] = str(b - D("0.01") * (i - 1))
            row[f"bid_vol{i}"] = 1000 * i
            row[f"ask{i}"] = str(b + D("0.01") * i)
            row[f"ask_vol{i}"] = 2000 * i
    return row


def _tick_rows() -> list[dict[str, Any]]:
    return [
        _tick_row(f"{DAY} 09:25:00", "600000", "8.70", 100_000, "8.69", name="浦发银行", prev_close="8.66"),
        _tick_row(f"{DAY} 09:30:03", "600000", "8.71", 150_000, "8.70"),
        _tick_row(f"{DAY} 09:30:05", "600000", "8.72", 160_000, "8.71"),  # same 3-second step as 09:30:03
        _tick_row(f"{DAY} 10:00:00", "sh600000", "8.75", 900_000, "8.74"),
        _tick_row(f"{DAY} 10:00:00", "510300", "4.105", 5_000, None),  # no depth recorded
    ]


def _write_ticks(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=TICK_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_replay_ticks(tmp_path: Path) -> None:
    q = ReplayQuotes(_write_ticks(tmp_path / "ticks.csv", _tick_rows()))
    ref = q.reference("600000")
    assert ref is not None and ref.prev_close == D("8.66") and ref.name == "浦发银行"
    first = q.snapshot("600000", DAY, 0)
    assert first.last == 870 and first.bids[0] == (869, 1000) and first.asks[0] == (870, 2000)
    assert first.traded == 0
    step = q.snapshot("600000", DAY, 1)
    assert step.last == 872 and step.bids[0] == (871, 1000)  # the later of two rows in one step
    assert step.traded == 60_000  # cumulative 160,000 - 100,000
    held = q.snapshot("600000", DAY, 300)  # between recorded rows: same book, nothing traded
    assert (held.index, held.last, held.bids, held.traded) == (300, 872, step.bids, 0)
    at_ten = q.snapshot("600000", DAY, 600)
    assert at_ten.last == 875 and at_ten.traded == 740_000
    assert q.snapshot("600000", DAY, 4799).last == 875
    # A fund row without depth gets a synthesised 5-level book around its last price (0.001 ticks).
    fund = q.snapshot("510300", DAY, 600)
    assert fund.last == 4105 and len(fund.bids) == 5 and fund.asks[0][0] == 4106
    # Another day replays a recorded one; codes not in the file come from the offline walk.
    assert q.snapshot("600000", dt.date(2026, 11, 23), 1) == step
    assert q.snapshot("000001", DAY, 5) == OfflineQuotes().snapshot("000001", DAY, 5)
    assert q.reference("000001") == OfflineQuotes().reference("000001")
    assert q.recorded_days == {"600000": [DAY], "510300": [DAY]}


def test_replay_parquet_matches_csv(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow not installed: Parquet replay is optional")
    import pyarrow.parquet as pq

    rows = _tick_rows()
    table = pa.Table.from_pylist(
        [
            {**{k: row.get(k) for k in TICK_HEADER}, "time": dt.datetime.fromisoformat(row["time"])}
            for row in rows
        ]
    )
    pq.write_table(table, tmp_path / "ticks.parquet")
    from_parquet = ReplayQuotes(tmp_path / "ticks.parquet")
    from_csv = ReplayQuotes(_write_ticks(tmp_path / "ticks.csv", rows))
    for index in (0, 1, 300, 600, 4799):
        assert from_parquet.snapshot("600000", DAY, index) == from_csv.snapshot("600000", DAY, index)


# --- replay: bars --------------------------------------------------------------------------------------
def _write_bars(path: Path, rows: list[tuple[str, str, str, str, str, str, int]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["time", "code", "open", "high", "low", "close", "volume"])
        writer.writerows(rows)
    return path


def test_replay_minute_bars(tmp_path: Path) -> None:
    path = _write_bars(
        tmp_path / "bars.csv",
        [
            (f"{DAY} 09:31", "600036", "41.50", "41.80", "41.40", "41.70", 200_000),
            (f"{DAY} 09:32", "600036", "41.70", "41.75", "41.20", "41.30", 100_050),
            (f"{DAY} 09:33", "600036", "41.30", "41.40", "41.30", "41.35", 0),
        ],
    )
    q = ReplayQuotes(path)
    first = [q.snapshot("600036", DAY, k) for k in range(20)]  # the 09:31 bar covers 09:30:00-09:31:00
    assert first[0].last == 4150 and first[-1].last == 4170
    assert max(s.last for s in first) == 4180 and min(s.last for s in first) == 4140
    assert sum(s.traded for s in first) == 200_000
    second = [q.snapshot("600036", DAY, k) for k in range(20, 40)]
    assert max(s.last for s in second) == 4175 and min(s.last for s in second) == 4120
    assert sum(s.traded for s in second) == 100_000  # whole lots only
    later = q.snapshot("600036", DAY, 3000)  # after the last bar: its close, nothing trading
    assert later.last == 4135 and later.traded == 0
    assert later.bids[0][0] == 4135 and later.asks[0][0] == 4136 and len(later.asks) == 5


def test_replay_daily_bars_span_the_day(tmp_path: Path) -> None:
    path = _write_bars(
        tmp_path / "daily.csv", [(str(DAY), "113052", "118.000", "119.500", "117.800", "118.900", 50_000)]
    )
    q = ReplayQuotes(path)
    path_ticks = [q.snapshot("113052", DAY, k).last for k in range(0, 4800, 7)] + [
        q.snapshot("113052", DAY, 4799).last
    ]
    assert path_ticks[0] == 118_000 and path_ticks[-1] == 118_900
    assert max(path_ticks) <= 119_500 and min(path_ticks) >= 117_800
    assert sum(q.snapshot("113052", DAY, k).traded for k in range(4800)) == 50_000
    assert q.snapshot("113052", DAY, 10).bids[0][1] % 10 == 0  # bond depth in lots of 10


def test_replay_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time,code,price\n2026-11-20 10:00:00,600000,8.7\n", encoding="utf-8")
    with pytest.raises(ReplayError, match="neither ticks"):
        ReplayQuotes(bad)
    bad.write_text("time,code,last,volume\nyesterday,600000,8.7,1\n", encoding="utf-8")
    with pytest.raises(ReplayError, match="bad time"):
        ReplayQuotes(bad)
    with pytest.raises(ReplayError, match="not found"):
        ReplayQuotes(tmp_path / "missing.csv")
    bad.write_text("time,code,last,volume\n", encoding="utf-8")
    with pytest.raises(ReplayError, match="no rows"):
        ReplayQuotes(bad)


def test_replay_folder_mixing_ticks_and_bars(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    folder.mkdir()
    _write_ticks(folder / "a_ticks.csv", _tick_rows())
    _write_bars(folder / "b_bars.csv", [(str(DAY), "600036", "41.50", "41.80", "41.40", "41.70", 1000)])
    q = make_quote_source(f"replay:{folder}")
    assert q.snapshot("600000", DAY, 600).last == 875
    assert q.snapshot("600036", DAY, 4799).last == 4170


def test_paper_exchange_trades_on_a_replayed_day(tmp_path: Path) -> None:
    """End to end: the exchange fills a marketable order at the recorded ask of the replayed snapshot."""
    quotes = ReplayQuotes(_write_ticks(tmp_path / "ticks.csv", _tick_rows()))
    clock = ManualClock(f"{DAY} 10:00:30")
    ex = SimExchange(tmp_path / "p.sqlite3", clock=clock, calendar=TradingCalendar(), quotes=quotes)
    ex.ensure_demo_account()
    broker = ex.broker("demo")
    quote = broker.quote("600000")
    assert quote.asks[0].price == D("8.75") and quote.limit_up == D("9.53")  # 8.66 × 1.1
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 1000, D("8.75")))
    order = next(e for e in broker.today_entrusts() if e.contract_no == ack.contract_no)
    assert order.status is OrderStatus.FILLED and order.filled_avg_price == D("8.75")


# --- polling (shared by live sources) -----------------------------------------------------------------
def _live(
    code: str, when: str, last: str, volume: int, *, prev: str = "8.60", name: str = "浦发银行"
) -> LiveQuote:
    p = D(last)
    return LiveQuote(
        code=code,
        name=name,
        when=dt.datetime.fromisoformat(when),
        last=p,
        prev_close=D(prev),
        open=D("8.62"),
        bids=((p - D("0.01"), 5000), (p - D("0.02"), 8000)),
        asks=((p, 3000),),
        volume=volume,
    )


class ScriptedFeed:
    """A fake feed: returns the next scripted quote on each call and records what was asked."""

    def __init__(self, quotes: list[LiveQuote | Exception]) -> None:
        self.quotes = quotes
        self.calls: list[list[str]] = []

    def __call__(self, secs: list[Security]) -> dict[str, LiveQuote]:
        self.calls.append([s.symbol for s in secs])
        item = self.quotes[min(len(self.calls), len(self.quotes)) - 1]
        if isinstance(item, Exception):
            raise item
        return {item.code: item}


def test_polling_source_records_the_day_and_rate_limits() -> None:
    mono = FakeMonotonic()
    feed = ScriptedFeed(
        [
            _live("600000", f"{DAY} 10:00:00", "8.70", 1_000_000),
            _live("600000", f"{DAY} 10:00:06", "8.72", 1_030_000),
            ConnectionError("feed down"),
        ]
    )
    q = PollingQuotes(feed, monotonic=mono)
    ref = q.reference("600000")
    assert (
        ref is not None and ref.prev_close == D("8.60") and ref.volatility == 0.006
    )  # feed price, table facts
    first = q.snapshot("600000", DAY, 600)
    assert (first.last, first.bids[0], first.asks[0], first.traded) == (870, (869, 5000), (870, 3000), 0)
    assert q.snapshot("600000", DAY, 601).last == 870 and len(feed.calls) == 1  # within 3 s: no new poll
    mono.now += 3
    second = q.snapshot("600000", DAY, 602)
    assert second.last == 872 and second.traded == 30_000  # the cumulative volume grew by 30,000
    assert feed.calls == [["sh600000"], ["sh600000"]]
    # Replaying the day: what was seen comes back as seen; gaps hold the earlier book with no trading.
    assert q.snapshot("600000", DAY, 602) == second
    gap = q.snapshot("600000", DAY, 500)
    assert gap.last == 870 and gap.traded == 0 and gap.index == 500
    # A failing feed is logged, not raised: the last good quote stands.
    mono.now += 3
    assert q.snapshot("600000", DAY, 700).last == 872
    # A long-running gateway keeps only the last two days of observations per code.
    for offset in (1, 2, 3):
        q.snapshot("600000", DAY + dt.timedelta(days=offset), 0)
    assert sorted(d for c, d in q._history if c == "600000") == [
        DAY + dt.timedelta(days=2),
        DAY + dt.timedelta(days=3),
    ]


def test_polling_source_before_the_open_and_unknown_codes() -> None:
    feed = ScriptedFeed([_live("160922", f"{DAY} 15:00:00", "0", 0, prev="1.074", name="恒生中小")])
    q = PollingQuotes(feed, monotonic=FakeMonotonic())
    ref = q.reference("160922")  # not in the bundled table: built from the feed
    assert ref is not None and ref.security.kind is Kind.FUND and ref.t0 and ref.name == "恒生中小"
    # Yesterday's quote seen today: shown (open price), but not recorded as today's trading.
    snap = q.snapshot("160922", dt.date(2026, 11, 23), 0)
    assert snap.last == 8620 and snap.traded == 0
    assert "160922" in q.codes() and "600000" in q.codes()
    assert PollingQuotes(ScriptedFeed([ConnectionError()]), monotonic=FakeMonotonic()).reference(
        "600000"
    ) == (OfflineQuotes().reference("600000"))


# --- easyquotation (Sina / Tencent) on recorded payloads ---------------------------------------------------
def _easyquotation_client(source: str, fixture: str) -> tuple[Any, list[str]]:
    easyquotation = pytest.importorskip("easyquotation", reason="easyquotation not installed")
    client = easyquotation.use(source)  # reads its bundled code list; no network
    asked: list[str] = []
    payload = (FIXTURES / fixture).read_text(encoding="utf-8")

    def recorded(params: str) -> str:
        asked.append(params)
        return payload

    client.get_stocks_by_range = recorded  # the one method that would do HTTP
    return client, asked


def test_easyquotation_sina_recorded() -> None:
    client, asked = _easyquotation_client("sina", "sina_hq.txt")
    q = EasyQuotationQuotes("sina", client=client, monotonic=FakeMonotonic())
    day = dt.date(2019, 3, 12)
    snap = q.snapshot("162411", day, 4799)
    assert snap.last == 491  # 华宝油气 0.491, fund tick 0.001
    assert snap.bids[:2] == ((490, 2_422_992), (489, 4_814_611))
    assert snap.asks[0] == (491, 5_386_166) and len(snap.asks) == 5
    ref = q.reference("162411")
    assert ref is not None and ref.prev_close == D("0.488") and ref.t0 and ref.name == "华宝油气"
    assert asked == ["sz162411"]  # explicit market prefixes from our resolver
    # The same answer carried other codes: they are cached, no second request.
    dq = q.reference("601006")
    assert dq is not None and dq.prev_close == D("27.25") and dq.name == "大秦铁路" and len(asked) == 1
    # A quote with no trade yet (now = 0): the open, then the prior close, stands in for the last price.
    idle = q.snapshot("160922", dt.date(2019, 4, 8), 500)
    assert idle.last == 1074 and idle.bids[0] == (1053, 42_000)


def test_easyquotation_sends_sh_prefix_for_111_bonds() -> None:
    client, asked = _easyquotation_client("sina", "sina_hq.txt")
    q = EasyQuotationQuotes("sina", client=client, monotonic=FakeMonotonic())
    assert q.reference("111000") == OfflineQuotes().reference("111000")  # not in the recording: table facts
    assert asked == ["sh111000"]  # easyquotation's own guess would be sz111000


def test_easyquotation_tencent_recorded() -> None:
    client, _ = _easyquotation_client("tencent", "tencent_qt.txt")
    q = EasyQuotationQuotes("tencent", client=client, monotonic=FakeMonotonic())
    snap = q.snapshot("000001", dt.date(2019, 9, 30), 4799)
    assert snap.last == 1559
    assert snap.bids[0] == (1558, 236_500) and snap.asks[0] == (1559, 66_100)  # lots × 100
    ref = q.reference("000001")
    assert ref is not None and ref.prev_close == D("15.90") and ref.name == "平安银行"
    other = q.snapshot("600026", dt.date(2023, 6, 27), 4799)
    assert other.last == 1225 and other.asks[-1] == (1229, 13_900)


# --- mootdx / tdxpy on a recorded TDX response -----------------------------------------------------------
class RecordedSocket:
    """Stands in for tdxpy's socket: records what is sent and answers with a recorded response."""

    def __init__(self, body: bytes) -> None:
        self.response = struct.pack("<IIIHH", 0, 0, 0, len(body), len(body)) + body
        self.sent: list[bytes] = []
        self.send_pkg_num = self.send_pkg_bytes = self.last_api_send_bytes = 0
        self.recv_pkg_num = self.recv_pkg_bytes = self.last_api_recv_bytes = 0
        self.first_pkg_send_time = None

    def send(self, data: bytes) -> int:
        self.sent.append(bytes(data))
        return len(data)

    def recv(self, n: int) -> bytes:
        out, self.response = self.response[:n], self.response[n:]
        return out


def test_mootdx_recorded_tdx_response() -> None:
    hq = pytest.importorskip("tdxpy.hq", reason="tdxpy (mootdx's protocol library) not installed")
    api = hq.TdxHq_API()
    api.client = RecordedSocket((FIXTURES / "tdx_security_quotes_sz000001.bin").read_bytes())
    clock = ManualClock(f"{DAY} 14:34:00")
    q = MootdxQuotes(api=api, clock=clock, monotonic=FakeMonotonic())
    snap = q.snapshot("000001", DAY, 4000)
    assert snap.last == 903
    assert snap.bids[0] == (903, 195_200) and snap.asks[0] == (904, 2_787_000)  # lots × 100
    assert [p for p, _ in snap.bids] == [903, 902, 901, 900, 899]
    ref = q.reference("000001")
    assert ref is not None and ref.prev_close == D("9.04") and ref.name == "平安银行"
    request = api.client.sent[0]
    assert request.endswith(b"\x00000001")  # market 0 (Shenzhen) + the code


def test_mootdx_skips_bse_and_rescales_unknown_fund_types() -> None:
    pytest.importorskip("tdxpy.helper", reason="tdxpy not installed")
    from ashare_gateway.brokers.sim.sources.mootdx_source import quote_from_tdx

    class NoCalls:
        def get_security_quotes(self, all_stock: list[tuple[int, str]]) -> None:
            raise AssertionError(f"asked TDX for {all_stock}")

    q = MootdxQuotes(api=NoCalls(), monotonic=FakeMonotonic())
    assert q.reference("920799") == OfflineQuotes().reference("920799")  # BSE: not on TDX std quotes
    row: dict[str, Any] = {"code": "588000", "price": 11.02, "last_close": 11.0, "open": 11.0, "vol": 10}
    row.update(
        {f"bid{i}": 11.02 - 0.01 * i for i in range(1, 6)}
        | {f"ask{i}": 11.02 + 0.01 * i for i in range(1, 6)}
    )
    row.update({f"bid_vol{i}": 1 for i in range(1, 6)} | {f"ask_vol{i}": 2 for i in range(1, 6)})
    quote = quote_from_tdx(resolve_code("588000"), row, DAY, name="科创50ETF")
    assert quote.last == D("1.102") and quote.prev_close == D("1.100") and quote.asks[0] == (D("1.103"), 200)
