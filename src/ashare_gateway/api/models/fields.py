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
from ...service import validation
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


def _optional_price(value: Any, info: ValidationInfo) -> Decimal | None:
    return None if value is None or value == "" else to_price(value, field=_name(info))


def _amount(value: Any, info: ValidationInfo) -> int:
    return to_amount(_required(value, info), field=_name(info))


def _client_order_id(value: Any, info: ValidationInfo) -> str | None:
    return validation.client_order_id({"client_order_id": value})


def _as_given(value: Any) -> Any:
    """Handed to the service as sent: it owns the check (after the session's, as the spec orders)."""
    return value


RequiredText = Annotated[Any, BeforeValidator(_required), WithJsonSchema({"type": "string"})]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text), WithJsonSchema({"type": "string"})]
Price = Annotated[Decimal, BeforeValidator(_price), WithJsonSchema(NUMBER_OR_TEXT)]
OptionalPrice = Annotated[Decimal | None, BeforeValidator(_optional_price), WithJsonSchema(NUMBER_OR_TEXT)]
Amount = Annotated[int, BeforeValidator(_amount), WithJsonSchema(NUMBER_OR_TEXT)]
ClientOrderId = Annotated[
    str | None,
    BeforeValidator(_client_order_id),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 64, "description": "调用方自己的委托标识"}
    ),
]
"""1–64 characters; a retry with the same id and terms is answered with the first order's result."""
