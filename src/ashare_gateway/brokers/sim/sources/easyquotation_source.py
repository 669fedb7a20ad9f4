"""Live Level-1 quotes from Sina or Tencent through ``easyquotation`` (shidenggui/easyquotation).

Why this library: it is small, widely used with easytrader, and its parsers for the two free feeds have
been stable for years; we reuse them instead of keeping our own copy of the regexes. It is imported
lazily, only when this source is chosen (``--quotes easyquotation:sina``), so the gateway neither needs
it installed nor touches the network otherwise.

Codes are always sent with an explicit market prefix from our own resolver (``sh111000``), because
easyquotation's ``get_stock_type`` sends 111xxx convertible bonds to Shenzhen (dossier §1).

Units, as the feeds report them (checked against recorded responses in tests/unit/fixtures):
- Sina: cumulative volume in shares (field ``turnover`` in easyquotation's naming), depth in shares;
- Tencent: volumes in lots of 100, which easyquotation already multiplies by 100.
Both give convertible-bond volumes in the exchanges' own units, which we do not rescale.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from ....domain.instruments import Security
from .base import LiveQuote, PollingQuotes

SOURCES = ("sina", "tencent", "qq")
MISSING = "行情源 easyquotation 未安装：pip install easyquotation（或改用 offline / replay 行情源）"


class EasyQuotationClient(Protocol):
    """The part of an ``easyquotation`` quotation object we use."""

    def real(self, stock_codes: list[str], prefix: bool = False) -> dict[str, dict[str, Any]]: ...


class EasyQuotationQuotes(PollingQuotes):
    """Live quotes from ``easyquotation.use(source)``; ``client`` injects a ready object (tests)."""

    def __init__(
        self, source: str = "sina", *, client: EasyQuotationClient | None = None, **kwargs: Any
    ) -> None:
        if source not in SOURCES:
            raise ValueError(f"easyquotation source must be one of {', '.join(SOURCES)}, not {source!r}")
        if client is None and importlib.util.find_spec("easyquotation") is None:
            raise RuntimeError(MISSING)  # chosen explicitly: say so now, not as warnings on every poll
        self._source = "tencent" if source == "qq" else source
        self._client = client
        self.name = f"easyquotation:{self._source}"
        super().__init__(self._fetch_quotes, **kwargs)

    def _get_client(self) -> EasyQuotationClient:
        if self._client is None:
            try:
                import easyquotation
            except ImportError as exc:
                raise RuntimeError(MISSING) from exc
            self._client = easyquotation.use(self._source)
        return self._client

    def _fetch_quotes(self, securities: list[Security]) -> dict[str, LiveQuote]:
        data = self._get_client().real([s.symbol for s in securities], prefix=True)
        parse = quote_from_sina if self._source == "sina" else quote_from_tencent
        out: dict[str, LiveQuote] = {}
        for key, row in data.items():
            code = key[-6:]
            out[code] = parse(code, row)
        return out


def _dec(value: object) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _book(row: Mapping[str, Any], side: str) -> tuple[tuple[Decimal, int], ...]:
    levels = ((_dec(row.get(f"{side}{i}")), int(row.get(f"{side}{i}_volume") or 0)) for i in range(1, 6))
    return tuple((p, v) for p, v in levels if p > 0 and v > 0)


def quote_from_sina(code: str, row: Mapping[str, Any]) -> LiveQuote:
    """One row of ``easyquotation.use('sina').real(...)``: ``close`` = prior close, ``turnover`` = shares."""
    when = dt.datetime.combine(dt.date.fromisoformat(row["date"]), dt.time.fromisoformat(row["time"]))
    return _live_quote(code, row, when, int(row["turnover"]))


def quote_from_tencent(code: str, row: Mapping[str, Any]) -> LiveQuote:
    """One row of ``easyquotation.use('tencent').real(...)``: volumes already in shares."""
    when = row["datetime"]
    if not isinstance(when, dt.datetime):
        when = dt.datetime.strptime(str(when), "%Y%m%d%H%M%S")
    return _live_quote(code, row, when, int(row["volume"]))


def _live_quote(code: str, row: Mapping[str, Any], when: dt.datetime, volume: int) -> LiveQuote:
    """The fields both easyquotation sources name alike; they differ only in time and volume."""
    return LiveQuote(
        code=code,
        name=row["name"],
        when=when,
        last=_dec(row["now"]),
        prev_close=_dec(row["close"]),
        open=_dec(row["open"]),
        bids=_book(row, "bid"),
        asks=_book(row, "ask"),
        volume=volume,
    )
