"""国债逆回购 for every broker that lends: the loans listing and "lend the idle cash" (``/api/trader/repo``).

The helper works the order out (which code of the tenor bids best, how many 张 the available cash minus
what to keep pays for, commission included) and places it through the normal order path
(:meth:`TraderService.place`: journal, risk, idempotency). It is identified by its *terms*, so a retry
with the same ``Idempotency-Key`` replays the first answer instead of lending again what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Protocol, runtime_checkable

from ..domain import repo
from ..domain.errors import InvalidParameter, NotSupported, OrderRejected
from ..domain.instruments import Market
from ..domain.models import OrderAck, OrderRequest, Side
from ..domain.numbers import NotANumber, parse_decimal
from .trader import TraderService

MAX_KEEP = Decimal(10) ** 12
TEXTS = {
    "unsupported": "该券商客户端暂不支持查询国债逆回购",
    "days": "days 须为国债逆回购的期限天数之一：{choices}",
    "keep": "keep 须为0到1万亿之间的金额（元）",
    "market": "market 须为 sh 或 sz",
    "no_bid": "{names}当前没有融资方报价（{phase}），无法出借",
    "too_little": "可出借资金不足1000元（可用{available}元，保留{keep}元）",
}


@runtime_checkable
class RepoBroker(Protocol):
    def repo_loans(self) -> list[repo.RepoLoan]: ...


@dataclass(frozen=True, slots=True)
class LendTerms:
    days: int
    keep: Decimal
    market: Market | None

    def as_dict(self) -> dict[str, Any]:
        return {"repo_lend": self.days, "keep": str(self.keep), "market": self.market or ""}


@dataclass(frozen=True, slots=True)
class Lent:
    ack: OrderAck
    request: OrderRequest | None  # None when a retry replayed the first answer


def lend_days(raw: object) -> int:
    """The tenor in days (absent: 1), one of :data:`repo.TENORS`."""
    if raw is None:
        return 1
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidParameter(TEXTS["days"].format(choices="、".join(map(str, repo.TENORS))))
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days not in repo.TENORS:
        raise InvalidParameter(TEXTS["days"].format(choices="、".join(map(str, repo.TENORS))))
    return days


def lend_keep(raw: object) -> Decimal:
    """The cash to leave unlent, in 元 (absent or blank: 0), rounded up to the fen: keep, never less."""
    try:
        keep = parse_decimal(raw if raw not in (None, "") else 0)
    except NotANumber:
        raise InvalidParameter(TEXTS["keep"]) from None
    if not keep.is_finite() or keep < 0 or keep > MAX_KEEP:
        raise InvalidParameter(TEXTS["keep"])
    return keep.quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def lend_market(raw: object) -> Market | None:
    """Only this exchange's repo codes (absent or blank: both)."""
    if raw in (None, ""):
        return None
    try:
        market = Market(str(raw).lower())
    except ValueError:
        raise InvalidParameter(TEXTS["market"]) from None
    if market is Market.BJ:
        raise InvalidParameter(TEXTS["market"])
    return market


def lendable(available: Decimal, keep: Decimal, days: int) -> int:
    """The most 张 (in steps of 10) whose principal and commission fit in ``available − keep``."""
    spend = available - keep
    zhang = int((spend / (repo.PAR * (1 + repo.commission_rate(days)))).to_integral_value(ROUND_FLOOR))
    zhang = min(zhang - zhang % repo.LOT, repo.MAX_PER_ORDER)
    while zhang > 0 and repo.principal(zhang) + repo.commission(days, repo.principal(zhang)) > spend:
        zhang -= repo.LOT
    return max(zhang, 0)


class RepoLending:
    def __init__(self, service: TraderService) -> None:
        self.service = service

    def loans(self, session_id: str | None) -> list[repo.RepoLoan]:
        handle = self.service.handle_for(session_id)
        broker = handle.broker
        if not isinstance(broker, RepoBroker):
            raise NotSupported(TEXTS["unsupported"])
        return handle.lane.run(broker.repo_loans, label="查询国债逆回购", deadline=self.service.deadline)

    def lend(self, session_id: str | None, terms: LendTerms, *, key: str | None = None) -> Lent:
        self.service.session(session_id)
        worked: list[OrderRequest] = []

        def work_out() -> OrderRequest:
            req = self._order(session_id, terms)
            worked.append(req)
            return req

        ack = self.service.place(session_id, work_out, key=key, terms=terms.as_dict())
        return Lent(ack, worked[0] if worked else None)

    def _order(self, session_id: str | None, terms: LendTerms) -> OrderRequest:
        candidates = repo.for_tenor(terms.days, terms.market)
        quotes = [(inst, self.service.quote(session_id, inst.code)) for inst in candidates]
        bidding = [(inst, q) for inst, q in quotes if q.bids]
        if not bidding:
            names = "、".join(inst.name for inst in candidates)
            raise OrderRejected(TEXTS["no_bid"].format(names=names, phase=quotes[0][1].phase))
        inst, best = max(bidding, key=lambda pair: pair[1].bids[0].price)
        available = self.service.balance(session_id).available
        zhang = lendable(available, terms.keep, terms.days)
        if zhang < repo.LOT:
            raise OrderRejected(TEXTS["too_little"].format(available=available, keep=terms.keep))
        return OrderRequest(code=inst.code, side=Side.SELL, amount=zhang, price=best.bids[0].price)
