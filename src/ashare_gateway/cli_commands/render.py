"""Tables for the terminal and JSON for scripts, from the SDK's results. Layouts are data."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported by the functions that draw: --help does not load it
    from rich.console import Console
    from rich.table import Table

# command → the gateway's columns shown in the table (every column is in --json)
COLUMNS: dict[str, tuple[str, ...]] = {
    "positions": ("证券代码", "证券名称", "持仓数量", "可用数量", "成本价", "最新价", "市值", "盈亏"),
    "orders": (
        "委托时间",
        "合同编号",
        "证券代码",
        "证券名称",
        "操作",
        "委托价格",
        "委托数量",
        "成交数量",
        "委托状态",
    ),
    "trades": ("成交时间", "合同编号", "证券代码", "证券名称", "操作", "成交价格", "成交数量", "成交金额"),
}
BALANCE = ("资金余额", "冻结金额", "可用金额", "可取金额", "股票市值", "总资产")
QUOTE = ("证券代码", "证券名称", "最新价", "昨收", "涨停价", "跌停价", "交易阶段", "可交易")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def print_json(out: Console, data: Any) -> None:
    out.file.write(json.dumps(_plain(data), ensure_ascii=False, indent=2) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def rows_table(title: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="right" if col not in ("证券名称", "操作", "委托状态") else "left")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def pairs_table(title: str, keys: tuple[str, ...], row: dict[str, Any]) -> Table:
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("项目")
    table.add_column("值", justify="right")
    for k in keys:
        table.add_row(k, _cell(row.get(k)))
    return table


def book_table(quote: dict[str, Any]) -> Table:
    from rich.table import Table

    table = Table(title="五档")
    for col in ("档位", "价格", "数量"):
        table.add_column(col, justify="right")
    for i, lv in reversed(list(enumerate(quote.get("卖盘") or [], 1))):
        table.add_row(f"卖{i}", _cell(lv["价格"]), _cell(lv["数量"]))
    for i, lv in enumerate(quote.get("买盘") or [], 1):
        table.add_row(f"买{i}", _cell(lv["价格"]), _cell(lv["数量"]))
    return table
