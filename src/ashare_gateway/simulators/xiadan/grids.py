"""Render the paper exchange's data as the client's grids, copy text and save-as files.

Rows start from the project's one field mapping (``domain.fields``), then take the build's own column
names (参考成本价 vs 成本价, 申购上限 vs 可申购数量) and the client's number formats (prices with three
decimals, money with two), so the adapter's parser meets what a real client exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...domain import fields
from ...domain.models import Entrust, Position, Trade

ID_EDIT_COPY = 0xE122  # MFC's Edit→Copy command: posted to the grid it copies (easytrader WMCopy)

_ALIASES = {
    "参考成本价": "成本价",
    "市价": "最新价",
    "成交均价": "成交价格",
    "新股代码": "申购代码",
    "新股名称": "证券名称",
    "申购上限": "可申购数量",
    "申购数量": "可申购数量",
    "冻结资金": "冻结金额",
    "股东帐户": "股东帐户",
}
_PRICE_COLS = {"成本价", "最新价", "委托价格", "成交均价", "成交价格", "申购价格"}
_INT_COLS = {
    "股票余额",
    "可用余额",
    "冻结数量",
    "委托数量",
    "成交数量",
    "撤消数量",
    "当日买入",
    "当日卖出",
    "可申购数量",
}


def _fmt(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in _INT_COLS:
        return str(int(value))
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.3f}" if column in _PRICE_COLS else f"{value:.2f}"
    return str(value)


def _cells(row: dict[str, Any], columns: Sequence[str], account: str) -> list[str]:
    out = []
    for col in columns:
        if col == "股东帐户":
            out.append(account)
            continue
        key = col if col in row else _ALIASES.get(col, col)
        out.append(_fmt(key, row.get(key, "")))
    return out


def position_cells(p: Position, columns: Sequence[str], account: str) -> list[str]:
    return _cells(fields.position_row(p), columns, account)


def entrust_cells(e: Entrust, columns: Sequence[str], account: str) -> list[str]:
    row = fields.entrust_row(e)
    row["备注"] = e.status.remark if not e.reason else f"{e.status.remark}：{e.reason}"
    return _cells(row, columns, account)


def trade_cells(t: Trade, columns: Sequence[str], account: str) -> list[str]:
    return _cells(fields.trade_row(t), columns, account)


def ipo_cells(offer: dict[str, Any], columns: Sequence[str], account: str) -> list[str]:
    return _cells(offer, columns, account)


def to_tsv(header: Sequence[str], rows: Sequence[Sequence[str]], *, trailing_tab: bool) -> str:
    """What Ctrl+A Ctrl+C puts on the clipboard: a header line, tab-separated rows, CRLF line ends."""
    end = "\t" if trailing_tab else ""
    lines = ["\t".join(header) + end, *("\t".join(r) + end for r in rows)]
    return "\r\n".join(lines) + "\r\n"


def to_export(header: Sequence[str], rows: Sequence[Sequence[str]], *, quote_codes: bool) -> bytes:
    """What Ctrl+S writes: GBK tab-separated text, whatever the ``.xls`` name says."""
    code_cols = {i for i, h in enumerate(header) if h in ("证券代码", "申购代码", "新股代码", "股东帐户")}

    def cell(i: int, value: str) -> str:
        return f'="{value}"' if quote_codes and i in code_cols else value

    lines = ["\t".join(header), *("\t".join(cell(i, v) for i, v in enumerate(r)) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def mojibake(text: str) -> str:
    """GBK bytes decoded as Latin-1: what a CF_TEXT-only copy gives on a non-Chinese Windows locale."""
    return text.encode("gbk").decode("latin-1")
