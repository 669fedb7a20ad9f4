"""Today's entrusts a page at a time: ``since`` (the last 合同编号 the caller saw) and ``limit``.

Why: a strategy that keeps thousands of orders open and polls 当日委托 would otherwise pay a projection
of every row per call (issue 15 measured 336 ms at 5,000 open orders). With ``since`` it gets only the
orders placed after the one it last saw, oldest first, at most ``limit`` of them; the last row's
合同编号 is the next call's ``since``. Without either parameter the answer is the spec's full list.

A broker whose store can page (:class:`PagedEntrusts`: the paper exchange, in SQL) is asked for the page
itself; any other broker (a GUI client's grid is read whole anyway) has its full list cut here, after the
row with that 合同编号.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..domain import messages as msg
from ..domain.errors import InvalidParameter
from ..domain.models import Entrust

MAX_LIMIT = 1000
TEXTS = {
    "limit": "limit 须为 1 到 {max} 之间的整数：{value}",
    "since": "since 须为合同编号（字母或数字，最多32位）：{value}",
}


@dataclass(frozen=True, slots=True)
class EntrustPage:
    """Which rows: after the entrust numbered ``since`` (None: from the first), at most ``limit``."""

    since: str | None = None
    limit: int | None = None

    @property
    def key(self) -> str:
        """The coalescing name of this read: identical pages asked at once share one broker read."""
        return f"entrusts:{self.since or ''}:{self.limit or ''}"


@runtime_checkable
class PagedEntrusts(Protocol):
    """A broker that answers a page of today's entrusts itself, cheaper than its whole list."""

    def today_entrusts_page(self, since: str | None, limit: int | None) -> list[Entrust]: ...


def parse_page(query: Mapping[str, str]) -> EntrustPage | None:
    """The page asked for in a query string, or None when neither ``since`` nor ``limit`` is given."""
    raw_since, raw_limit = query.get("since"), query.get("limit")
    if raw_since is None and raw_limit is None:
        return None
    since = None
    if raw_since is not None and raw_since.strip():
        since = raw_since.strip()
        if not (since.isascii() and since.isalnum()) or len(since) > 32:
            raise InvalidParameter(TEXTS["since"].format(value=since[:40]))
    limit = None
    if raw_limit is not None and raw_limit.strip():
        text = raw_limit.strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text[:6]) <= MAX_LIMIT or len(text) > 6:
            raise InvalidParameter(TEXTS["limit"].format(max=MAX_LIMIT, value=text[:40]))
        limit = int(text)
    return EntrustPage(since, limit)


def cut(rows: list[Entrust], page: EntrustPage) -> list[Entrust]:
    """The page out of a broker's full list (in the broker's own order)."""
    start = 0
    if page.since is not None:
        position = next((i for i, e in enumerate(rows) if e.contract_no == page.since), None)
        if position is None:
            raise InvalidParameter(msg.ENTRUST_SINCE_UNKNOWN.format(since=page.since))
        start = position + 1
    end = None if page.limit is None else start + page.limit
    return rows[start:end]
