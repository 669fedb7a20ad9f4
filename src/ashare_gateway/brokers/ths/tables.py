"""Grid text (clipboard copy or save-as export) → domain models: pure functions, no driver.

Why so defensive: what the client exports varies per build (client-automation.md §3): tab-separated
text that may arrive as GBK bytes read in the wrong code page, trailing tabs, blank lines, codes
written as ``="000001"`` so Excel keeps the zeros, ``--`` for empty numbers, thousands separators,
full-width Ａ in 上海Ａ股. The header row tells which table it is; the column names come from the
layout's ``COLUMNS`` table, so a client that says 参考成本价 instead of 成本价 still parses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...domain.instruments import Market, resolve_code
from ...domain.market_orders import match_label
from ...domain.models import Balance, Entrust, IpoApplied, Position, Side, Trade
from ...domain.statuses import OrderStatus
from .layouts import COLUMNS, TABLE_SIGNATURES

_CJK = re.compile(r"[\u4e00-\u9fff]")


class TableError(ValueError):
    """The grid text is not the table that was expected (wrong page, half-loaded, garbled)."""


@dataclass(frozen=True, slots=True)
class Table:
    kind: str | None
    header: list[str]
    rows: list[dict[str, str]]


def decode_bytes(data: bytes) -> str:
    """A save-as export's bytes: GBK in most builds (the ``.xls`` is really text), UTF-8 in a few."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("gb18030", errors="replace")


def repair_mojibake(text: str) -> str:
    """Undo GBK bytes read as a Western code page (what a CF_TEXT-only copy gives on a non-Chinese locale)."""
    if not text or _CJK.search(text):
        return text
    for western in ("cp1252", "latin-1"):
        try:
            raw = text.encode(western)
        except UnicodeEncodeError:
            continue
        try:
            fixed = raw.decode("gb18030")
        except UnicodeDecodeError:
            continue
        if _CJK.search(fixed):
            return fixed
    return text


def _cell(value: str) -> str:
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    elif len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value.strip()


def identify(header: list[str]) -> str | None:
    """Which table a header row belongs to (positions, trades, entrusts, ipo), or None."""
    names = set(header)
    for kind, groups in TABLE_SIGNATURES.items():
        if all(any(name in names for name in group) for group in groups):
            return kind
    return None


def parse_grid(text: str) -> Table:
    """Split grid text into a header and rows of ``{column: cell}``; blank and short lines are skipped."""
    text = repair_mojibake(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise TableError("表格为空")
    header = [_cell(c) for c in lines[0].split("\t")]
    while header and not header[-1]:
        header.pop()
    rows = []
    for line in lines[1:]:
        cells = [_cell(c) for c in line.split("\t")]
        if not any(cells):
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=False)))
    return Table(identify(header), header, rows)


def expect(table: Table, kind: str) -> Table:
    """Check the header says ``kind`` (and not, say, the previous page still on screen)."""
    if table.kind != kind:
        raise TableError(f"表格不是预期的{kind}（表头：{'、'.join(table.header[:6])}）")
    return table


# --- cell readers ------------------------------------------------------------------------------------


def _get(row: Mapping[str, str], field: str, default: str = "") -> str:
    for name in COLUMNS[field]:
        if name in row and row[name] != "":
            return row[name]
    return default


def to_decimal(value: str) -> Decimal:
    value = value.replace(",", "").replace("，", "").strip()
    if value in ("", "-", "--", "---"):
        return Decimal(0)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise TableError(f"无法识别的数值：{value}") from None


def to_int(value: str) -> int:
    return int(to_decimal(value))


