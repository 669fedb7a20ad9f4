"""The operator's request bodies: the kill switch (``/api/admin/kill-switch``) and the simulated clock
(``/api/admin/clock``). Same rules as the dialects' models: each field's validator raises the route's own
Chinese text, fields are checked in declaration order, and the OpenAPI body is this class's schema.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from ...brokers.sim.clock_control import Advance, parse_advance, parse_target
from ...domain.errors import InvalidParameter
from . import RequestModel

ACCOUNT_NAME = re.compile(r"[\w.-]{1,64}")  # a configured account's name or number
TEXTS = {
    "account": "参数account错误：应为账户名或资金账号（1-64位字母、数字、汉字、._-），或省略表示全部账户",
    "on": "缺少必填参数：on（true 开启，false 解除）",
}


# What a caller may send, as the OpenAPI document says it (no ``null`` branches, no ``$defs``).
AccountName = Annotated[str | None, WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 64})]
Moment = Annotated[dt.datetime | None, WithJsonSchema({"type": "string", "examples": ["2026-12-03 09:30"]})]
Step = Annotated[Advance | None, WithJsonSchema({"type": "string", "enum": [a.value for a in Advance]})]


def kill_switch_account(raw: object) -> str | None:
    """The kill switch's account: absent (every account) or a name; anything else is refused rather
    than stored as a switch nobody can name again. Also the rule of ``GET``'s ``account`` query."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not ACCOUNT_NAME.fullmatch(raw):
        raise InvalidParameter(TEXTS["account"])
    return raw


class KillSwitchBody(RequestModel):
    """Turn the kill switch on (cancel every open order, refuse new ones) or off, for one account or all."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"on": True}, {"on": False, "account": "acct-1"}]}
    )

    on: bool = Field(description="true 开启（撤销全部委托并拒绝新委托），false 解除")
    account: AccountName = Field(None, description="只作用于这个账户（账户名或资金账号）；省略表示全部账户")

    @field_validator("on", mode="before")
    @classmethod
    def _switch(cls, value: Any) -> bool:
        """A JSON boolean only: a form's "true" or a 1 is not taken for a decision this large."""
        if not isinstance(value, bool):
            raise InvalidParameter(TEXTS["on"])
        return value

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: Any) -> str | None:
        return kill_switch_account(value)


class ClockBody(RequestModel):
    """Move the simulated clock: ``to`` a later moment, or ``advance`` to the next phase or trading day.

    ``to`` is read first and, when given, ``advance`` is not looked at."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"advance": "phase"}, {"advance": "day"}, {"to": "2026-12-03 09:30"}]}
    )

    to: Moment = Field(None, description="跳到的时刻（北京时间，YYYY-MM-DD HH:MM[:SS]，不能早于当前）")
    advance: Step = Field(None, description="phase：下一交易阶段；day：下一交易日 9:15（途中完成日终处理）")

    @classmethod
    def prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        # "to": null is a wrong moment, not an absent one (an absent "to" means advance is asked for).
        return {**data, "to": ""} if "to" in data and data["to"] is None else data

    @field_validator("to", mode="before")
    @classmethod
    def _moment(cls, value: Any) -> dt.datetime | None:
        return None if value is None else parse_target(value)

    @field_validator("advance", mode="before")
    @classmethod
    def _step(cls, value: Any, info: ValidationInfo) -> Advance | None:
        if info.data.get("to") is not None:
            return None
        return parse_advance(value)

    @property
    def target(self) -> Advance | dt.datetime:
        """Where the clock goes: the moment if one was given, else the step."""
        if self.to is not None:
            return self.to
        assert self.advance is not None  # the validator refuses a body with neither
        return self.advance
