"""Client layouts as data: control IDs, titles, menu paths, keys and column names per client flavour.

Why data: 同花顺-family clients drift between builds and brokers (client-automation.md §2, §6.2), so
every ID the adapter uses lives in one table per flavour. A new client build is a new ``Layout`` (or a
``dataclasses.replace`` of an existing one), never an edit of the adapter's code.

Two flavours ship: ``ht`` (华泰 网上股票交易系统5.0, 通讯密码 required) and ``universal`` (the generic
同花顺 xiadan.exe most other brokers ship, navigated by ``WM_COMMAND`` where the IDs are known).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .confirms import CancelConfirmIds

# Logical pages the adapter navigates to; the data pages reload on F5.
ORDER_PAGES = ("buy", "sell", "market_buy", "market_sell")
DATA_PAGES = ("balance", "entrusts", "trades", "cancel", "ipo")


def _frozen(mapping: dict) -> MappingProxyType:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class OrderIds:
    """The order-entry pages (limit and market) share one template of control IDs."""

    code: int = 1032
    price: int = 1033
    amount: int = 1034
    submit: int = 1006
    name: int = 1036  # stock name: filled by the client's code lookup, empty after a success
    buyable: int = 1018  # 可买 (buy page)
    sellable: int = 1038  # 可卖 (sell page)
    market_type: int = 1541  # 市价委托 type combobox
    protect_price: int = 1033  # STAR/BSE 保护限价 on the market-order pages


@dataclass(frozen=True, slots=True)
class DialogIds:
    title: int = 1365  # Static holding the pop-up's title (the window caption is often empty)
    texts: tuple[int, ...] = (1004, 1040)  # Static with the message: 1004 提示, 1040 委托确认/提示信息
    yes: int = 6
    no: int = 7
    ok: int = 1
    cancel: int = 2
    lock_password: int = 1039  # lock screen: 请输入您的交易密码
    captcha_image: int = 2405
    captcha_edit: int = 2404
    captcha_status: int = 2406  # error text; gone once the code is accepted
    save_filename: int = 1152  # common file dialog's file-name edit
    save_button: int = 1


@dataclass(frozen=True, slots=True)
class GridGeometry:
    """Where a grid row is, in the grid's own client pixels (easytrader config/client.py:42-44).

    Used for the one thing the keyboard cannot do: untick a row of 批量新股申购 by clicking its check
    cell (easytrader ``_click_grid_by_row``, clienttrader.py:349-358). At another DPI the numbers scale.
    """

    check_x: int = 10
    first_row_y: int = 30
    row_height: int = 16

    def row_point(self, row: int) -> tuple[int, int]:
        return self.check_x, self.first_row_y + self.row_height * row


@dataclass(frozen=True, slots=True)
class LoginCaptchaIds:
    """The login captcha some brokers show (国金, 广发: easytrader gj_clienttrader.py:47,73;
    gf_clienttrader.py:48,75): the image 0x5db (a click draws a new one) and its Edit 0x3eb."""

    image: int = 0x5DB
    edit: int = 0x3EB
    attempts: int = 4  # wrong readings retried, each with a new image, before the login fails
    wrong_words: tuple[str, ...] = ("验证码",)  # a pop-up naming it: the code was wrong, try again


@dataclass(frozen=True, slots=True)
class Keys:
    """Keystrokes in pywinauto ``type_keys`` syntax."""

    select_all: str = "^a"
    # Empties an edit: Home, Shift+End, Backspace (xiadan-gateway window_service.py:567-569); Ctrl+A
    # does nothing in some builds' edits.
    clear_edit: str = "{HOME}+{END}{BACKSPACE}"
    copy: str = "^c"
    save: str = "^s"
    refresh: str = "{F5}"
    row_first: str = "{HOME}"
    row_next: str = "{DOWN}"
    keep_alive: str = "{F5}"


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything the adapter knows about one client flavour."""

    flavour: str
    main_title: str
    main_title_re: str
    exe_paths: tuple[str, ...]
    requires_comm_password: bool
    # Login window: its title, and the Edit controls in tab order (like easytrader's Edit1..Edit3).
    login_title_re: str = r"登录"  # 用户登录, 交易登录, ...
    login_fields: tuple[str, ...] = ("user", "password", "comm_password")
    login_button_titles: tuple[str, ...] = ("确定", "登录", "登 录")
    login_captcha: LoginCaptchaIds = field(default_factory=LoginCaptchaIds)
    # Navigation.
    tree_id: int = 129
    # The page on screen: GetDlgItem(GetDlgItem(main, 0xE900), 0xE901) (puppet's PAGE = 59648, 59649).
    # Every page control is looked up inside it; () searches the whole main window (a build without it).
    pane_path: tuple[int, ...] = (0xE900, 0xE901)
    menu: MappingProxyType = field(default_factory=lambda: _frozen({}))  # page -> tree path
    commands: MappingProxyType = field(default_factory=lambda: _frozen({}))  # page -> WM_COMMAND id
    navigation: Literal["tree", "command"] = "tree"
    # Order entry.
    order: OrderIds = field(default_factory=OrderIds)
    # "type": typed keys trigger the client's code lookup; "set_text": WM_SETTEXT is enough.
    code_entry: Literal["type", "set_text"] = "type"
    # Grid and the pages around it.
    grid_id: int = 1047
    # The grid is found by class and id together: its container is also 1047 (1047 → 200 → 1047 grid).
    grid_class: str = "CVirtualGridCtrl"
    grid_read: Literal["copy", "save"] = "copy"
    cancel_all_id: int = 30001
    cancel_buys_id: int = 30002
    cancel_sells_id: int = 30003
    cancel_one_id: int = 1099
    # The code filter above the 撤单 grid and its 查询 button (easyths order_cancel.py:101,108).
    cancel_filter_id: int = 3348
    cancel_query_id: int = 3349
    cancel_confirm: CancelConfirmIds = field(default_factory=CancelConfirmIds)
    ipo_submit_id: int = 1006
    ipo_select_all_id: int = 1098  # 全选 (easytrader config/client.py:78); clicked before 申购 when present
    grid_geometry: GridGeometry = field(default_factory=GridGeometry)
    # Balance statics: field -> control ID (absent fields are derived, see tables.balance_from_statics).
    balance_ids: MappingProxyType = field(default_factory=lambda: _frozen({}))
    dialogs: DialogIds = field(default_factory=DialogIds)
    keys: Keys = field(default_factory=Keys)
    # The market-order combobox entry of a client that has none.
    no_market_order_label: str = "不支持市价委托"
    # The main window's class (the connect-time fingerprint, fingerprint.py): MFC's generated Afx:… name.
    main_class_re: str = r"^Afx:"

    def with_changes(self, **changes: object) -> Layout:
        """A copy with some entries replaced: how a new client build is described."""
        return dataclasses.replace(self, **changes)


