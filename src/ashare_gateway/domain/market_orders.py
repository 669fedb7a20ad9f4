"""Market-order types per exchange and board (dossier §7), and reading them from a client's label.

Labels differ per broker build (最优五档即时成交剩余撤销 / 五档即成剩撤 / ...), so a user's ``ttype``
and a client's combobox entries are both matched by the substring keys easyths uses.
"""

from __future__ import annotations

from enum import StrEnum

from . import messages as msg
from .errors import InvalidParameter
from .instruments import Board, Kind, Market, Security


class MarketType(StrEnum):
    BEST5_IOC = "最优五档即时成交剩余撤销"
    BEST5_TO_LIMIT = "最优五档即时成交剩余转限价"
    COUNTERPARTY_BEST = "对手方最优价格"
    OWN_BEST = "本方最优价格"
    IOC = "即时成交剩余撤销"
    FOK = "全额成交或撤销"


# Substring keys, most specific first (五档…撤销 must win over 即时成交剩余撤销).
_KEYS: list[tuple[tuple[str, ...], MarketType]] = [
    (
        ("五档即时成交剩余转限", "五档成交剩余转限", "五档即成剩转限", "剩余转限价", "转限价"),
        MarketType.BEST5_TO_LIMIT,
    ),
    (("五档即时成交剩余撤销", "五档成交剩余撤销", "五档即成剩撤", "五档"), MarketType.BEST5_IOC),
    (("对手方最优", "对方最优"), MarketType.COUNTERPARTY_BEST),
    (("本方最优", "己方最优"), MarketType.OWN_BEST),
    (("即时成交剩余撤销", "即成剩撤"), MarketType.IOC),
    (("全额成交或撤", "全额成交"), MarketType.FOK),
]


def match_label(label: str) -> MarketType | None:
    """The type a label means, or None (e.g. ``不支持市价委托``)."""
    text = label.replace(" ", "")
    for keys, mtype in _KEYS:
        if any(k in text for k in keys):
            return mtype
    return None


def allowed_types(sec: Security) -> tuple[MarketType, ...]:
    """Types the exchange accepts for this instrument, the default first."""
    if sec.market is Market.SH and sec.board is not Board.STAR:
        if sec.kind is Kind.STOCK:  # SSE trading rules, 2023 revision: main-board stocks take all four
            return (
                MarketType.BEST5_IOC,
                MarketType.BEST5_TO_LIMIT,
                MarketType.COUNTERPARTY_BEST,
                MarketType.OWN_BEST,
            )
        return (MarketType.BEST5_IOC, MarketType.BEST5_TO_LIMIT)
    if sec.board is Board.STAR:
        return (
            MarketType.BEST5_IOC,
            MarketType.BEST5_TO_LIMIT,
            MarketType.COUNTERPARTY_BEST,
            MarketType.OWN_BEST,
        )
    return (
        MarketType.BEST5_IOC,
        MarketType.COUNTERPARTY_BEST,
        MarketType.OWN_BEST,
        MarketType.IOC,
        MarketType.FOK,
    )


def needs_protect_price(sec: Security) -> bool:
    """STAR and BSE market orders carry a 保护限价."""
    return sec.board in (Board.STAR, Board.BSE)


def parse_market_type(ttype: object, sec: Security) -> MarketType:
    """The user's ``ttype`` (a label, a substring key or an enum name) checked against the exchange."""
    choices = allowed_types(sec)
    if ttype is None or ttype == "":
        return choices[0]
    if not isinstance(ttype, str):
        raise InvalidParameter(msg.BAD_TTYPE.format(ttype=ttype, choices="、".join(choices)))
    mtype = MarketType.__members__.get(ttype.strip().upper()) or match_label(ttype)
    if mtype is None or mtype not in choices:
        raise InvalidParameter(msg.BAD_TTYPE.format(ttype=ttype, choices="、".join(choices)))
    return mtype
