"""Quotes for an order's checks and for ``/quote``: the broker's own, or for a GUI client the gateway's
quote source — never the paper exchange's made-up prices for a real account.

A code the source does not know is "no quote" (501) for a GUI client, not 未找到证券: the broker may well
trade it. Used by /quote, the risk limits and the ths dialect's sizing alike.
"""

from __future__ import annotations

from collections.abc import Callable

from ..brokers.base import Broker, Operation
from ..domain.errors import NotSupported, OrderRejected
from ..domain.models import Quote
from ..domain.repo import is_repo

NO_REPO_QUOTE = "国债逆回购的利率只有纸面交易所的模拟盘口，不用于券商客户端（请在客户端查看报价）"
NO_QUOTE_SOURCE = (
    "网关未配置行情源，不使用纸面交易所的模拟行情（启动时用 --quotes easyquotation:sina 或 mootdx 指定）"
)
NO_SOURCE_QUOTE = "行情源没有{code}的行情（{reason}）：委托价格由客户端决定，按行情的风控无法检查"


def quote(broker: Broker, code: str, source: Callable[[str], Quote] | None) -> Quote:
    capabilities = broker.capabilities
    if capabilities.supports(Operation.QUOTE):
        return broker.quote(code)
    refusal = capabilities.refusal(Operation.QUOTE)
    if is_repo(code):  # the paper exchange's repo rates are made up: never for a real account
        raise NotSupported(f"{refusal}；{NO_REPO_QUOTE}")
    if source is None:
        raise NotSupported(f"{refusal}；{NO_QUOTE_SOURCE}")
    try:
        return source(code)
    except OrderRejected as unknown:
        raise NotSupported(NO_SOURCE_QUOTE.format(code=code, reason=unknown.message)) from None
