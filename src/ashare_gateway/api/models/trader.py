"""The ``/api/trader`` dialect's request bodies (spec ht-client-http-api §5), in the spec's field order.

Fields are validated in the order declared, and the first failure is the answer, so the order here is
the order of the spec's checks (the code, the price, the amount); the checks that join several fields
run after, in the service, on the values read here. Each order route passes its side as validation
context (``parse(LimitOrderBody, body, side=Side.BUY)``) for a model that needs it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, field_validator

from ...service import validation
from ..openapi_examples import HT
from . import RequestModel
from .fields import NUMBER_OR_TEXT, Amount, OptionalText, Price, RequiredText

_T = "/api/trader"


def _example(path: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [HT[("post", f"{_T}{path}")]["request"]]})


_ID: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 64,
    "description": "调用方自己的委托标识（1到64个字符）",
}


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
    """A limit order: /buy, /sell. The code, price and amount are read here; the rules that join them
    (国债逆回购's rate and 张, the tick, the lots, the caller's id) are ``service/validation.py``'s, in
    that order, so a body with several faults is answered with the same first one as before."""

    model_config = _example("/buy")

    price: Price = Field(description="委托价格（元，须在最小价位上；国债逆回购为年化收益率%）")
    amount: Amount = Field(description="委托数量（股；国债逆回购为张）")
    client_order_id: Any = Field(
        None, description="调用方自己的委托标识（1到64个字符）", json_schema_extra=_ID
    )


class MarketOrderBody(_Order):
    """A market order: /market-buy, /market-sell. ``protect_price`` is another name of ``limit_price``.

    Only the code is read here: the service refuses a 国债逆回购 code before it reads the amount, and
    checks the lots before the protection price (``service/validation.py``), so the rest is handed on
    as sent, under the names the service reads."""

    model_config = _example("/market-buy")

    amount: Any = Field(description="委托数量（股）", json_schema_extra=NUMBER_OR_TEXT)
    ttype: Any = Field(
        None,
        description="市价委托类型（可省略：该交易所的第一种），如 五档即时成交剩余撤销、对手方最优价格",
        json_schema_extra={"type": "string"},
    )
    limit_price: Any = Field(
        None, description="保护限价（科创板、创业板的市价委托）", json_schema_extra=NUMBER_OR_TEXT
    )
    protect_price: Any = Field(
        None, description="limit_price 的另一个名字（limit_price 优先）", json_schema_extra=NUMBER_OR_TEXT
    )
    client_order_id: Any = Field(
        None, description="调用方自己的委托标识（1到64个字符）", json_schema_extra=_ID
    )

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        merged = {**data, "limit_price": data.get("limit_price", data.get("protect_price"))}
        merged.pop("protect_price", None)
        return merged


class CancelBody(RequestModel):
    model_config = _example("/cancel-entrust")

    entrust_no: Any = Field(
        description="合同编号（字母或数字，最多32位）", json_schema_extra={"type": "string"}
    )


class WaitBody(RequestModel):
    model_config = _example("/wait")

    seconds: Any = Field(description="等待秒数（0到60）", json_schema_extra=NUMBER_OR_TEXT)
