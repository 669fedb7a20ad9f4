"""The request body of ``POST /api/trader/repo`` ("lend the idle cash"): the tenor, what to keep, the
exchange. Each field's rule is the service's (``service/repo_lending.py``), checked in this order, the
first failure the answer; the body is read before the session, as before the model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from ...domain import repo
from ...domain.instruments import Market
from ...service.repo_lending import LendTerms, lend_days, lend_keep, lend_market
from . import RequestModel
from .fields import NUMBER_OR_TEXT

Days = Annotated[
    int,
    BeforeValidator(lend_days),
    WithJsonSchema({"anyOf": [{"type": "integer", "enum": list(repo.TENORS)}, {"type": "string"}]}),
]
Keep = Annotated[Decimal, BeforeValidator(lend_keep), WithJsonSchema(NUMBER_OR_TEXT)]
Exchange = Annotated[
    Market | None,
    BeforeValidator(lend_market),
    WithJsonSchema({"type": "string", "enum": [Market.SH.value, Market.SZ.value]}),
]


class LendBody(RequestModel):
    """Lend all available cash but ``keep`` for ``days`` at the best bid of that tenor's codes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"days": 1, "keep": 10000}]})

    days: Days = Field(1, description="期限天数（默认1）：" + "、".join(map(str, repo.TENORS)))
    keep: Keep = Field(Decimal(0), description="保留不出借的金额（元，默认0）")
    market: Exchange = Field(
        None, description="只用这个交易所的品种：sh（GC001…）或 sz（R-001…）；省略为两者择优"
    )

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        # "days": null is a wrong tenor, not an absent one (absent means 1 day).
        return {**data, "days": ""} if "days" in data and data["days"] is None else data

    @property
    def terms(self) -> LendTerms:
        return LendTerms(self.days, self.keep, self.market)
