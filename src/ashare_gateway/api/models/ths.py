"""The ths_http_trader dialect's order body (spec ths-http-trader.md): ``/buy`` and ``/sell``.

The fields arrive from the query string, a JSON body or a form, merged (the body wins), so every value
may be a string. Checked in the spec's order: the code, the price (absent or ``None``/``null``: the
client's default; else on the tick of that code), the amount (a number or ``max``). The lot rules, which
join the code, the side and the amount, are the service's (``service/sizing.py``) and run after, on the
values read here, so a body with several faults is answered with the same first one as before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from ...domain.rules import to_amount
from ...service.sizing import MAX, optional_price
from ...service.validation import require, tradable_security
from ..openapi_examples import THS_BUY_BODY
from . import RequestModel
from .fields import NUMBER_OR_TEXT


def _code(value: Any) -> str:
    return tradable_security(require({"stock_code": value}, "stock_code")).code


def _amount(value: Any) -> int | str:
    raw = require({"amount": value}, "amount")
    if isinstance(raw, str) and raw.strip().lower() == MAX:
        return MAX
    return to_amount(raw)


Code = Annotated[str, BeforeValidator(_code), WithJsonSchema(NUMBER_OR_TEXT)]
AmountOrMax = Annotated[
    int | str,
    BeforeValidator(_amount),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}], "examples": [100, "max"]}),
]


class ThsOrderBody(RequestModel):
    """A ths order: the code, an optional price and an amount (``max``: as many as the account can)."""

    model_config = ConfigDict(json_schema_extra={"examples": [THS_BUY_BODY]})

    stock_code: Code = Field(description="证券代码（600160、sh600160 或 sz000001；也可为数字）")
    price: Any = Field(
        None,
        description="委托价格（元；省略或 None/null：买入取卖一、卖出取买一）",
        json_schema_extra=NUMBER_OR_TEXT,
    )
    amount: AmountOrMax = Field(description="委托数量（股），或 max：可用资金或可卖股数允许的最大数量")

    @field_validator("price", mode="before")
    @classmethod
    def _price(cls, value: Any, info: ValidationInfo) -> Decimal | None:
        return optional_price(value, tradable_security(info.data["stock_code"]))
