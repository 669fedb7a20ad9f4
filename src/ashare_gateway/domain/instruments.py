"""What a 6-digit code is: its market (sh/sz/bj), board and kind of instrument.

A bare code is ambiguous in general (000001 is both the SSE Composite and 平安银行), so the gateway
always resolves a code to an explicit market here, and checks that a prefix, when the user gives one,
agrees. Rules: docs ``ashare-rules.md`` §1 (92x is tested before 9, because 900 is an SH B-share; 111xxx
is an SH convertible bond and 889xxx a BSE subscription code, both of which easytrader gets wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from . import messages as msg
from .errors import InvalidParameter


class Market(StrEnum):
    SH = "sh"
    SZ = "sz"
    BJ = "bj"

    @property
    def label(self) -> str:
        """The 交易市场 text the clients show."""
        return {"sh": "上海Ａ股", "sz": "深圳Ａ股", "bj": "北京Ａ股"}[self.value]


class Board(StrEnum):
    SH_MAIN = "sh_main"
    SZ_MAIN = "sz_main"
    STAR = "star"
    CHINEXT = "chinext"
    BSE = "bse"
    FUND = "fund"
    BOND = "bond"
    REPO = "repo"


class Kind(StrEnum):
    STOCK = "stock"
    FUND = "fund"
    CONVERTIBLE_BOND = "convertible_bond"
    IPO_SUBSCRIPTION = "ipo_subscription"
    REPO = "repo"  # 国债逆回购 (domain/repo.py): a sell with the annualised rate as the price


@dataclass(frozen=True, slots=True)
class Security:
    """A resolved code: ``code`` is always the bare 6 digits."""

    code: str
    market: Market
    board: Board
    kind: Kind
    # For a subscription code, the board of the stock it subscribes to (STAR for 787xxx, ...).
    ipo_board: Board | None = None

    @property
    def symbol(self) -> str:
        return f"{self.market.value}{self.code}"

    @property
    def is_main_board(self) -> bool:
        return self.board in (Board.SH_MAIN, Board.SZ_MAIN)


_CODE_RE = re.compile(r"^(?:(?P<pre>sh|sz|bj)\.?)?(?P<code>\d{6})(?:\.(?P<suf>sh|sz|bj|ss))?$", re.IGNORECASE)

# (prefix, market, board, kind, ipo_board); the longest prefix wins, so order does not matter.
_PREFIXES: list[tuple[str, Market, Board, Kind, Board | None]] = [
    # SH stocks
    *[(p, Market.SH, Board.SH_MAIN, Kind.STOCK, None) for p in ("600", "601", "603", "605")],
    ("688", Market.SH, Board.STAR, Kind.STOCK, None),
    ("689", Market.SH, Board.STAR, Kind.STOCK, None),
    # SH funds: ETFs 51x/56x/58x, LOFs 501/502/506
    *[(p, Market.SH, Board.FUND, Kind.FUND, None) for p in ("51", "56", "58", "501", "502", "506")],
    # SH convertible bonds
    *[(p, Market.SH, Board.BOND, Kind.CONVERTIBLE_BOND, None) for p in ("110", "111", "113", "118")],
    # SH IPO subscription codes
    ("730", Market.SH, Board.SH_MAIN, Kind.IPO_SUBSCRIPTION, Board.SH_MAIN),
    ("780", Market.SH, Board.SH_MAIN, Kind.IPO_SUBSCRIPTION, Board.SH_MAIN),
    ("732", Market.SH, Board.SH_MAIN, Kind.IPO_SUBSCRIPTION, Board.SH_MAIN),
    ("707", Market.SH, Board.SH_MAIN, Kind.IPO_SUBSCRIPTION, Board.SH_MAIN),
    ("787", Market.SH, Board.STAR, Kind.IPO_SUBSCRIPTION, Board.STAR),
    # SZ stocks
    *[(p, Market.SZ, Board.SZ_MAIN, Kind.STOCK, None) for p in ("000", "001", "002", "003")],
    ("300", Market.SZ, Board.CHINEXT, Kind.STOCK, None),
    ("301", Market.SZ, Board.CHINEXT, Kind.STOCK, None),
    # SZ funds and bonds
    ("159", Market.SZ, Board.FUND, Kind.FUND, None),
    ("16", Market.SZ, Board.FUND, Kind.FUND, None),
    *[(p, Market.SZ, Board.BOND, Kind.CONVERTIBLE_BOND, None) for p in ("123", "127", "128")],
    # BSE
    ("920", Market.BJ, Board.BSE, Kind.STOCK, None),
    ("889", Market.BJ, Board.BSE, Kind.IPO_SUBSCRIPTION, Board.BSE),
]

_UNSUPPORTED: list[tuple[str, str]] = [
    ("900", "上海B股"),
    ("200", "深圳B股"),
    ("399", "深证指数"),
    ("204", "未开放的国债逆回购品种"),
    ("131", "未开放的国债逆回购品种"),
]

_RETIRED_BSE = ("43", "83", "87", "88")


def parse_security(text: object, *, field: str = "security") -> Security:
    """Resolve ``600000``, ``sh600000``, ``SH600000`` or ``600000.SH`` to a :class:`Security`.

    Raises :class:`InvalidParameter` with a Chinese reason for anything that is not a tradable code.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InvalidParameter(msg.MISSING_PARAM.format(name=field))
    if isinstance(text, int) and not isinstance(text, bool):
        text = f"{text:06d}"
    if not isinstance(text, str):
        raise InvalidParameter(msg.BAD_SECURITY.format(code=text))
    raw = text.strip()
    m = _CODE_RE.match(raw)
    if not m:
        raise InvalidParameter(msg.BAD_SECURITY.format(code=raw))
    code = m.group("code")
    given = (m.group("pre") or m.group("suf") or "").lower()
    given = "sh" if given == "ss" else given
    security = resolve_code(code)
    if given and given != security.market.value:
        raise InvalidParameter(msg.MARKET_MISMATCH.format(code=raw))
    return security


