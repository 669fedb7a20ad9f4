"""What the SDK returns: frozen dataclasses with Decimal money and prices, built from the spec's rows.

Each keeps the gateway's row as ``raw`` (the Chinese column names), so a column this version does not
model is still there.

Why not ``domain/models.py``'s classes, which share the names: these are the *wire* contract, parsed from
the spec's rows on a machine that may run no gateway (httpx and the standard library only), while the
domain's are the gateway's inner values (a ``Market``, an ``OrderStatus`` enum, today's bought and sold,
no ``raw``). One class for both would make every inner rename a break for scripts using the SDK, and
would load the gateway's packages into them. The ``sdk`` contract in ``.importlinter`` keeps it so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Row = dict[str, Any]


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


@dataclass(frozen=True, slots=True)
class Balance:
    cash: Decimal  # 资金余额
    frozen: Decimal  # 冻结金额
    available: Decimal  # 可用金额
    withdrawable: Decimal  # 可取金额
    market_value: Decimal  # 股票市值
    total_assets: Decimal  # 总资产
    raw: Row = field(repr=False, compare=False)

    @classmethod
    def from_row(cls, row: Row) -> Balance:
        return cls(
            cash=_dec(row["资金余额"]),
            frozen=_dec(row.get("冻结金额", 0)),
            available=_dec(row["可用金额"]),
            withdrawable=_dec(row.get("可取金额", 0)),
            market_value=_dec(row.get("股票市值", 0)),
            total_assets=_dec(row["总资产"]),
            raw=row,
        )


@dataclass(frozen=True, slots=True)
class Position:
    code: str
    name: str
    quantity: int  # 持仓数量
    available: int  # 可用数量
    cost_price: Decimal
    last_price: Decimal
    market_value: Decimal
    raw: Row = field(repr=False, compare=False)

    @classmethod
    def from_row(cls, row: Row) -> Position:
        return cls(
            code=str(row["证券代码"]),
            name=str(row.get("证券名称", "")),
            quantity=int(row["持仓数量"]),
            available=int(row["可用数量"]),
            cost_price=_dec(row["成本价"]),
            last_price=_dec(row["最新价"]),
            market_value=_dec(row["市值"]),
            raw=row,
        )


@dataclass(frozen=True, slots=True)
class Entrust:
    """One row of 当日委托 (or of 可撤单列表, which has fewer columns)."""

    contract_no: str  # 合同编号: what cancel takes
    code: str
    name: str
    side: str  # 买入 / 卖出
    price: Decimal
    quantity: int
    filled_quantity: int
    status: str  # 委托状态: 已报, 部成, 已成, 已撤, 部撤, 废单, ...
    time: str
    raw: Row = field(repr=False, compare=False)

    @classmethod
    def from_row(cls, row: Row) -> Entrust:
        return cls(
            contract_no=str(row["合同编号"]),
            code=str(row["证券代码"]),
            name=str(row.get("证券名称", "")),
            side=str(row["操作"]),
            price=_dec(row["委托价格"]),
            quantity=int(row["委托数量"]),
            filled_quantity=int(row.get("成交数量", 0)),
            status=str(row.get("委托状态", "")),
            time=str(row.get("委托时间", "")),
            raw=row,
        )


@dataclass(frozen=True, slots=True)
class Trade:
    """One row of 当日成交."""

    trade_no: str
    contract_no: str
    code: str
    name: str
    side: str
    price: Decimal
    quantity: int
    amount: Decimal
    fees: Decimal  # 佣金 + 印花税 + 过户费
    time: str
    raw: Row = field(repr=False, compare=False)

    @classmethod
    def from_row(cls, row: Row) -> Trade:
        fees = sum((_dec(row.get(k, 0)) for k in ("佣金", "印花税", "过户费")), Decimal(0))
        return cls(
            trade_no=str(row.get("成交编号", "")),
            contract_no=str(row["合同编号"]),
            code=str(row["证券代码"]),
            name=str(row.get("证券名称", "")),
            side=str(row.get("操作") or row.get("买卖方向", "")),
            price=_dec(row["成交价格"]),
            quantity=int(row["成交数量"]),
            amount=_dec(row["成交金额"]),
            fees=fees,
            time=str(row.get("成交时间", "")),
            raw=row,
        )


@dataclass(frozen=True, slots=True)
class Level:
    price: Decimal
    volume: int


@dataclass(frozen=True, slots=True)
class Quote:
    code: str
    name: str
    last: Decimal
    prev_close: Decimal
    limit_up: Decimal | None
    limit_down: Decimal | None
    bids: list[Level]
    asks: list[Level]
    phase: str
    tradable: bool
    time: str
    raw: Row = field(repr=False, compare=False)

    @classmethod
    def from_row(cls, row: Row) -> Quote:
        def levels(side: list[Row]) -> list[Level]:
            return [Level(_dec(lv["价格"]), int(lv["数量"])) for lv in side]

        return cls(
            code=str(row["证券代码"]),
            name=str(row.get("证券名称", "")),
            last=_dec(row["最新价"]),
            prev_close=_dec(row["昨收"]),
            limit_up=_opt_dec(row.get("涨停价")),
            limit_down=_opt_dec(row.get("跌停价")),
            bids=levels(row.get("买盘") or []),
            asks=levels(row.get("卖盘") or []),
            phase=str(row.get("交易阶段", "")),
            tradable=bool(row.get("可交易", False)),
            time=str(row.get("时间", "")),
            raw=row,
        )


@dataclass(frozen=True, slots=True)
class OrderResult:
    contract_no: str  # 合同编号 ("" for a dry run: nothing was sent)
    entrust_no: str  # 委托编号
    message: str
    idempotency_key: str  # what was sent; the same key retried replays this answer

    @property
    def dry_run(self) -> bool:
        return not self.contract_no

    @classmethod
    def from_data(cls, data: Row, key: str) -> OrderResult:
        return cls(
            contract_no=str(data.get("合同编号") or ""),
            entrust_no=str(data.get("委托编号") or ""),
            message=str(data.get("message", "")),
            idempotency_key=key,
        )


@dataclass(frozen=True, slots=True)
class IpoApplication:
    code: str
    name: str
    amount: int


@dataclass(frozen=True, slots=True)
class IpoResult:
    entitled: int  # 可申购新股数量
    applied: list[IpoApplication]

    @classmethod
    def from_data(cls, data: Row) -> IpoResult:
        return cls(
            entitled=int(data.get("可申购新股数量", 0)),
            applied=[
                IpoApplication(str(a["证券代码"]), str(a.get("证券名称", "")), int(a["申购数量"]))
                for a in data.get("已申购新股", [])
            ],
        )


@dataclass(frozen=True, slots=True)
class SessionInfo:
    session_id: str
    is_auto_login: bool
    created_at: str
    last_active: str

    @classmethod
    def from_data(cls, data: Row) -> SessionInfo:
        return cls(
            session_id=str(data["session_id"]),
            is_auto_login=bool(data.get("is_auto_login", False)),
            created_at=str(data.get("created_at", "")),
            last_active=str(data.get("last_active", "")),
        )
