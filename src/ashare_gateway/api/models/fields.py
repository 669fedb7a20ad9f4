"""Field types shared by the dialects' request models: each one a domain rule behind ``Annotated``.

The number rules are those of ``domain/numbers.py`` (reached through ``domain/rules.py``): plain ASCII
decimals only (no full-width digits, no ``1_00``), no NaN or infinity, bounded size. Each validator gets
the raw JSON value (a number or a numeric string, as the spec allows) and raises the spec's own message;
``WithJsonSchema`` says in the OpenAPI document what a caller may send.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema

from ...domain.errors import InvalidParameter
from ...domain.rules import to_amount, to_price
from ...service.validation import require

TEXTS = {"field": "参数格式错误：{name}（应为字符串）"}

NUMBER_OR_TEXT: dict[str, Any] = {"anyOf": [{"type": "number"}, {"type": "string"}]}


def _name(info: ValidationInfo) -> str:
    return info.field_name or "参数"


def _required(value: Any, info: ValidationInfo) -> Any:
    return require({_name(info): value}, _name(info))


def _optional_text(value: Any, info: ValidationInfo) -> str | None:
    """Absent or blank is None; a number or a list is a 400 (``exe_path``)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidParameter(TEXTS["field"].format(name=_name(info)))
    return value.strip() or None


def _price(value: Any, info: ValidationInfo) -> Decimal:
    return to_price(_required(value, info), field=_name(info))


def _amount(value: Any, info: ValidationInfo) -> int:
    return to_amount(_required(value, info), field=_name(info))


RequiredText = Annotated[Any, BeforeValidator(_required), WithJsonSchema({"type": "string"})]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text), WithJsonSchema({"type": "string"})]
Price = Annotated[Decimal, BeforeValidator(_price), WithJsonSchema(NUMBER_OR_TEXT)]
Amount = Annotated[int, BeforeValidator(_amount), WithJsonSchema(NUMBER_OR_TEXT)]
