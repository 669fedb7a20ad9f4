"""What a conditional order is: its kind, its order terms, its validity, its state, and the messages.

Kept apart from the evaluator so the HTTP parser, the store and the evaluator share one definition,
and so the texts a user reads are data (:data:`TEXTS`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ..domain.models import Side


class ConditionKind(StrEnum):
    STOP_LOSS = "stop_loss"  # sell when the last price falls to the trigger or below
    TAKE_PROFIT = "take_profit"  # sell when it rises to the trigger or above
    TRAILING_STOP = "trailing_stop"  # sell a fall from the peak (buy: a rise from the trough)
    BREAKOUT_ABOVE = "breakout_above"  # when the last price reaches the trigger from below
    BREAKOUT_BELOW = "breakout_below"  # when it reaches the trigger from above
    TIME = "time"  # at HH:MM:SS on a trading day

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ConditionKind.STOP_LOSS: "止损",
    ConditionKind.TAKE_PROFIT: "止盈",
    ConditionKind.TRAILING_STOP: "移动止损",
    ConditionKind.BREAKOUT_ABOVE: "向上突破",
    ConditionKind.BREAKOUT_BELOW: "向下突破",
    ConditionKind.TIME: "定时",
}
PRICE_KINDS = (
    ConditionKind.STOP_LOSS,
    ConditionKind.TAKE_PROFIT,
    ConditionKind.BREAKOUT_ABOVE,
    ConditionKind.BREAKOUT_BELOW,
)
SELL_ONLY = (ConditionKind.STOP_LOSS, ConditionKind.TAKE_PROFIT)


class PriceType(StrEnum):
    LIMIT = "limit"  # a limit order at a fixed price
    TRIGGER_OFFSET = "trigger_offset"  # a limit at the trigger-time last price ± ticks (towards the fill)
    MARKET = "market"  # a market order (ttype, protection price as for /market-buy)


class ConditionState(StrEnum):
    ARMED = "armed"  # waiting for its trigger
    TRIGGERING = "triggering"  # fired; its order is decided and journalled under its key, outcome pending
    SUBMITTED = "submitted"  # the broker took the order (合同编号)
    FAILED = "failed"  # the order was refused, or could not be worked out
    CANCELLED = "cancelled"  # by the user, or by its OCO sibling's trigger
    EXPIRED = "expired"  # its validity ended untriggered


OPEN_STATES = (ConditionState.ARMED, ConditionState.TRIGGERING)
ALL_OF_POSITION = "all"
MAX_VALID_DAYS = 90
MAX_TICKS = 20
ORDER_KEY = "condition:{id}"  # the journal's Idempotency-Key for a condition's one order
# Closing time of the validity's last day: an untriggered condition expires then.
VALID_UNTIL_CLOSE = dt.time(15, 0)
CONTINUOUS_WINDOWS = ((dt.time(9, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(14, 57)))

TEXTS = {
    "kind": "条件类型无效：{value}（可选：{choices}）",
    "side": "买卖方向无效：{value}（buy 或 sell）",
    "sell_only": "{label}条件单只能是卖出",
    "all_buy": "买入不能用 amount=all（全部持仓只用于卖出）",
    "price_type": "委托价格类型无效：{value}（可选：limit、trigger_offset、market）",
    "ticks": f"ticks 须为0到{MAX_TICKS}之间的整数",
    "trail": "移动止损须给出 trail_percent（0.1到50）或 trail_amount（大于0，符合最小价位）之一",
    "trail_pct": "trail_percent 须在0.1到50之间",
    "at": "定时条件的时间无效：{value}（HH:MM:SS，须在连续竞价时段 09:30–11:30、13:00–14:57 内）",
    "at_passed": "定时条件的时间今日已过，且有效期只到今日",
    "valid": "有效期无效：{value}（today 或 YYYY-MM-DD，今日起{days}天内）",
    "valid_closed": "有效期已过：今日已收盘，请把有效期设到以后的交易日",
    "crossed": "{label}触发价{trigger}已被现价{last}越过：条件单会立刻触发，请直接下单或调整触发价",
    "band": "委托价{price}超出今日涨跌停范围（{low}–{high}）",
    "oco": "oco 须为两个条件组成的列表（一个触发即撤销另一个）",
    "not_found": "条件单不存在：{id}",
    "not_open": "条件单状态为“{state}”，不能撤销",
    "synthetic": (
        "条件单被拒绝：行情源为模拟或回放数据（{source}），而券商是桌面客户端，"
        "按虚构价格触发会向真实账户下单。启动时用 --quotes easyquotation:sina 或 mootdx 指定实时行情"
    ),
    "no_quote": "无法取得{code}的行情，条件单不能创建：{reason}",
    "no_position": "无可卖持仓：{code}可用数量为0",
    "cancelled_by": "同组条件单{id}已触发，本条件单随之撤销",
    "cancelled": "已撤销",
    "expired": "有效期已过，未触发",
    "outcome_pending": "委托结果未知，等待核对：{reason}",
    "state": "state 无效：{value}（可选：{choices}）",
}

STATE_LABELS = {
    ConditionState.ARMED: "等待触发",
    ConditionState.TRIGGERING: "已触发",
    ConditionState.SUBMITTED: "已下单",
    ConditionState.FAILED: "下单失败",
    ConditionState.CANCELLED: "撤销",
    ConditionState.EXPIRED: "过期",
}


@dataclass(frozen=True, slots=True)
class ConditionTerms:
    """One validated condition, as asked; written once as JSON and never changed."""

    kind: ConditionKind
    code: str
    side: Side
    amount: int | None  # None: all of the position (sells only), counted at the trigger
    price_type: PriceType
    valid_until: dt.date  # last trading day it may trigger on; expires at that day's close
    trigger_price: Decimal | None = None  # the price kinds
    trail_percent: Decimal | None = None  # trailing stop, by percent of the extreme
    trail_amount: Decimal | None = None  # trailing stop, by price distance from the extreme
    at: dt.time | None = None  # time kind
    limit_price: Decimal | None = None  # price_type limit
    ticks: int = 0  # price_type trigger_offset
    ttype: str | None = None  # price_type market: as /market-buy's ttype
    protect_price: Decimal | None = None  # price_type market: STAR/BSE protection price

    def to_json(self) -> str:
        raw = {
            "kind": str(self.kind),
            "code": self.code,
            "side": str(self.side),
            "amount": self.amount if self.amount is not None else ALL_OF_POSITION,
            "price_type": str(self.price_type),
            "valid_until": self.valid_until.isoformat(),
            "trigger_price": _text(self.trigger_price),
            "trail_percent": _text(self.trail_percent),
            "trail_amount": _text(self.trail_amount),
            "at": self.at.isoformat() if self.at else None,
            "limit_price": _text(self.limit_price),
            "ticks": self.ticks,
            "ttype": self.ttype,
            "protect_price": _text(self.protect_price),
        }
        return json.dumps(raw, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ConditionTerms:
        raw = json.loads(text)
        return cls(
            kind=ConditionKind(raw["kind"]),
            code=raw["code"],
            side=Side(raw["side"]),
            amount=None if raw["amount"] == ALL_OF_POSITION else int(raw["amount"]),
            price_type=PriceType(raw["price_type"]),
            valid_until=dt.date.fromisoformat(raw["valid_until"]),
            trigger_price=_dec(raw.get("trigger_price")),
            trail_percent=_dec(raw.get("trail_percent")),
            trail_amount=_dec(raw.get("trail_amount")),
            at=dt.time.fromisoformat(raw["at"]) if raw.get("at") else None,
            limit_price=_dec(raw.get("limit_price")),
            ticks=int(raw.get("ticks") or 0),
            ttype=raw.get("ttype"),
            protect_price=_dec(raw.get("protect_price")),
        )

    def public(self) -> dict[str, Any]:
        return json.loads(self.to_json())


@dataclass(frozen=True, slots=True)
class Condition:
    """A stored condition: its terms and what has happened to it."""

    id: int
    account: str
    group_id: str | None
    terms: ConditionTerms
    state: ConditionState
    extreme: Decimal | None
    order_key: str | None
    order_request: dict[str, Any] | None
    trigger_last: str | None
    contract_no: str | None
    message: str
    created_at: dt.datetime
    triggered_at: dt.datetime | None
    updated_at: dt.datetime

    def public(self) -> dict[str, Any]:
        """The row as the HTTP API and the events show it."""
        return {
            "id": self.id,
            "account": self.account,
            "oco_group": self.group_id,
            **self.terms.public(),
            "kind_label": self.terms.kind.label,
            "state": str(self.state),
            "state_label": STATE_LABELS[self.state],
            "extreme": _text(self.extreme),
            "idempotency_key": self.order_key,
            "order": self.order_request,
            "trigger_last": self.trigger_last,
            "合同编号": self.contract_no,
            "message": self.message,
            "created_at": _stamp(self.created_at),
            "triggered_at": _stamp(self.triggered_at),
            "updated_at": _stamp(self.updated_at),
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None