_COMMON_MENU = {
    "buy": ("买入[F1]",),
    "sell": ("卖出[F2]",),
    "cancel": ("撤单[F3]",),
    "balance": ("查询[F4]", "资金股票"),
    "entrusts": ("查询[F4]", "当日委托"),
    "trades": ("查询[F4]", "当日成交"),
    "market_buy": ("市价委托", "买入"),
    "market_sell": ("市价委托", "卖出"),
}

# WM_COMMAND wParam: (0x2000 << 16) | tree node (client-automation.md §2).
_NODES = {"buy": 161, "sell": 162, "cancel": 163, "balance": 165, "trades": 167, "entrusts": 168, "ipo": 554}
_COMMANDS = {page: (0x2000 << 16) | node for page, node in _NODES.items()}

HT = Layout(
    flavour="ht",
    main_title="网上股票交易系统5.0",
    main_title_re=r"^网上股票交易系统5\.0$",
    exe_paths=(r"C:\htzqzyb2\xiadan.exe", r"C:\htwt\xiadan.exe"),
    requires_comm_password=True,
    login_fields=("user", "password", "comm_password"),
    menu=_frozen({**_COMMON_MENU, "ipo": ("新股申购", "批量新股申购")}),
    commands=_frozen(_COMMANDS),
    navigation="tree",
    code_entry="type",
    grid_read="copy",
    balance_ids=_frozen(
        {
            "cash": 1012,
            "frozen": 1013,
            "market_value": 1014,
            "total_assets": 1015,
            "available": 1016,
            "withdrawable": 1017,
        }
    ),
)

