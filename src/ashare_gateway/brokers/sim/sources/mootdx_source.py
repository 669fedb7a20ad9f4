"""Live Level-1 quotes from a TongDaXin (通达信) quote server through ``mootdx`` / ``tdxpy``.

Why: TDX servers are the other widely used free feed, with five levels of depth, and ``mootdx`` (which
wraps ``tdxpy``, a maintained fork of pytdx) knows the binary protocol. Both are imported lazily and only
when this source is chosen (``--quotes mootdx`` or ``mootdx:HOST:PORT``).

Notes from reading tdxpy's ``GetSecurityQuotesCmd`` parser (and tests against a recorded response):
- we send each code with its market from our own resolver (0 = Shenzhen, 1 = Shanghai), because
  mootdx's ``get_stock_market`` puts 920xxx BSE codes in Shanghai; TDX's standard quotes do not carry
  BSE at all (tdxpy refuses market 2), so BSE codes get no live data and fall back to the table;
- prices arrive scaled by a per-type coefficient; tdxpy's table lacks 56x/58x SH ETFs and falls back to
  0.01, so for types it does not know we rescale to our own tick (funds 0.001);
- volumes are in lots (手): 100 shares, or 10 bonds for convertible bonds;
- a quote has a server time of day but no date: the date comes from the gateway's clock.

Installing: ``mootdx`` pins ``httpx<0.26``, which conflicts with this project's ``httpx>=0.27``. With a
server address (``mootdx:HOST:PORT``) this source only needs ``tdxpy`` (no pin); without one it needs
mootdx for its server list.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from ....domain.clock import Clock, SystemClock
from ....domain.instruments import Kind, Market, Security
from ....domain.rules import tick_size
from .base import LiveQuote, PollingQuotes

TDX_MARKET = {Market.SZ: 0, Market.SH: 1}
TDX_DEFAULT_PORT = 7709
MISSING_MOOTDX = "行情源 mootdx 未安装：pip install mootdx，或用 mootdx:服务器:端口 并 pip install tdxpy"
MISSING_TDXPY = "行情源 mootdx:服务器:端口 需要 tdxpy：pip install tdxpy"


class TdxApi(Protocol):
    """The part of ``tdxpy.hq.TdxHq_API`` we use."""

    def get_security_quotes(self, all_stock: list[tuple[int, str]]) -> list[Mapping[str, Any]] | None: ...


class MootdxQuotes(PollingQuotes):
    """Live quotes from a TDX server; ``api`` injects a connected ``TdxHq_API`` (or a test double)."""

    def __init__(
        self,
        server: tuple[str, int] | None = None,
        *,
        api: TdxApi | None = None,
        clock: Clock | None = None,
        **kwargs: Any,
    ) -> None:
        if api is None:
            _check_installed(server)  # chosen explicitly: say so now, not as warnings on every poll
        self._server = server
        self._api = api
        self._clock = clock or SystemClock()
        self.name = "mootdx" if server is None else f"mootdx:{server[0]}:{server[1]}"
        super().__init__(self._fetch_quotes, **kwargs)

    def _get_api(self) -> TdxApi:
        if self._api is None:
            self._api = _connect(self._server)
        return self._api

    def _fetch_quotes(self, securities: list[Security]) -> dict[str, LiveQuote]:
        wanted = [s for s in securities if s.market in TDX_MARKET]
        if not wanted:
            return {}
        by_code = {s.code: s for s in wanted}
        rows = self._get_api().get_security_quotes([(TDX_MARKET[s.market], s.code) for s in wanted]) or []
        today = self._clock.now().date()
        out: dict[str, LiveQuote] = {}
        for row in rows:
            sec = by_code.get(str(row["code"]))
            if sec is not None:
                out[sec.code] = quote_from_tdx(sec, row, today, name=self._name_of(sec.code))
        return out

    def _name_of(self, code: str) -> str:
        ref = self._table.reference(code)
        return ref.name if ref else code  # TDX quotes carry no name


def _check_installed(server: tuple[str, int] | None) -> None:
    if server is None and importlib.util.find_spec("mootdx") is None:
        raise RuntimeError(MISSING_MOOTDX)
    if server is not None and importlib.util.find_spec("tdxpy") is None:
        raise RuntimeError(MISSING_TDXPY)


def _connect(server: tuple[str, int] | None) -> TdxApi:
    """A connected TdxHq_API: through mootdx (its server list) or, given an address, tdxpy alone."""
    if server is None:
        try:
            from mootdx.quotes import Quotes
        except ImportError as exc:
            raise RuntimeError(MISSING_MOOTDX) from exc
        return Quotes.factory(market="std").client
    try:
        from tdxpy.hq import TdxHq_API
    except ImportError as exc:
        raise RuntimeError(MISSING_TDXPY) from exc
    api = TdxHq_API(auto_retry=True)
    if not api.connect(server[0], server[1]):
        raise RuntimeError(f"无法连接通达信行情服务器 {server[0]}:{server[1]}")
    return api


def _price_scale(sec: Security) -> Decimal:
    """Factor that corrects tdxpy's price for security types missing from its coefficient table."""
    try:
        from tdxpy.helper import get_security_type
    except ImportError:  # rows from a test double: prices are taken as given
        return Decimal(1)
    try:
        get_security_type(TDX_MARKET[sec.market], sec.code)
    except NotImplementedError:
        return tick_size(sec) / Decimal("0.01")  # tdxpy fell back to 0.01 per unit
    return Decimal(1)


def _time_of(value: object) -> dt.time:
    text = str(value)
    try:
        return dt.time.fromisoformat(text.split(".")[0])
    except ValueError:
        return dt.time(15, 0)  # tdxpy leaves a raw number when the server sends none: treat as closed


def quote_from_tdx(sec: Security, row: Mapping[str, Any], today: dt.date, *, name: str) -> LiveQuote:
    """One row of ``get_security_quotes`` (tdxpy's field names) as a :class:`LiveQuote`."""
    scale = _price_scale(sec)
    tick = tick_size(sec)
    lot = 10 if sec.kind is Kind.CONVERTIBLE_BOND else 100

    def price(key: str) -> Decimal:
        return (Decimal(str(row[key])) * scale).quantize(tick)

    bids = tuple((price(f"bid{i}"), int(row[f"bid_vol{i}"]) * lot) for i in range(1, 6))
    asks = tuple((price(f"ask{i}"), int(row[f"ask_vol{i}"]) * lot) for i in range(1, 6))
    return LiveQuote(
        code=sec.code,
        name=name,
        when=dt.datetime.combine(today, _time_of(row.get("servertime", ""))),
        last=price("price"),
        prev_close=price("last_close"),
        open=price("open"),
        bids=tuple((p, v) for p, v in bids if p > 0 and v > 0),
        asks=tuple((p, v) for p, v in asks if p > 0 and v > 0),
        volume=int(row["vol"]) * lot,
    )
