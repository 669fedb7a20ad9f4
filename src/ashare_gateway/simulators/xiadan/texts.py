"""The fake client's pop-up texts, as the real clients word them (client-automation.md §4)."""

from __future__ import annotations

CONFIRM_TITLE = "委托确认"
CONFIRM = (
    "您是否确认以下{side}委托？\n股东账号：{account}\n证券代码：{code}\n证券名称：{name}\n"
    "{detail}{side}数量：{amount}"
)
CONFIRM_PRICE = "{side}价格：{price}\n"
CONFIRM_MARKET = "委托方式：{mtype}\n"
CONFIRM_PROTECT = "保护限价：{price}\n"
RESULT_TITLE = "提示"
ORDER_OK = "您的{side}委托已成功提交，合同编号：{contract_no}。"
# Other builds' wordings of the same success (the adapter must parse all three).
ORDER_OK_VARIANTS = (
    "您的{side}委托已成功提交，合同编号：{contract_no}。",
    "委托已提交，合同编号为：{contract_no}",
    "{side}委托成功！合同编号: {contract_no}",
)
RISK_TITLE = "风险提示"
RISK = "您委托的证券{code}为风险警示证券，请确认已充分了解相关风险，是否继续委托？"
NO_CODE = "证券代码不存在或证券信息尚未查询到，请重新输入证券代码"
BAD_AMOUNT = "委托数量必须为正整数"
BAD_PRICE = "委托价格输入错误"
NO_MARKET = "该证券不支持市价委托"
NO_PROTECT = "请输入保护限价"
CANCEL_TITLE = "撤单确认"
CANCEL_ONE = (
    "您确定要撤销该委托吗？\n证券代码：{code}\n证券名称：{name}\n操作：{side}\n委托数量：{amount}\n"
    "合同编号：{contract_no}"
)
CANCEL_ALL = "您确定要撤销全部{n}笔委托吗？"  # the old wording; kept for the Wine stand-in
# The real 撤单确认 of one order: code, price and amount in statics 0x412/0x413/0x414, this tip in 0x6E8,
# and no 合同编号 (easyths order_cancel.py:63-68).
CANCEL_ONE_TIP = "您确定要撤销该笔委托吗？"
CANCEL_ONE_LABELS = ("证券代码:", "委托价格:", "委托数量:")
# The real cancel-all confirm, in static 1040 (xiadan-gateway trading_service.py:223).
CANCEL_MANY = "您确认要撤销这( {n} )笔委托吗？\n\n( 总共 {total} 笔可撤委托 )"
CANCEL_OK = "您的撤单委托已成功提交，合同编号：{contract_no}。"
CANCEL_ALL_OK = "全部撤单委托已提交，共{n}笔。"
NOTHING_TO_CANCEL = "没有可撤销的委托"
IPO_TITLE = "申购确认"
IPO_CONFIRM = "您确定要申购以下{n}只新股吗？\n{lines}"
IPO_OK = "新股申购已提交，共申购{n}只新股。"
IPO_NONE = "今日没有可申购的新股"
IPO_NONE_TICKED = "请选择要申购的新股"
LOCK = "系统已锁定，请输入您的交易密码"
LOCK_WRONG = "交易密码错误，请重新输入"
IDLE_TIMEOUT = "您的请求已超时，可能网络忙，请重新输入交易密码解锁"
CAPTCHA_COPY = "检测到您正在拷贝数据，为保护您的账号数据安全，请先输入验证码"
CAPTCHA_SAVE = "检测到您正在保存数据，为保护您的账号数据安全，请先输入验证码"
CAPTCHA_WRONG = "验证码错误！！"
LOGIN_FAILED = "登录失败：{reason}"
LOGIN_CAPTCHA_WRONG = "验证码错误，请重新输入"
NEED_COMM = "请输入通讯密码"
AGREEMENT_TITLE = "网上交易用户协议"
AGREEMENT = "请仔细阅读网上交易用户协议，同意后方可使用本系统。"
EXIT = "您确定要退出交易系统吗？"
SAVE_TITLE = "另存为"
SAVE_BAD_PATH = "{path}\n路径不存在，请检查路径是否正确。"

# Pop-ups that show up on their own (the last is one no classifier rule knows).
RANDOM_POPUPS = (
    ("成交回报", "您的委托已有成交，请及时查询当日成交。"),
    ("系统公告", "尊敬的客户：本周六系统升级维护，届时暂停服务。"),
    ("风险提示", "股市有风险，投资需谨慎。"),
    ("重要通知", "请及时升级到最新版本的交易客户端。"),
)
