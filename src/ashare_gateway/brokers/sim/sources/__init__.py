"""Quote sources for the paper exchange, and :func:`make_quote_source` to pick one from a CLI string.

- ``offline`` (default): the deterministic walk over the bundled table (:class:`OfflineQuotes`);
- ``replay:PATH``: a recorded CSV/Parquet file or folder (:class:`ReplayQuotes`);
- ``easyquotation:sina`` / ``easyquotation:tencent``: live Sina/Tencent quotes (:class:`EasyQuotationQuotes`);
- ``mootdx`` / ``mootdx:HOST:PORT``: live TongDaXin quotes (:class:`MootdxQuotes`).

Live sources reach the network, so they are only ever built from an explicit choice; building one does
not connect yet (the first quote does), which keeps start-up fast and lets a missing library surface as
a clear error on first use rather than a crash at import.
"""

from __future__ import annotations

from pathlib import Path

from ..quotes import OfflineQuotes, QuoteSource
from .base import LiveQuote, PollingQuotes, snapshot_index, to_ticks
from .easyquotation_source import EasyQuotationQuotes
from .mootdx_source import TDX_DEFAULT_PORT, MootdxQuotes
from .replay import ReplayError, ReplayQuotes

__all__ = [
    "SPEC_HELP",
    "EasyQuotationQuotes",
    "LiveQuote",
    "MootdxQuotes",
    "OfflineQuotes",
    "PollingQuotes",
    "ReplayError",
    "ReplayQuotes",
    "make_quote_source",
    "snapshot_index",
    "to_ticks",
]

SPEC_HELP = "offline | replay:PATH | easyquotation:sina | easyquotation:tencent | mootdx | mootdx:HOST:PORT"


def make_quote_source(spec: str) -> QuoteSource:
    """Build the quote source named by ``spec`` (see :data:`SPEC_HELP`); ``ValueError`` if it is not one."""
    text = (spec or "offline").strip()
    kind, _, arg = text.partition(":")
    kind = kind.lower()
    if kind == "offline" and not arg:
        return OfflineQuotes()
    if kind == "replay":
        if not arg:
            raise ValueError("replay 行情源需要文件路径：replay:PATH")
        return ReplayQuotes(Path(arg).expanduser())
    if kind == "easyquotation":
        return EasyQuotationQuotes(arg.lower() or "sina")
    if kind == "mootdx":
        if not arg:
            return MootdxQuotes()
        host, _, port = arg.rpartition(":")
        if not host:  # mootdx:HOST
            host, port = port, str(TDX_DEFAULT_PORT)
        if not port.isdigit():
            raise ValueError(f"mootdx 服务器端口无效：{arg!r}（应为 mootdx:HOST:PORT）")
        return MootdxQuotes((host, int(port)))
    raise ValueError(f"未知行情源 {spec!r}，可选：{SPEC_HELP}")
