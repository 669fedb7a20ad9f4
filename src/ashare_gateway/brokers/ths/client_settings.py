"""The client settings that change how an order goes, read from ``xiadan.ini`` beside the client's exe.

Why these: 系统设置→快速交易 decides whether the 委托确认 and 撤单确认 dialogs appear (the adapter
checks our code, price and amount in them: without them that last check cannot happen) and whether a
提示 follows a successful order (without it the 合同编号 comes from 当日委托, ``outcome.py``);
系统设置→交易设置's default price and amount must be empty (easytrader docs/install.md: else the
client pre-fills them and an order can go at the wrong price). None of these can be set by the program
(the client's menus are custom-drawn: xiadan-gateway README "cannot be automated"), so they are read and
reported, never changed.

Where: the client keeps them in ``xiadan.ini`` in its folder, section ``[SYSTEM_SET]``, each value
``…;…;…;<name>;<value>`` (puppet ``puppet/util.py:87-101`` lists the keys it wants, ``:173-187``
reads the file as gb18030 with a section header prepended and takes the 4th and 5th ``;`` fields).
A setting the file does not say is "未知"; the result pop-up setting is also learnt from the first flow.
"""

from __future__ import annotations

import configparser
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

log = logging.getLogger(__name__)

INI_NAME = "xiadan.ini"
SECTION = "SYSTEM_SET"


class Value(StrEnum):
    YES = "是"
    NO = "否"
    EMPTY = "空"
    FILLED = "非空"
    UNKNOWN = "未知"


class Kind(StrEnum):
    SWITCH = "switch"  # yes / no
    DEFAULT = "default"  # a default price or amount: empty, or what the client fills in


@dataclass(frozen=True, slots=True)
class Setting:
    name: str  # the key in /health
    label: str  # how the client's 系统设置 calls it (as far as known)
    ini_key: str
    kind: Kind
    wanted: Value  # what the gateway works best with (reported, not required)


SETTINGS: tuple[Setting, ...] = (
    Setting("order_confirm", "买入/卖出时是否需要确认", "GUI_ORDER_CONFIRM", Kind.SWITCH, Value.YES),
    Setting("cancel_confirm", "撤单前是否需要确认", "GUI_CHEDAN_CONFIRM", Kind.SWITCH, Value.YES),
    # puppet wants GUI_WT_YDTS = yes and asks for "委托成功后是否弹出提示对话框->是" (client.py:724): the
    # pairing of that key with that setting is puppet's, not confirmed on a real install.
    Setting("result_popups", "委托成功后是否弹出提示对话框", "GUI_WT_YDTS", Kind.SWITCH, Value.YES),
    Setting("buy_price_default", "默认买入价格", "SET_MRJG", Kind.DEFAULT, Value.EMPTY),
    Setting("buy_amount_default", "默认买入数量", "SET_MRSL", Kind.DEFAULT, Value.EMPTY),
    Setting("sell_price_default", "默认卖出价格", "SET_MCJG", Kind.DEFAULT, Value.EMPTY),
    Setting("sell_amount_default", "默认卖出数量", "SET_MCSL", Kind.DEFAULT, Value.EMPTY),
)

_YES = {"yes", "是", "1", "true", "on"}
_NO = {"no", "否", "0", "false", "off"}
_EMPTY = {"", "empty", "空"}

# What the adapter does with each setting either way (shown in docs/clients.md, and in /health).
EFFECTS: MappingProxyType = MappingProxyType(
    {
        "order_confirm": "是：确认框须显示本委托的代码、价格、数量才按“是”；否：按下即委托，无从核对",
        "cancel_confirm": "是：撤单确认须与所选行一致才按“是”；否：选中行即撤，无法再核对",
        "result_popups": "是：合同编号取自提示框；否：取自当日委托（每笔多等0.5秒）",
        "default": "空：价格、数量只来自请求；非空：客户端会预填，网关逐项清空后输入并回读",
    }
)


@dataclass(frozen=True, slots=True)
class Reading:
    value: Value
    source: str  # "xiadan.ini", "首笔委托", ""
    raw: str = ""


def ini_path(exe_path: str | None) -> str | None:
    """``xiadan.ini`` beside the exe (a Windows path, also when the gateway runs elsewhere)."""
    if not exe_path:
        return None
    import ntpath

    return ntpath.join(ntpath.dirname(exe_path), INI_NAME)


def parse_ini(data: bytes) -> dict[str, str]:
    """The ``[SYSTEM_SET]`` entries' values (the ``;``-separated 5th field when there is one)."""
    text = data.decode("gb18030", errors="replace").lstrip("\ufeff")
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys keep their case
    try:
        parser.read_string("[__top__]\n" + text)
    except configparser.Error as exc:
        log.warning("xiadan.ini unreadable: %s", exc)
        return {}
    if not parser.has_section(SECTION):
        return {}
    values = {}
    for key, raw in parser.items(SECTION):
        fields = raw.split(";")
        values[key] = (fields[4] if len(fields) >= 5 else raw).strip()
    return values


def reading_of(setting: Setting, values: dict[str, str]) -> Reading:
    if setting.ini_key not in values:
        return Reading(Value.UNKNOWN, "")
    raw = values[setting.ini_key]
    low = raw.lower()
    if setting.kind is Kind.DEFAULT:
        return Reading(Value.EMPTY if low in _EMPTY else Value.FILLED, INI_NAME, raw)
    if low in _YES:
        return Reading(Value.YES, INI_NAME, raw)
    if low in _NO:
        return Reading(Value.NO, INI_NAME, raw)
    return Reading(Value.UNKNOWN, INI_NAME, raw)


def read_settings(
    exe_path: str | None, read: Callable[[str], bytes | None]
) -> tuple[dict[str, Reading], str]:
    """Every setting's reading, and where they came from (for the report)."""
    path = ini_path(exe_path)
    data = read(path) if path else None
    values = parse_ini(data) if data is not None else {}
    if path is None:
        where = "客户端路径未知（按窗口标题连接），未读取 xiadan.ini"
    elif data is None:
        where = f"未找到 {path}"
    else:
        where = path
    return {s.name: reading_of(s, values) for s in SETTINGS}, where


def local_file(path: str) -> bytes | None:
    """The file's bytes on this machine (the gateway runs beside the client), or None."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