def resolve_code(code: str) -> Security:
    """Classify a bare 6-digit code by its prefix (longest prefix first)."""
    from .repo import BY_CODE  # repo imports Market from here

    repo = BY_CODE.get(code)
    if repo is not None:
        return Security(code=code, market=repo.market, board=Board.REPO, kind=Kind.REPO)
    for prefix, reason in _UNSUPPORTED:
        if code.startswith(prefix):
            raise InvalidParameter(msg.UNSUPPORTED_SECURITY.format(code=code, reason=reason))
    best: tuple[str, Market, Board, Kind, Board | None] | None = None
    for entry in _PREFIXES:
        if code.startswith(entry[0]) and (best is None or len(entry[0]) > len(best[0])):
            best = entry
    if best is None:
        if code.startswith(_RETIRED_BSE):
            raise InvalidParameter(msg.BSE_CODE_RETIRED)
        raise InvalidParameter(msg.UNSUPPORTED_SECURITY.format(code=code, reason="未知代码段"))
    _, market, board, kind, ipo_board = best
    return Security(code=code, market=market, board=board, kind=kind, ipo_board=ipo_board)


# SH subscription-code prefix → the prefix of the stock it subscribes to (dossier §1; 707→605 is widely
# cited but not verified). SZ subscribes under the stock's own code; BSE's mapping is not sourced.
_IPO_STOCK_PREFIX = {"730": "600", "780": "601", "732": "603", "787": "688", "707": "605"}


def ipo_stock_code(sec: Security) -> str:
    """The code an IPO's shares are credited under after the draw (787001 → 688001)."""
    prefix = _IPO_STOCK_PREFIX.get(sec.code[:3]) if sec.market is Market.SH else None
    return prefix + sec.code[3:] if prefix else sec.code
