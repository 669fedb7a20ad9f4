"""Quote sources for the paper exchange, and the deterministic offline one it uses by default.

The offline source replays, for every security in its reference table, a price path that is a pure
function of (code, date): the same day always trades the same way, so results are reproducible across
runs and machines. The path is a mean-reverting walk of whole ticks inside ``±volatility`` of the prior
close (which stays the reference table's value every day: the offline market has no overnight drift).
Snapshots come every 3 seconds of continuous trading, like the exchanges' Level-1 feed; depth is five
levels each side with one tick between levels and deterministic sizes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Protocol

from ...domain.instruments import Kind, Security, resolve_code
from ...domain.rules import tick_size

SNAPSHOT_SECONDS = 3
CONTINUOUS_SECONDS = 4 * 3600
SNAPSHOTS_PER_DAY = CONTINUOUS_SECONDS // SNAPSHOT_SECONDS  # 4800
DEPTH = 5


@dataclass(frozen=True, slots=True)
class Reference:
    """Static facts about a security: what a market-data vendor's daily file holds."""

    security: Security
    name: str
    prev_close: Decimal
    volatility: float
    is_st: bool
    listed: dt.date
    wide_fund: bool  # ChiNext/STAR-index ETFs: ±20%
    t0: bool  # same-day round trips allowed (bond/gold/cross-border ETFs, convertible bonds)

    @property
    def code(self) -> str:
        return self.security.code


@dataclass(frozen=True, slots=True)
class IpoOffer:
    code: str
    name: str
    price: Decimal
    max_amount: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One 3-second snapshot; prices in integer ticks (``tick`` gives their size)."""

    index: int
    last: int
    bids: tuple[tuple[int, int], ...]  # (price ticks, volume), best first
    asks: tuple[tuple[int, int], ...]
    traded: int  # volume the market traded at ``last`` during this snapshot


class QuoteSource(Protocol):
    """What the paper exchange needs from market data."""

    def reference(self, code: str) -> Reference | None: ...

    def codes(self) -> list[str]: ...

    def snapshot(self, code: str, day: dt.date, index: int) -> Snapshot: ...

    def ipos(self, day: dt.date) -> list[IpoOffer]: ...


def _seed(*parts: object) -> int:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class OfflineQuotes:
    """The default quote source: bundled reference data and a deterministic price walk."""

    def __init__(self, references: list[Reference] | None = None, ipos: list[IpoOffer] | None = None) -> None:
        refs = references if references is not None else load_bundled_references()
        self._refs = {r.code: r for r in refs}
        self._ipos = ipos if ipos is not None else load_bundled_ipos()

    def reference(self, code: str) -> Reference | None:
        return self._refs.get(code)

    def codes(self) -> list[str]:
        return sorted(self._refs)

    def ipos(self, day: dt.date) -> list[IpoOffer]:
        return list(self._ipos)

    def snapshot(self, code: str, day: dt.date, index: int) -> Snapshot:
        ref = self._refs[code]
        path = self._path(code, day)
        index = max(0, min(index, SNAPSHOTS_PER_DAY - 1))
        last = path[index]
        h = _seed(code, day, index)
        lot = 10 if ref.security.kind is Kind.CONVERTIBLE_BOND else 100
        bids = tuple((last - i, lot * (5 + (h >> (i * 6)) % 60)) for i in range(DEPTH) if last - i > 0)
        asks = tuple((last + 1 + i, lot * (5 + (h >> (30 + i * 6)) % 60)) for i in range(DEPTH))
        traded = lot * (1 + (h >> 60) % 16)
        return Snapshot(index, last, bids, asks, traded)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one source per exchange; bounded
    def _path(self, code: str, day: dt.date) -> tuple[int, ...]:
        ref = self._refs[code]
        base = int(ref.prev_close / tick_size(ref.security))
        return price_path(code, day, base, max(2, int(base * ref.volatility)))


@functools.lru_cache(maxsize=256)
def price_path(code: str, day: dt.date, base: int, band: int) -> tuple[int, ...]:
    """The day's walk of ``code`` in ticks around ``base`` within ``±band``: a pure function of its
    arguments, so one cache serves every exchange of the process (each new paper exchange — a restart,
    a second account, a test — would otherwise walk 4,800 steps again per code and day)."""
    rng = random.Random(_seed("path", code, day))
    # The open gaps a little from the prior close, then the walk reverts towards it.
    offset = rng.randint(-band // 2, band // 2)
    out = []
    for _ in range(SNAPSHOTS_PER_DAY):
        pull = -1 if offset > band // 3 else (1 if offset < -band // 3 else 0)
        step = rng.choice((-1, 0, 0, 1)) + (pull if rng.random() < 0.3 else 0)
        offset = max(-band, min(band, offset + step))
        out.append(max(1, base + offset))
    return tuple(out)


def load_bundled_references() -> list[Reference]:
    return list(_bundled_references())


@functools.cache
def _bundled_references() -> tuple[Reference, ...]:
    """The bundled table, parsed once per process (its rows are frozen)."""
    text = resources.files(__package__).joinpath("data/securities.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        out.append(
            Reference(
                security=resolve_code(row["code"]),
                name=row["name"],
                prev_close=Decimal(row["prev_close"]),
                volatility=float(row["volatility"]),
                is_st=row["st"] == "1",
                listed=dt.date.fromisoformat(row["listed"]),
                wide_fund=row["wide_fund"] == "1",
                t0=row["t0"] == "1",
            )
        )
    return tuple(out)


def load_bundled_ipos() -> list[IpoOffer]:
    text = resources.files(__package__).joinpath("data/ipos.csv").read_text(encoding="utf-8")
    return [
        IpoOffer(r["code"], r["name"], Decimal(r["price"]), int(r["max_amount"]))
        for r in csv.DictReader(text.splitlines())
    ]
