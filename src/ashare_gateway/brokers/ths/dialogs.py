"""Classify a client pop-up from its title and text: pure functions, no driver.

Why a classifier: every pop-up must be answered or closed, never waited on (client-automation.md §4),
and the answer depends on what it is. The rules are data (``RULES``), checked in order, so a new
pop-up seen in the wild is one more row. Success texts yield the 合同编号 parsed from the text after
"合同编号" (not "the first alphanumeric run", which easytrader got wrong); anything a result dialog
says that is not a success is the broker's rejection, passed through verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class DialogKind(StrEnum):
    CONFIRM = "委托确认"
    CANCEL_CONFIRM = "撤单确认"
    RISK = "风险提示"
    AGREEMENT = "用户协议"
    SUCCESS = "成功"
    REJECTED = "拒绝"
    IDLE_TIMEOUT = "超时"
    LOCK = "锁屏"
    CAPTCHA = "验证码"
    SAVE_AS = "另存为"
    TOAST = "回报"
    LOGIN_FAILED = "登录失败"
    EXIT_CONFIRM = "退出确认"
    UNKNOWN = "未知"


@dataclass(frozen=True, slots=True)
class Classified:
    kind: DialogKind
    title: str
    text: str
    contract_no: str | None = None

    @property
    def message(self) -> str:
        """The text to show a user: the client's own words, on one line."""
        return " ".join(self.text.split()) or self.title


# "合同编号：N", "合同编号为：N", "合同编号: N", "合同编号为N" (the builds' wordings; see docs/clients.md).
_CONTRACT_RE = re.compile(r"合同编号\s*(?:为|是)?\s*[:：]?\s*([0-9A-Za-z]+)")
_SUCCESS_WORDS = ("已成功提交", "成功提交", "委托成功", "撤单成功", "撤单已提交", "申购成功", "已提交")
_FAIL_WORDS = ("失败", "错误", "不足", "超过", "不允许", "不能", "无效", "拒绝", "非法", "未通过", "不符")

# (kind, title keys, text keys): a dialog matches when any title key is in its title or any text key
# is in its text. Checked top to bottom; the first match wins.
RULES: tuple[tuple[DialogKind, tuple[str, ...], tuple[str, ...]], ...] = (
    (DialogKind.CAPTCHA, ("验证码",), ("请先输入验证码", "输入验证码")),
    (DialogKind.LOCK, ("锁定", "解锁"), ("请输入您的交易密码", "请输入交易密码", "已被锁定")),
    (DialogKind.IDLE_TIMEOUT, (), ("已超时", "连接已断开", "请重新登录", "长时间未操作")),
    (DialogKind.SAVE_AS, ("另存为", "Save As", "保存为"), ()),
    (
        DialogKind.CANCEL_CONFIRM,
        ("撤单确认",),
        ("确定要撤销", "是否撤销", "确认撤销", "您确定要撤", "您确认要撤销", "可撤委托"),
    ),
    (
        DialogKind.CONFIRM,
        ("委托确认", "买入确认", "卖出确认", "申购确认"),
        ("是否确认以下", "确认要", "您是否确认"),
    ),
    (DialogKind.RISK, ("风险提示", "风险揭示", "风险警示"), ("风险警示", "退市整理", "风险揭示")),
    (DialogKind.AGREEMENT, ("用户协议", "协议"), ("用户协议",)),
    (DialogKind.TOAST, ("成交回报", "委托回报", "撤单回报", "消息提醒", "系统公告"), ()),
    (DialogKind.LOGIN_FAILED, ("登录失败",), ("密码错误", "账号或密码", "登录失败")),
    (DialogKind.EXIT_CONFIRM, ("退出确认",), ("退出交易系统", "确定要退出", "是否退出")),
)

# Titles of result dialogs: what they say is either a success or the broker's rejection.
RESULT_TITLES = ("提示", "提示信息", "错误", "警告", "委托失败", "")


def parse_contract_no(text: str) -> str | None:
    """The 合同编号 in a success text: the characters after the label, not the first number seen."""
    match = _CONTRACT_RE.search(text)
    return match.group(1) if match else None


def classify(title: str, text: str) -> Classified:
    """What a pop-up is. ``title`` is the caption or Static 1365; ``text`` all its message statics."""
    title = title.strip()
    text = text.strip()
    for kind, title_keys, text_keys in RULES:
        if any(k in title for k in title_keys) or any(k in text for k in text_keys):
            contract = parse_contract_no(text) if kind is DialogKind.TOAST else None
            return Classified(kind, title, text, contract)
    contract = parse_contract_no(text)
    if any(w in text for w in _SUCCESS_WORDS) and not any(w in text for w in _FAIL_WORDS):
        return Classified(DialogKind.SUCCESS, title, text, contract)
    if title in RESULT_TITLES and text:
        return Classified(DialogKind.REJECTED, title, text)
    return Classified(DialogKind.UNKNOWN, title, text)
