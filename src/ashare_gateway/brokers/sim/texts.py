"""Texts the paper exchange shows that no other broker shares (the common ones are in domain/messages)."""

CLEARING = "日终清算中（15:30–17:00），暂不接受委托；17:00后可委托下一交易日的夜市单"
AFTER_HOURS_WRONG_SIDE = "盘后固定价格委托价格须{side}收盘价{close}"
IPO_NOT_LISTED = "新股{code}尚未上市（上市日{listed}），不能卖出"
REST_CANCELLED = "剩余部分已撤销"
