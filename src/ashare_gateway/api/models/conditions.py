"""The request body of ``POST /api/trader/conditions``: one condition, or ``{"oco": [leg, leg]}``.

Why the leg's fields are read as sent and not checked here: every rule of a condition needs the market
as it is at creation (the code's quote, today's limits, the time of day), and the rules run in one
order, the quote first (``service/conditions_parse.py``). The model is the route's *shape*: the fields it
declares are the only ones that reach the service (a field missing here is a field the service never
sees, so the OpenAPI document cannot drift from what is read), an ``oco`` that is not two objects is
refused with the service's own text, and an explicit ``null`` stays a ``null`` (the service refuses
``"ticks": null`` as before) while an absent field stays absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import ConfigDict, Field, WithJsonSchema, field_validator

from ...domain.errors import InvalidParameter
from ...service.conditions import MAX_OCO_LEGS
from ...service.conditions_model import MAX_TICKS, TEXTS, ConditionKind, PriceType
from . import RequestModel
from .fields import NUMBER_OR_TEXT


class _Null:
    """An explicit JSON ``null``, kept apart from an absent field until the body is handed on."""

    def __repr__(self) -> str:
        return "null"


NULL = _Null()


# Each field is read as sent and documented as what a caller may send.
Number = Annotated[Any, WithJsonSchema(NUMBER_OR_TEXT)]
Text = Annotated[Any, WithJsonSchema({"type": "string"})]
Kind = Annotated[Any, WithJsonSchema({"type": "string", "enum": [k.value for k in ConditionKind]})]
Side = Annotated[Any, WithJsonSchema({"type": "string", "enum": ["buy", "sell"]})]
Amount = Annotated[
    Any, WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": ["all"]}]})
]
Pricing = Annotated[Any, WithJsonSchema({"type": "string", "enum": [p.value for p in PriceType]})]
Ticks = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_TICKS})]


class ConditionLeg(RequestModel):
    """One condition: what fires it, the order it sends, how long it waits."""

    type: Kind = Field(None, description="条件类型：止损、止盈、移动止损、向上/向下突破、定时")
    security: Text = Field(None, description="证券代码（600000、SH600000 或 600000.SH）")
    side: Side = Field(None, description="方向（止损、止盈只能是 sell）")
    amount: Amount = Field(None, description="委托数量（股）；卖出可为 all：触发时的全部可用持仓")
    trigger_price: Number = Field(None, description="触发价（止损、止盈、突破；须符合最小价位）")
    trail_percent: Number = Field(
        None, description="移动止损：自最高（买入：最低）回落（反弹）的百分比，0.1到50"
    )
    trail_amount: Number = Field(None, description="移动止损：自最高（买入：最低）回落（反弹）的金额（元）")
    at: Text = Field(None, description="定时条件的时间 HH:MM:SS（连续竞价时段内）", examples=["14:50:00"])
    price_type: Pricing = Field(None, description="触发后的委托：limit 限价（默认）、trigger_offset、market")
    price: Number = Field(None, description="限价委托的价格（price_type=limit）")
    ticks: Ticks = Field(None, description="trigger_offset：触发时最新价向成交方向偏移的档数（默认0）")
    ttype: Text = Field(None, description="市价委托类型（price_type=market，同 /market-buy）")
    limit_price: Number = Field(None, description="市价委托的保护限价（price_type=market）")
    valid: Text = Field(None, description="有效期：today（默认）或 YYYY-MM-DD（90天内）", examples=["today"])

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {key: NULL if value is None else value for key, value in data.items()}

    def as_body(self) -> dict[str, Any]:
        """The leg as the service reads it: declared fields only, absent ones left out, nulls kept."""
        shown = {name: getattr(self, name) for name in type(self).model_fields}
        return {name: None if value is NULL else value for name, value in shown.items() if value is not None}


def _oco_without_null(schema: dict[str, Any]) -> None:
    """Document ``oco`` as what a caller sends (an array of two legs), not as pydantic's ``X | None``."""
    oco = schema["properties"]["oco"]
    (array,) = [branch for branch in oco.pop("anyOf") if branch.get("type") == "array"]
    oco.update(array)
    oco.pop("default", None)


class ConditionBody(ConditionLeg):
    """A condition, or with ``oco`` two of them where the first to fire cancels the other (the leg
    fields beside ``oco`` are then not read)."""

    model_config = ConfigDict(json_schema_extra=_oco_without_null)

    oco: list[ConditionLeg] | None = Field(
        None,
        description="二选一：两个条件，一个触发即撤销另一个",
        min_length=MAX_OCO_LEGS,
        max_length=MAX_OCO_LEGS,
    )

    @field_validator("oco", mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        if value is None or value is NULL:
            return None
        if not isinstance(value, list) or len(value) != MAX_OCO_LEGS:
            raise InvalidParameter(TEXTS["oco"])
        if not all(isinstance(leg, Mapping) for leg in value):
            raise InvalidParameter(TEXTS["oco"])
        return value

    def as_body(self) -> dict[str, Any]:
        if self.oco is None:
            return super().as_body()
        return {"oco": [leg.as_body() for leg in self.oco]}
