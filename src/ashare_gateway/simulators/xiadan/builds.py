"""What a real client build looks like, as the fake reproduces it: IDs, titles, texts, columns.

Deliberately separate from the adapter's ``brokers.ths.layouts``: this file models the outside world
(the real xiadan.exe, as client-automation.md records it), that one is the adapter's belief about it.
If both were one table, a wrong ID would be wrong in both places and no test could notice. A test can
also give the fake a drifted build (``dataclasses.replace``) to show the adapter fails clearly and that
a layout change fixes it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeBuild:
    flavour: str
    main_title: str = "网上股票交易系统5.0"
    main_class: str = "Afx:00400000:b:00010003:00000006:00000000"
    login_title: str = "用户登录"
    login_fields: tuple[str, ...] = ("user", "password", "comm_password")
    login_button: str = "确定(Y)"  # "确定(Y)" / "登录(Y)": the accelerator is part of the caption
    login_settext_ignored: bool = False  # the login edits take typed keys only
    # Captions: the ht build leaves dialog captions empty and draws the title in Static 1365.
    caption_in_static: bool = True
    # Menu tree: path → page; WM_COMMAND ids → page.
    tree: dict[tuple[str, ...], str] = field(default_factory=dict)
    commands: dict[int, str] = field(default_factory=dict)
    settext_triggers_lookup: bool = False  # WM_SETTEXT into the code edit does not start the lookup
    # Newer universal builds ignore WM_SETTEXT in the order edits altogether (easytrader #447, #449).
    settext_ignored: bool = False
    # Whether an Edit selects all on Ctrl+A: "某些控件不支持 Ctrl+A" (xiadan-gateway window_service.py:568).
    edit_ctrl_a: bool = True
    # The success text after an order (ORDER_OK_VARIANTS: "合同编号：", "合同编号为：", "合同编号: ").
    order_ok: str = "您的{side}委托已成功提交，合同编号：{contract_no}。"
    balance_statics: dict[str, int] = field(default_factory=dict)
    grid_id: int = 1047
    # The grid CVirtualGridCtrl 1047 sits in a container that is also 1047 (1047 → 200 → 1047 grid:
    # easyths order_query.py:96): a search by id alone finds the container.
    grid_nesting: bool = True
    # The client reads Ctrl with GetAsyncKeyState: of two Ctrl chords sent in one burst (^a^c) the
    # second is lost, Ctrl being up again by then (easytrader grid_strategies.py:81 pauses 0.2 s;
    # xiadan-gateway position_service.py:101-103 holds Ctrl 0.1 s).
    ctrl_read_async: bool = True
    order_ids: dict[str, int] = field(
        default_factory=lambda: {
            "code": 1032,
            "price": 1033,
            "amount": 1034,
            "submit": 1006,
            "name": 1036,
            "buyable": 1018,
            "sellable": 1038,
            "market_type": 1541,
            "protect_price": 1033,
        }
    )
    cancel_ids: dict[str, int] = field(
        default_factory=lambda: {
            "all": 30001,
            "buys": 30002,
            "sells": 30003,
            "one": 1099,
            "filter": 3348,  # code filter edit above the grid (easyths order_cancel.py:101)
            "query": 3349,  # its 查询 button: reloads the grid with that code's rows (order_cancel.py:108)
        }
    )
    # 撤单确认 statics (easyths order_cancel.py:64-67): code, price, amount, tip. No 合同编号 is shown.
    cancel_confirm_ids: dict[str, int] = field(
        default_factory=lambda: {"code": 0x412, "price": 0x413, "amount": 0x414, "tip": 0x6E8}
    )
    ipo_submit_id: int = 1006
    ipo_select_all_id: int = (
        1098  # 全选 on 批量新股申购 (easytrader config/client.py:78): nothing is ticked before it
    )
    lock_edit_id: int = 1039
    # Market-order combobox labels per kind of code.
    market_labels_sh: tuple[str, ...] = ()
    market_labels_sz: tuple[str, ...] = ()
    market_labels_star: tuple[str, ...] = ()
    # Grid columns per table.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The save-as export writes codes as ="600000" (so Excel keeps the zeros).
    save_quotes_codes: bool = True
    trailing_tab: bool = True  # copied rows end with a tab

    def with_changes(self, **changes: object) -> FakeBuild:
        return dataclasses.replace(self, **changes)


_TREE = {
    ("买入[F1]",): "buy",
    ("卖出[F2]",): "sell",
    ("撤单[F3]",): "cancel",
    ("查询[F4]", "资金股票"): "balance",
    ("查询[F4]", "当日委托"): "entrusts",
    ("查询[F4]", "当日成交"): "trades",
    ("市价委托", "买入"): "market_buy",
    ("市价委托", "卖出"): "market_sell",
}
_NODES = {161: "buy", 162: "sell", 163: "cancel", 165: "balance", 167: "trades", 168: "entrusts", 554: "ipo"}
_COMMANDS = {(0x2000 << 16) | node: page for node, page in _NODES.items()}  # WM_COMMAND wParam

_ENTRUST_COLS = (
    "委托时间",
    "证券代码",
    "证券名称",
    "操作",
    "备注",
    "委托数量",
    "成交数量",
    "委托价格",
    "成交均价",
    "撤消数量",
    "合同编号",
    "交易市场",
    "股东帐户",
)
_TRADE_COLS = (
    "成交时间",
    "证券代码",
    "证券名称",
    "操作",
    "成交数量",
    "成交均价",
    "成交金额",
    "合同编号",
    "成交编号",
    "交易市场",
)
# 可撤委托: the 当日委托 columns without 撤消数量 and 股东帐户.
_CANCEL_COLS = tuple(c for c in _ENTRUST_COLS if c not in ("撤消数量", "股东帐户"))

HT_BUILD = FakeBuild(
    flavour="ht",
    tree={**_TREE, ("新股申购", "批量新股申购"): "ipo"},
    commands=_COMMANDS,
    balance_statics={
        "资金余额": 1012,
        "冻结资金": 1013,
        "股票市值": 1014,
        "总资产": 1015,
        "可用金额": 1016,
        "可取金额": 1017,
    },
    market_labels_sh=("最优五档即时成交剩余撤销", "最优五档即时成交剩余转限价"),
    market_labels_sz=(
        "对手方最优价格",
        "本方最优价格",
        "即时成交剩余撤销",
        "最优五档即时成交剩余撤销",
        "全额成交或撤销",
    ),
    market_labels_star=(
        "最优五档即时成交剩余撤销",
        "最优五档即时成交剩余转限价",
        "对手方最优价格",
        "本方最优价格",
    ),
    columns={
        "positions": (
            "证券代码",
            "证券名称",
            "股票余额",
            "可用余额",
            "冻结数量",
            "参考成本价",
            "市价",
            "盈亏",
            "市值",
            "当日买入",
            "当日卖出",
            "交易市场",
        ),
        "entrusts": _ENTRUST_COLS,
        "trades": _TRADE_COLS,
        "cancel": _CANCEL_COLS,
        # 华泰 names the quota column 申购数量 (easytrader config/client.py:81, AUTO_IPO_NUMBER).
        "ipo": ("新股代码", "申购代码", "新股名称", "申购价格", "申购数量", "交易市场"),
    },
)

# The 同花顺 universal build, as its differences from the 华泰 one: two login fields and 登录(Y),
# captions in the caption, WM_SETTEXT into the code edit starts the lookup, fewer balance statics, the
# short market-order labels, its own position and IPO columns, a plain export, another success text.
UNIVERSAL_CHANGES: dict[str, object] = {
    "flavour": "universal",
    "login_fields": ("user", "password"),
    "login_button": "登录(Y)",
    "caption_in_static": False,
    "tree": {**_TREE, ("新股申购", "新股批量申购"): "ipo"},
    "settext_triggers_lookup": True,
    "balance_statics": {"资金余额": 1012, "总资产": 1015, "可用金额": 1016, "可取金额": 1017},
    "market_labels_sh": ("五档即成剩撤", "五档即成剩转限"),
    "market_labels_sz": ("对手方最优", "本方最优", "即成剩撤", "五档即成剩撤", "全额成交或撤"),
    "market_labels_star": ("五档即成剩撤", "五档即成剩转限", "对手方最优", "本方最优"),
    "columns": {
        **HT_BUILD.columns,
        "positions": (
            "证券代码",
            "证券名称",
            "股票余额",
            "可用余额",
            "冻结数量",
            "成本价",
            "市价",
            "盈亏",
            "市值",
            "交易市场",
        ),
        "ipo": ("申购代码", "证券名称", "申购价格", "申购上限", "交易市场"),
    },
    "save_quotes_codes": False,
    "trailing_tab": False,
    "order_ok": "委托已提交，合同编号为：{contract_no}",
}
UNIVERSAL_BUILD = HT_BUILD.with_changes(**UNIVERSAL_CHANGES)

# The newer universal build users report (easytrader #447/#449): WM_SETTEXT into the order edits does
# nothing, Ctrl+A in an edit does nothing, and the success text reads "合同编号: N".
UNIVERSAL_NEW_BUILD = UNIVERSAL_BUILD.with_changes(
    settext_ignored=True,
    edit_ctrl_a=False,
    login_settext_ignored=True,
    order_ok="{side}委托成功！合同编号: {contract_no}",
)

BUILDS = {"ht": HT_BUILD, "universal": UNIVERSAL_BUILD}