UNIVERSAL = Layout(
    flavour="universal",
    main_title="网上股票交易系统5.0",
    main_title_re=r"^(网上股票交易系统5\.0|核新网上交易系统.*)$",
    exe_paths=(
        r"C:\ths\xiadan.exe",
        r"C:\同花顺软件\同花顺\xiadan.exe",
        r"D:\ths\xiadan.exe",
        r"C:\Program Files (x86)\同花顺\xiadan.exe",
    ),
    requires_comm_password=False,
    login_fields=("user", "password"),
    # easytrader's universal config keeps CommonConfig's 批量新股申购 (config/client.py:80, :183-193).
    menu=_frozen({**_COMMON_MENU, "ipo": ("新股申购", "批量新股申购")}),
    commands=_frozen(_COMMANDS),
    navigation="command",
    code_entry="set_text",
    grid_read="copy",
    # Many builds lack 冻结资金 (1013) and 股票市值 (1014): they are derived from the others.
    balance_ids=_frozen({"cash": 1012, "total_assets": 1015, "available": 1016, "withdrawable": 1017}),
)

LAYOUTS: MappingProxyType = _frozen({"ht": HT, "universal": UNIVERSAL})


def layout_for(flavour: str) -> Layout:
    """The layout of a flavour name; unknown names are a configuration error, said in Chinese."""
    try:
        return LAYOUTS[flavour]
    except KeyError:
        raise ValueError(f"未知的客户端类型：{flavour}（可选：{'、'.join(LAYOUTS)}）") from None


# Column names per table, as the clients export them (ashare-rules.md §8). The first present wins.
COLUMNS: MappingProxyType = _frozen(
    {
        "code": ("证券代码", "股票代码"),
        "name": ("证券名称", "股票名称"),
        "market": ("交易市场", "市场名称", "市场"),
        "side": ("操作", "买卖标志", "买卖方向", "委托方向"),
        "contract_no": ("合同编号", "委托合同号"),
        "entrust_no": ("委托编号",),
        # positions
        "quantity": ("股票余额", "持仓数量", "当前持仓", "证券数量", "实际数量"),
        "available": ("可用余额", "可用数量", "可卖数量", "股份可用"),
        "frozen": ("冻结数量",),
        "cost_price": ("成本价", "参考成本价", "摊薄成本价", "买入成本"),
        "last_price": ("市价", "最新价", "当前价"),
        "market_value": ("市值", "最新市值", "参考市值"),
        "today_bought": ("当日买入",),
        "today_sold": ("当日卖出",),
        # entrusts
        "entrust_date": ("委托日期", "操作日期"),
        "entrust_time": ("委托时间",),
        "remark": ("备注", "委托状态", "状态说明"),
        "entrust_quantity": ("委托数量",),
        "entrust_price": ("委托价格",),
        "filled_quantity": ("成交数量",),
        "filled_avg_price": ("成交均价", "成交价格"),
        "cancelled_quantity": ("撤消数量", "撤单数量", "已撤数量"),
        "order_type": ("委托类别", "报价方式"),
        # trades
        "trade_date": ("成交日期",),
        "trade_time": ("成交时间",),
        "trade_price": ("成交均价", "成交价格"),
        "trade_amount": ("成交金额",),
        "trade_no": ("成交编号",),
        "commission": ("佣金",),
        "stamp_duty": ("印花税",),
        "transfer_fee": ("过户费",),
        # IPO
        "ipo_code": ("申购代码", "新股代码", "证券代码"),
        "ipo_name": ("新股名称", "证券名称", "股票名称"),
        "ipo_price": ("申购价格", "发行价格"),
        "ipo_limit": ("可申购数量", "申购上限", "最大可申购数量", "申购数量"),
    }
)

# Which columns tell a table apart (client-automation.md §3): every group needs one present column.
TABLE_SIGNATURES: MappingProxyType = _frozen(
    {
        "positions": (
            ("成本价", "参考成本价", "摊薄成本价", "买入成本"),
            ("股票余额", "持仓数量", "当前持仓"),
        ),
        "trades": (("成交时间",), ("成交编号",)),
        "entrusts": (("委托价格",), ("委托数量",)),
        "ipo": (("申购代码", "新股代码"), ("可申购数量", "申购上限", "最大可申购数量", "申购数量")),
    }
)
