"""Value types every broker returns and every dialect renders. Money and prices are Decimal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .instruments import Market
from .market_orders import MarketType
from .statuses import OrderStatus


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def label(self) -> str:
        return "买入" if self is Side.BUY else "卖出"


@dataclass(frozen=True, slots=True)
class Balance:
    cash: Decimal  # 资金余额
    frozen: Decimal  # 冻结金额
    available: Decimal  # 可用金额
    withdrawable: Decimal  # 可取金额
    market_value: Decimal  # 股票市值
    total_assets: Decimal  # 总资产


@dataclass(frozen=True, slots=True)
class Position:
    code: str
    name: str
    market: Market
    quantity: int  # 股票余额 / 持仓数量
    available: int  # 可用余额 / 可用数量
    frozen: int  # 冻结数量
    cost_price: Decimal
    last_price: Decimal
    market_value: Decimal
    today_bought: int = 0
    today_sold: int = 0

    @property
    def profit(self) -> Decimal:
        return (self.last_price - self.cost_price) * self.quantity


@dataclass(frozen=True, slots=True)
class Entrust:
    """One row of 当日委托."""

    trade_date: dt.date
    time: dt.time
    entrust_no: str  # 委托编号
    contract_no: str  # 合同编号
    code: str
    name: str
    market: Market
    side: Side
    price: Decimal
    quantity: int
    filled_quantity: int
    filled_avg_price: Decimal
    cancelled_quantity: int
    status: OrderStatus
    market_type: MarketType | None = None
    reason: str = ""

    @property
    def is_cancelable(self) -> bool:
        return self.status.is_cancelable


@dataclass(frozen=True, slots=True)
class Trade:
    """One row of 当日成交."""

    trade_date: dt.date
    time: dt.time
    trade_no: str
    contract_no: str
    code: str
    name: str
    market: Market
    side: Side
    price: Decimal
    quantity: int
    amount: Decimal
    commission: Decimal = Decimal(0)
    stamp_duty: Decimal = Decimal(0)
    transfer_fee: Decimal = Decimal(0)

    @property
    def net_cash(self) -> Decimal:
        """发生金额: signed cash effect including fees."""
        fees = self.commission + self.stamp_duty + self.transfer_fee
        return self.amount - fees if self.side is Side.SELL else -(self.amount + fees)


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a dialect asks a broker to do; validated by the service before any broker sees it."""

    code: str
    side: Side
    amount: int
    price: Decimal | None = None  # None: market order, or "the client's default price" (ths dialect)
    market_type: MarketType | None = None  # set for market orders
    protect_price: Decimal | None = None  # STAR/BSE market orders
    client_order_id: str | None = None

    @property
    def is_market(self) -> bool:
        return self.market_type is not None


@dataclass(frozen=True, slots=True)
class OrderAck:
    contract_no: str  # 合同编号
    entrust_no: str  # 委托编号
    message: str = "success"
    status: OrderStatus | None = None


@dataclass(frozen=True, slots=True)
class IpoApplied:
    code: str
    name: str
    amount: int


@dataclass(frozen=True, slots=True)
class IpoSkipped:
    """A new issue listed but not applied for, and why (no quota, not in the client's 申购确认)."""

    code: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class IpoResult:
    entitled: int  # 可申购新股数量
    applied: list[IpoApplied] = field(default_factory=list)
    skipped: list[IpoSkipped] = field(default_factory=list)  # 未申购新股, each with its reason


@dataclass(frozen=True, slots=True)
class Level:
    price: Decimal
    volume: int


@dataclass(frozen=True, slots=True)
class Quote:
    code: str
    name: str
    market: Market
    prev_close: Decimal
    last: Decimal
    open: Decimal | None
    high: Decimal | None
    low: Decimal | None
    limit_up: Decimal | None
    limit_down: Decimal | None
    bids: list[Level]
    asks: list[Level]
    time: dt.datetime
    phase: str
    tradable: bool
    is_st: bool = False
    suspended: bool = False

    def buy_benchmark(self) -> Decimal:
        """The price-cage benchmark for buys: ask1, else bid1, else last, else the prior close."""
        if self.asks:
            return self.asks[0].price
        if self.bids:
            return self.bids[0].price
        return self.last or self.prev_close

    def sell_benchmark(self) -> Decimal:
        if self.bids:
            return self.bids[0].price
        if self.asks:
            return self.asks[0].price
        return self.last or self.prev_close
