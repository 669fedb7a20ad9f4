"""Domain objects → the Chinese column names the clients (and the spec) use. One mapping, data only.

The ``/api/trader`` spec's shapes are the contract; the extra columns the real clients export are kept
as well, under their own names, so a script written against a real 同花顺 grid finds what it expects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Balance, Entrust, Position, Quote, Trade


def money(x: Decimal) -> float:
    """Money and prices leave the gateway as JSON numbers, rounded to the cent."""
    return float(x.quantize(Decimal("0.01")))


def price(x: Decimal) -> float:
    """Prices keep 3 decimals (funds and bonds tick at 0.001)."""
    return float(x.quantize(Decimal("0.001")))


def balance_row(b: Balance) -> dict[str, Any]:
    return {
        "资金余额": money(b.cash),
        "冻结金额": money(b.frozen),
        "可用金额": money(b.available),
        "可取金额": money(b.withdrawable),
        "股票市值": money(b.market_value),
        "总资产": money(b.total_assets),
    }


def position_row(p: Position) -> dict[str, Any]:
    return {
        "证券代码": p.code,
        "证券名称": p.name,
        "持仓数量": p.quantity,
        "可用数量": p.available,
        "成本价": price(p.cost_price),
        "最新价": price(p.last_price),
        "市值": money(p.market_value),
        # client columns
        "股票余额": p.quantity,
        "可用余额": p.available,
        "冻结数量": p.frozen,
        "盈亏": money(p.profit),
        "当日买入": p.today_bought,
        "当日卖出": p.today_sold,
        "交易市场": p.market.label,
    }


def entrust_row(e: Entrust) -> dict[str, Any]:
    row = {
        "操作日期": e.trade_date.strftime("%Y%m%d"),
        "委托时间": e.time.strftime("%H:%M:%S"),
        "委托编号": e.entrust_no,
        "合同编号": e.contract_no,
        "证券代码": e.code,
        "证券名称": e.name,
        "操作": e.side.label,
        "委托价格": price(e.price),
        "委托数量": e.quantity,
        "成交数量": e.filled_quantity,
        "成交均价": price(e.filled_avg_price),
        "撤消数量": e.cancelled_quantity,
        "委托状态": e.status.value,
        "备注": e.reason or e.status.remark,
        "交易市场": e.market.label,
    }
    if e.market_type is not None:  # client grids have no such column: only brokers that know say it
        row["委托类别"] = e.market_type.value
    return row


def cancelable_row(e: Entrust) -> dict[str, Any]:
    row = entrust_row(e)
    return {
        k: row[k]
        for k in (
            "合同编号",
            "证券代码",
            "证券名称",
            "操作",
            "委托价格",
            "委托数量",
            "成交数量",
            "委托状态",
            "委托时间",
            "交易市场",
        )
    }


def trade_row(t: Trade) -> dict[str, Any]:
    return {
        "成交日期": t.trade_date.strftime("%Y%m%d"),
        "成交时间": t.time.strftime("%H:%M:%S"),
        "证券代码": t.code,
        "证券名称": t.name,
        "成交价格": price(t.price),
        "成交数量": t.quantity,
        "成交金额": money(t.amount),
        "买卖方向": t.side.label,
        "操作": t.side.label,
        "合同编号": t.contract_no,
        "成交编号": t.trade_no,
        "佣金": money(t.commission),
        "印花税": money(t.stamp_duty),
        "过户费": money(t.transfer_fee),
        "发生金额": money(t.net_cash),
        "交易市场": t.market.label,
    }


def quote_row(q: Quote) -> dict[str, Any]:
    def levels(side: list) -> list[dict[str, Any]]:
        return [{"价格": price(lv.price), "数量": lv.volume} for lv in side]

    return {
        "证券代码": q.code,
        "证券名称": q.name,
        "交易市场": q.market.label,
        "最新价": price(q.last),
        "昨收": price(q.prev_close),
        "今开": price(q.open) if q.open is not None else None,
        "最高": price(q.high) if q.high is not None else None,
        "最低": price(q.low) if q.low is not None else None,
        "涨停价": price(q.limit_up) if q.limit_up is not None else None,
        "跌停价": price(q.limit_down) if q.limit_down is not None else None,
        "买盘": levels(q.bids),
        "卖盘": levels(q.asks),
        "交易阶段": q.phase,
        "可交易": q.tradable,
        "ST": q.is_st,
        "停牌": q.suspended,
        "时间": q.time.strftime("%Y-%m-%d %H:%M:%S"),
    }
