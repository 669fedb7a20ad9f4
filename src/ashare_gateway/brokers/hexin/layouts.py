"""hexin.exe layouts as data: window titles, quick keys, the flash-order dialog's control IDs, and what
each major version can do.

Why data: like xiadan.exe, 同花顺 drifts between builds (client-automation.md §1, §6.2). Everything the
adapter believes about the client is here, one ``HexinLayout`` per major version; a new build is a
``with_changes`` of an existing one, never an edit of the adapter. The fake client keeps its own,
separate description of the real thing (``simulators.hexin.builds``), so a wrong ID here shows up as
a failing test rather than being wrong in both places.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType

from ...domain.models import Side

# Operations a version may offer, with the words its "not supported" message uses.
OPERATIONS: MappingProxyType = MappingProxyType(
    {
        "balance": "资金查询",
        "positions": "持仓查询",
        "buy": "买入",
        "sell": "卖出",
        "market_order": "市价委托",
        "today_entrusts": "当日委托查询",
        "today_trades": "当日成交查询",
        "cancelable_entrusts": "可撤委托查询",
        "cancel": "撤单",
        "cancel_all": "全部撤单",
        "auto_ipo": "新股申购",
        "quote": "行情查询",
    }
)


@dataclass(frozen=True, slots=True)
class FlashIds:
    """The flash-order dialog (闪电买入/闪电卖出): the same template IDs as xiadan's order page."""

    code: int = 1032
    price: int = 1033
    amount: int = 1034  # also where 可用 (the most tradable) appears after 刷新
    name: int = 1036  # stock name, filled by the client's code lookup
    refresh: int = 1528  # 刷新: recomputes 可用 into the amount field
    submit: int = 1006
    cancel: int = 2
    # Position-fraction buttons: 全仓, 1/2, 1/3, 1/4 of 可用.
    fractions: tuple[int, ...] = (12092, 12093, 12094, 12095)


@dataclass(frozen=True, slots=True)
class HexinLayout:
    family: int  # 8 or 9: the major version this layout describes (9 also serves 10.x and later)
    supports: frozenset[str]
    main_title_re: str = r"^同花顺\s*\(v\d+(\.\d+)*\)"
    exe_paths: tuple[str, ...] = (
        r"C:\同花顺软件\同花顺\hexin.exe",
        r"D:\同花顺软件\同花顺\hexin.exe",
        r"C:\Program Files (x86)\同花顺\hexin.exe",
    )
    # Quick codes for the main window's 键盘精灵, sent as virtual-key codes (driver ``press_keys``), which
    # open the flash-order dialogs (THSAutoTrader flask_service.py:215-219: "21 ENTER", "23 ENTER").
    quick_keys: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({Side.BUY: "21{ENTER}", Side.SELL: "23{ENTER}"})
    )
    # What the flash dialog is called (for messages): the dialog itself is found by owner, class and
    # controls, since its caption is empty on the current builds (THSAutoTrader flask_service.py:223).
    flash_titles: MappingProxyType = field(
        default_factory=lambda: MappingProxyType({Side.BUY: "闪电买入", Side.SELL: "闪电卖出"})
    )
    flash: FlashIds = field(default_factory=FlashIds)
    trading_key: str = "{F12}"  # opens the sibling xiadan.exe (工具 → 自动委托程序)
    # The trading client is the xiadan.exe in hexin.exe's own folder (THSAutoTrader app_model.py:16-21);
    # a xiadan.exe elsewhere (another broker's, same title 网上股票交易系统5.0) is never used.
    trading_exe_name: str = "xiadan.exe"
    refresh_key: str = "{F5}"
    # Pop-ups hexin shows by itself that never belong to an order (news, ads): closed on sight.
    stray_titles: tuple[str, ...] = ("消息中心", "同花顺公告", "资讯", "升级提示")

    def with_changes(self, **changes: object) -> HexinLayout:
        return dataclasses.replace(self, **changes)


# ths-http-trader.md: 8.x supports positions; 9.x and later only balance, buy and sell.
V8 = HexinLayout(family=8, supports=frozenset({"balance", "positions", "buy", "sell"}))
V9 = HexinLayout(family=9, supports=frozenset({"balance", "buy", "sell"}))
LAYOUTS: MappingProxyType = MappingProxyType({8: V8, 9: V9})
