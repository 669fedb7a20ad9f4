"""The easytrader remote dialect's request bodies (spec easytrader-remote.md), as its ``remoteclient``
sends them: JSON with ``None`` for what the caller left out, and newer keyword arguments nested under
``kwargs`` (the client's ``locals()``), which are lifted to the top (a top-level field wins).

The order fields and their checks are the ``/api/trader`` models' (the same service reads them), so an
easytrader order and an ``/api/trader`` order are refused with the same text; only the examples and the
``kwargs`` lifting are this dialect's.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from ...brokers.base import Credentials
from ...domain import messages as msg
from ...domain.errors import InvalidParameter
from ...service.validation import account_name, require
from ..openapi_examples import EASYTRADER
from . import RequestModel
from .trader import CancelBody, LimitOrderBody, MarketOrderBody

KWARGS: dict[str, Any] = {
    "type": "object",
    "description": "easytrader 较新版本把其余关键字参数放在这里（与顶层同名时以顶层为准）",
}


def lift_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The body with its ``kwargs`` object merged in below the top-level fields."""
    nested = data.get("kwargs")
    top = {name: value for name, value in data.items() if name != "kwargs"}
    return {**nested, **top} if isinstance(nested, dict) else top


def _example(path: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [EASYTRADER[("post", path)]["request"]]})


class _Kwargs(RequestModel):
    kwargs: Any = Field(None, json_schema_extra=KWARGS)

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        return super().prepare(lift_kwargs(data))

    def as_body(self) -> dict[str, Any]:
        return {name: value for name, value in super().as_body().items() if name != "kwargs"}


class PrepareBody(_Kwargs):
    """``/prepare``: log in with ``user``/``password`` (and ``comm_password``), or without ``user`` attach
    to the client already running. ``broker`` and ``config_path`` are easytrader's own and not needed:
    the gateway was started for one kind of client."""

    model_config = _example("/prepare")

    exe_path: Any = Field(None, description="客户端路径（可省略）", json_schema_extra={"type": "string"})
    user: Any = Field(
        None, description="资金账号（省略：连接已登录的客户端）", json_schema_extra={"type": "string"}
    )
    password: Any = Field(
        None, description="交易密码（给出 user 时必填）", json_schema_extra={"type": "string"}
    )
    comm_password: Any = Field(None, description="通讯密码（可省略）", json_schema_extra={"type": "string"})
    broker: Any = Field(None, description="easytrader 的客户端类型（不需要：网关只驱动一种客户端）")

    @field_validator("exe_path", mode="before")
    @classmethod
    def _path(cls, value: Any) -> str | None:
        value = value or None
        if value is not None and not isinstance(value, str):
            raise InvalidParameter(msg.BAD_PARAM.format(name="exe_path", detail="（应为字符串）"))
        return value

    @field_validator("user", mode="before")
    @classmethod
    def _user(cls, value: Any) -> str | None:
        if value is None or not str(value).strip():
            return None
        return account_name(value)  # the same rule as /api/trader/login

    @field_validator("password", mode="before")
    @classmethod
    def _password(cls, value: Any, info: ValidationInfo) -> str | None:
        if info.data.get("user") is None:
            return None
        return str(require({"password": value}, "password"))

    @field_validator("comm_password", mode="before")
    @classmethod
    def _comm_password(cls, value: Any) -> str | None:
        return str(value) if value else None

    def credentials(self) -> Credentials | None:
        """What to log in with; None: attach to the running client."""
        if self.user is None:
            return None
        return Credentials(
            user=self.user, password=self.password, comm_password=self.comm_password, exe_path=self.exe_path
        )


class EtLimitOrderBody(_Kwargs, LimitOrderBody):
    """``/buy``, ``/sell``: ``security``, ``price``, ``amount``."""

    model_config = _example("/buy")


class EtMarketOrderBody(_Kwargs, MarketOrderBody):
    """``/market_buy``, ``/market_sell``: ``security``, ``amount``; ``ttype`` and ``limit_price`` usually
    arrive under ``kwargs``."""

    model_config = _example("/market_buy")


class EtCancelBody(_Kwargs, CancelBody):
    """``/cancel_entrust``: the 合同编号 easytrader's pop-up handler read."""

    model_config = _example("/cancel_entrust")
