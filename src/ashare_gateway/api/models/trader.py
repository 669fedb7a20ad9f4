"""The ``/api/trader`` dialect's request bodies (spec ht-client-http-api §5), in the spec's field order.

Fields are validated in the order declared, and the first failure is the answer, so the order here is
the order of the spec's checks: the code, then the price and its tick, then the amount and its lot rules,
then the caller's own id. The side (buy or sell), which the path gives and the body lacks, comes in as
validation context: ``parse(LimitOrderBody, body, side=Side.BUY)``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from ...domain.instruments import parse_security
from ...domain.market_orders import parse_market_type
from ...domain.models import Side
from ...service import validation
from ..openapi_examples import HT
from . import RequestModel
from .fields import NUMBER_OR_TEXT, Amount, ClientOrderId, OptionalPrice, OptionalText, Price, RequiredText

_T = "/api/trader"


def _example(path: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [HT[("post", f"{_T}{path}")]["request"]]})


def _side(info: ValidationInfo) -> Side | None:
    return (info.context or {}).get("side")


class ConnectBody(RequestModel):
    """Connect to a client the user has already logged in (the body may be empty)."""

    model_config = _example("/connect")

    exe_path: OptionalText = Field(None, description="客户端 xiadan.exe 的路径（可省略）")


class LoginBody(RequestModel):
    model_config = _example("/login")

    user: RequiredText = Field(description="资金账号（1到32位字母、数字或_.@-）")
    password: RequiredText = Field(description="交易密码")
    comm_password: RequiredText = Field(description="通讯密码")
    exe_path: OptionalText = Field(None, description="客户端路径（可省略）")

    @field_validator("user", mode="after")
    @classmethod
    def _account(cls, value: Any) -> str:
        return validation.account_name(value)

    @field_validator("password", "comm_password", mode="after")
    @classmethod
    def _text(cls, value: Any) -> str:
        return str(value)


class _Order(RequestModel):
    security: RequiredText = Field(description="证券代码（600000、SH600000 或 600000.SH）")

    @field_validator("security", mode="after")
    @classmethod
    def _tradable(cls, value: Any) -> str:
        return validation.tradable_security(value).code


class LimitOrderBody(_Order):
    """A limit order: /buy, /sell."""

    model_config = _example("/buy")

    price: Price = Field(description="委托价格（元，须在最小价位上）")
    amount: Amount = Field(description="委托数量（股）")
    client_order_id: ClientOrderId = None

    @field_validator("price", mode="after")
    @classmethod
    def _on_tick(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        return validation.check_tick(value, parse_security(info.data["security"]))

    @field_validator("amount", mode="after")
    @classmethod
    def _lots(cls, value: int, info: ValidationInfo) -> int:
        side = _side(info)
        if side is not None:
            validation.check_amount(parse_security(info.data["security"]), side, value, market=False)
        return value


class MarketOrderBody(_Order):
    """A market order: /market-buy, /market-sell. ``protect_price`` is another name of ``limit_price``."""

    model_config = _example("/market-buy")

    amount: Amount = Field(description="委托数量（股）")
    ttype: Any = Field(
        None,
        description="市价委托类型（可省略：该交易所的第一种），如 五档即时成交剩余撤销、对手方最优价格",
        json_schema_extra={"type": "string"},
    )
    limit_price: OptionalPrice = Field(None, description="保护限价（科创板、创业板的市价委托）")
    protect_price: OptionalPrice = Field(None, description="limit_price 的另一个名字（limit_price 优先）")
    client_order_id: ClientOrderId = None

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        merged = {**data, "limit_price": data.get("limit_price", data.get("protect_price"))}
        merged.pop("protect_price", None)
        return merged

    @field_validator("amount", mode="after")
    @classmethod
    def _lots(cls, value: int, info: ValidationInfo) -> int:
        side = _side(info)
        if side is not None:
            validation.check_amount(parse_security(info.data["security"]), side, value, market=True)
        return value

    @field_validator("ttype", mode="after")
    @classmethod
    def _type(cls, value: Any, info: ValidationInfo) -> Any:
        parse_market_type(value, parse_security(info.data["security"]))
        return value

    @field_validator("limit_price", mode="after")
    @classmethod
    def _protect_on_tick(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        return None if value is None else validation.check_tick(value, parse_security(info.data["security"]))


class CancelBody(RequestModel):
    model_config = _example("/cancel-entrust")

    entrust_no: Any = Field(
        description="合同编号（字母或数字，最多32位）", json_schema_extra={"type": "string"}
    )


class WaitBody(RequestModel):
    model_config = _example("/wait")

    seconds: Any = Field(description="等待秒数（0到60）", json_schema_extra=NUMBER_OR_TEXT)