def to_code(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits.zfill(6)[-6:] if digits else ""


def to_market(label: str, code: str) -> Market:
    if "上海" in label or "沪" in label:
        return Market.SH
    if "深圳" in label or "深" in label:
        return Market.SZ
    if "北京" in label or "北" in label:
        return Market.BJ
    return resolve_code(code).market


def to_side(label: str) -> Side:
    if "卖" in label:
        return Side.SELL
    if "买" in label or "申购" in label:
        return Side.BUY
    raise TableError(f"无法识别的买卖方向：{label}")


def to_time(value: str) -> dt.time:
    value = value.strip()
    for fmt in ("%H:%M:%S", "%H%M%S", "%H:%M"):
        try:
            return dt.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    return dt.time(0, 0)


def to_date(value: str, today: dt.date) -> dt.date:
    value = value.strip()
    for fmt in ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return today


# 备注 texts → statuses, most specific first (全部成交 contains 部成, 全部撤单 contains 部撤).
_REMARKS: tuple[tuple[str, OrderStatus], ...] = (
    ("部成待撤", OrderStatus.PARTIAL_CANCEL_PENDING),
    ("已报待撤", OrderStatus.CANCEL_PENDING),
    ("待撤", OrderStatus.CANCEL_PENDING),
    ("全部撤单", OrderStatus.CANCELLED),  # before 部撤, which it contains
    ("部分撤单", OrderStatus.PARTIALLY_CANCELLED),
    ("部撤", OrderStatus.PARTIALLY_CANCELLED),
    ("已撤", OrderStatus.CANCELLED),
    ("撤单", OrderStatus.CANCELLED),
    ("废单", OrderStatus.REJECTED),
    ("全部成交", OrderStatus.FILLED),
    ("已成", OrderStatus.FILLED),
    ("部分成交", OrderStatus.PARTIALLY_FILLED),
    ("部成", OrderStatus.PARTIALLY_FILLED),
    ("未成交", OrderStatus.REPORTED),
    ("已报", OrderStatus.REPORTED),
    ("未报", OrderStatus.PENDING),
    ("待报", OrderStatus.PENDING),
)


def to_status(remark: str, quantity: int, filled: int, cancelled: int) -> OrderStatus:
    """The status a 备注 names; when it is free text, what the quantities say."""
    for key, status in _REMARKS:
        if key in remark:
            return status
    if filled >= quantity > 0:
        return OrderStatus.FILLED
    if cancelled:
        return OrderStatus.PARTIALLY_CANCELLED if filled else OrderStatus.CANCELLED
    return OrderStatus.PARTIALLY_FILLED if filled else OrderStatus.REPORTED


# --- tables → models ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Security:
    """What every row of positions, entrusts and trades starts with: the security and how much of it."""

    row: Mapping[str, str]
    code: str
    name: str
    market: Market
    quantity: int
    price: Decimal

    def total(self, field: str) -> Decimal:
        """A 市值 / 成交金额 cell; price × quantity on builds that lack the column."""
        value = _get(self.row, field)
        return to_decimal(value) if value else self.price * self.quantity


def _securities(table: Table, kind: str, quantity: str, price: str) -> Iterator[_Security]:
    """The rows of a ``kind`` table that name a security (total and blank rows have no code)."""
    for row in expect(table, kind).rows:
        code = to_code(_get(row, "code"))
        if code:
            yield _Security(
                row,
                code,
                _get(row, "name"),
                to_market(_get(row, "market"), code),
                to_int(_get(row, quantity)),
                to_decimal(_get(row, price)),
            )


def positions(table: Table) -> list[Position]:
    return [
        Position(
            code=s.code,
            name=s.name,
            market=s.market,
            quantity=s.quantity,
            available=to_int(_get(s.row, "available")),
            frozen=to_int(_get(s.row, "frozen")),
            cost_price=to_decimal(_get(s.row, "cost_price")),
            last_price=s.price,
            market_value=s.total("market_value"),
            today_bought=to_int(_get(s.row, "today_bought")),
            today_sold=to_int(_get(s.row, "today_sold")),
        )
        for s in _securities(table, "positions", "quantity", "last_price")
    ]


def entrusts(table: Table, today: dt.date) -> list[Entrust]:
    result = []
    for s in _securities(table, "entrusts", "entrust_quantity", "entrust_price"):
        row = s.row
        contract = _get(row, "contract_no")
        if not contract:
            continue
        filled = to_int(_get(row, "filled_quantity"))
        cancelled = to_int(_get(row, "cancelled_quantity"))
        remark = _get(row, "remark")
        status = to_status(remark, s.quantity, filled, cancelled)
        order_type = _get(row, "order_type")
        result.append(
            Entrust(
                trade_date=to_date(_get(row, "entrust_date"), today),
                time=to_time(_get(row, "entrust_time")),
                entrust_no=_get(row, "entrust_no", contract),
                contract_no=contract,
                code=s.code,
                name=s.name,
                market=s.market,
                side=to_side(_get(row, "side")),
                price=s.price,
                quantity=s.quantity,
                filled_quantity=filled,
                filled_avg_price=to_decimal(_get(row, "filled_avg_price")),
                cancelled_quantity=cancelled,
                status=status,
                market_type=match_label(order_type) if order_type else None,
                reason=remark if status is OrderStatus.REJECTED else "",
            )
        )
    return result


def trades(table: Table, today: dt.date) -> list[Trade]:
    return [
        Trade(
            trade_date=to_date(_get(s.row, "trade_date"), today),
            time=to_time(_get(s.row, "trade_time")),
            trade_no=_get(s.row, "trade_no"),
            contract_no=_get(s.row, "contract_no"),
            code=s.code,
            name=s.name,
            market=s.market,
            side=to_side(_get(s.row, "side")),
            price=s.price,
            quantity=s.quantity,
            amount=s.total("trade_amount"),
            commission=to_decimal(_get(s.row, "commission")),
            stamp_duty=to_decimal(_get(s.row, "stamp_duty")),
            transfer_fee=to_decimal(_get(s.row, "transfer_fee")),
        )
        for s in _securities(table, "trades", "filled_quantity", "trade_price")
    ]


def ipo_offers(table: Table) -> list[IpoApplied]:
    """Today's subscribable new issues with the most the account may apply for (0 rows are dropped)."""
    result = []
    for row in expect(table, "ipo").rows:
        code = to_code(_get(row, "ipo_code"))
        limit = to_int(_get(row, "ipo_limit"))
        if code and limit > 0:
            result.append(IpoApplied(code=code, name=_get(row, "ipo_name"), amount=limit))
    return result


def balance_from_statics(values: Mapping[str, str]) -> Balance:
    """Balance from the statics the layout knows; fields a build lacks are derived from the others."""
    nums = {k: to_decimal(v) for k, v in values.items() if v.strip()}
    if "cash" not in nums or "available" not in nums:
        raise TableError("资金信息不完整")
    cash, available = nums["cash"], nums["available"]
    frozen = nums.get("frozen", max(Decimal(0), cash - available))
    total = nums.get("total_assets")
    value = nums.get("market_value")
    if value is None:
        value = (total - cash) if total is not None else Decimal(0)
    if total is None:
        total = cash + value
    return Balance(
        cash=cash,
        frozen=frozen,
        available=available,
        withdrawable=nums.get("withdrawable", available),
        market_value=value,
        total_assets=total,
    )
