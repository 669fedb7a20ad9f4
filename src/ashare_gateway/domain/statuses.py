"""Order statuses as the clients show them (dossier §8), and which of them are final."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "未报"  # accepted by the broker, not yet at the exchange (night orders)
    REPORTED = "已报"  # live at the exchange, nothing filled
    CANCEL_PENDING = "已报待撤"
    PARTIAL_CANCEL_PENDING = "部成待撤"
    PARTIALLY_FILLED = "部成"
    FILLED = "已成"
    CANCELLED = "已撤"
    PARTIALLY_CANCELLED = "部撤"
    REJECTED = "废单"

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def is_cancelable(self) -> bool:
        return self in (OrderStatus.PENDING, OrderStatus.REPORTED, OrderStatus.PARTIALLY_FILLED)

    @property
    def remark(self) -> str:
        """The 备注 text of the 当日委托 grid."""
        return _REMARKS[self]


_FINAL = frozenset(
    {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.PARTIALLY_CANCELLED, OrderStatus.REJECTED}
)

_REMARKS = {
    OrderStatus.PENDING: "未报",
    OrderStatus.REPORTED: "未成交",
    OrderStatus.CANCEL_PENDING: "已报待撤",
    OrderStatus.PARTIALLY_FILLED: "部分成交",
    OrderStatus.PARTIAL_CANCEL_PENDING: "部成待撤",
    OrderStatus.FILLED: "全部成交",
    OrderStatus.CANCELLED: "全部撤单",
    OrderStatus.PARTIALLY_CANCELLED: "部分撤单",
    OrderStatus.REJECTED: "废单",
}
