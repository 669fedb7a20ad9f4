"""What the connect-time fingerprint checks, as data: per page the controls it must have, per table the
columns the parsers need, and which operations each page carries.

Why the IDs are not here: they are the layout's (``layouts.py``), so a new client build described by a
new ``Layout`` is checked against *its* IDs. This table only says which of the layout's controls each
page must show, with the Win32 class a real client gives them (client-automation.md §2: Edit 1032-1034,
Button 1006, the grid ``CVirtualGridCtrl`` 1047, the 撤单 buttons), and what a mismatch stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ..client_check import ALL_GUARDED, Guarded


@dataclass(frozen=True, slots=True)
class Need:
    """One control a page must show: where its ID is in the layout, its class, and what it is."""

    attr: str  # a Layout attribute path: "order.code", "cancel_one_id", "grid_id"
    class_name: str
    label: str


_CODE = Need("order.code", "Edit", "证券代码")
_AMOUNT = Need("order.amount", "Edit", "委托数量")
_SUBMIT = Need("order.submit", "Button", "委托按钮")
_GRID = Need("grid_id", "CVirtualGridCtrl", "表格")

# The pages the fingerprint visits, in this order (the order pages first: they carry the money).
PAGE_NEEDS: MappingProxyType = MappingProxyType(
    {
        "buy": (_CODE, Need("order.price", "Edit", "委托价格"), _AMOUNT, _SUBMIT),
        "sell": (_CODE, Need("order.price", "Edit", "委托价格"), _AMOUNT, _SUBMIT),
        "market_buy": (_CODE, _AMOUNT, _SUBMIT, Need("order.market_type", "ComboBox", "市价类型")),
        "market_sell": (_CODE, _AMOUNT, _SUBMIT, Need("order.market_type", "ComboBox", "市价类型")),
        "entrusts": (_GRID,),
        "cancel": (
            _GRID,
            Need("cancel_one_id", "Button", "撤单按钮"),
            Need("cancel_all_id", "Button", "全撤按钮"),
        ),
        "ipo": (_GRID, Need("ipo_submit_id", "Button", "申购按钮")),
    }
)

# What a mismatch on a page stops. 当日委托 is where an order's 合同编号 comes from when the client shows
# no result pop-up, and where a lost outcome is reconciled: both kinds of order need it.
PAGE_GUARDS: MappingProxyType = MappingProxyType(
    {
        "buy": frozenset({Guarded.ORDERS}),
        "sell": frozenset({Guarded.ORDERS}),
        "market_buy": frozenset({Guarded.MARKET_ORDERS}),
        "market_sell": frozenset({Guarded.MARKET_ORDERS}),
        "entrusts": frozenset({Guarded.ORDERS, Guarded.MARKET_ORDERS}),
        "cancel": frozenset({Guarded.CANCELS}),
        "ipo": frozenset({Guarded.IPO}),
    }
)

# The page a navigation goes to → what it is for (the session's gate refuses a blocked page).
NAVIGATION_GUARDS: MappingProxyType = MappingProxyType(
    {
        "buy": Guarded.ORDERS,
        "sell": Guarded.ORDERS,
        "market_buy": Guarded.MARKET_ORDERS,
        "market_sell": Guarded.MARKET_ORDERS,
        "cancel": Guarded.CANCELS,
        "ipo": Guarded.IPO,
        "balance": Guarded.READS,
        "entrusts": Guarded.READS,
        "trades": Guarded.READS,
    }
)

# The table on a page and the columns (``layouts.COLUMNS`` fields) its parser cannot do without.
# Each read also checks its table's signature; these are the columns a signature does not cover.
PAGE_COLUMNS: MappingProxyType = MappingProxyType(
    {
        "entrusts": ("contract_no", "code", "side", "entrust_price", "entrust_quantity", "filled_quantity"),
        "cancel": ("contract_no", "code", "side", "entrust_price", "entrust_quantity"),
    }
)

PAGE_NAMES: MappingProxyType = MappingProxyType(
    {
        "buy": "买入页",
        "sell": "卖出页",
        "market_buy": "市价买入页",
        "market_sell": "市价卖出页",
        "entrusts": "当日委托",
        "cancel": "撤单页",
        "ipo": "新股申购页",
    }
)

FLAVOUR_NAMES: MappingProxyType = MappingProxyType({"ht": "华泰", "universal": "通用同花顺"})

TREE_CLASS = "SysTreeView32"

# Texts. {flavour} is a FLAVOUR_NAMES value.
MISMATCH = (
    "客户端界面与{flavour}布局不符：{what}。为免下错单，{refused}已停止（{allowed}）；"
    "请核对客户端版本或布局后重新连接"
)
MISSING_CONTROL = "{page}缺少控件 {control_id} ({class_name})"
WRONG_CLASS = "{page}控件 {control_id} 的类型为 {found}（应为 {class_name}）"
MISSING_COLUMN = "{page}缺少列 {column}"
UNREADABLE_TABLE = "{page}表格无法读取（{reason}）"
NOT_THE_TABLE = "{page}表格不是委托表（表头：{header}）"
MISSING_MENU = "菜单缺少“{path}”"
MENU_UNREADABLE = "菜单树无法读取（{reason}），各页面在连接时逐个打开检查"
PAGE_UNREACHABLE = "{page}无法打开（{reason}）"
MAIN_CLASS = "主窗口类型为 {found}（应匹配 {expected}）"
RESTART_UNCHECKED = "客户端自动重启后无法核对界面（{reason}）"
COMPACT = (
    "客户端处于精简模式（主窗口没有左侧菜单树 {tree_id}），无法安全操作：请在客户端中切换回完整界面"
    "（点击窗口上方的“专业”按钮，或退出后重新打开客户端），然后重新连接"
)
GUARD_NAMES: MappingProxyType = MappingProxyType(
    {
        Guarded.ORDERS: "委托",
        Guarded.MARKET_ORDERS: "市价委托",
        Guarded.CANCELS: "撤单",
        Guarded.IPO: "新股申购",
        Guarded.READS: "查询",
    }
)
STRUCTURAL = ALL_GUARDED  # a wrong main window or the compact mode stops everything, reads included
