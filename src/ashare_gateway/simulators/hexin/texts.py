"""The fake hexin's pop-up texts, worded as the 同花顺 family words them (client-automation.md §4)."""

from __future__ import annotations

RESULT_TITLE = "提示"
ORDER_OK = "您的{side}委托已成功提交，合同编号：{contract_no}。"
CONFIRM_TITLE = "委托确认"
CONFIRM = (
    "您是否确认以下{side}委托？\n证券代码：{code}\n证券名称：{name}\n"
    "{side}价格：{price}\n{side}数量：{amount}"
)
NO_CODE = "证券代码不存在或证券信息尚未查询到，请重新输入证券代码"
BAD_AMOUNT = "委托数量必须为正整数"
BAD_PRICE = "委托价格输入错误"
