"""User-facing messages, as data: one place to read and review every string a user can see.

Wording follows the spec's error table (spec §6) and the clients' own texts where they exist.
"""

from __future__ import annotations

# Spec §6 error table, verbatim.
INVALID_SESSION = "无效的会话ID，请重新连接或登录"
MISSING_PARAM = "缺少必填参数：{name}"
BAD_AMOUNT = "委托数量不符合规则"
CONNECT_FAILED = "连接客户端失败，请检查路径是否正确"
LOGIN_FAILED = "登录失败，请检查账号密码"
NOT_CONNECTED = "未连接到客户端"

# Parameter format.
BAD_PARAM = "参数格式错误：{name}{detail}"
BAD_JSON = "请求体不是有效的JSON"
BAD_SECURITY = "证券代码格式错误：{code}（应为6位数字，可带sh/sz/bj前缀）"
UNSUPPORTED_SECURITY = "不支持的证券代码：{code}（{reason}）"
MARKET_MISMATCH = "证券代码前缀与市场不符：{code}"
UNKNOWN_SECURITY = "未找到证券：{code}"
BAD_PRICE = "委托价格格式错误：{price}"
BAD_SECONDS = "等待时间须在0到{max}秒之间"
BAD_TTYPE = "不支持的市价类型：{ttype}（本市场可选：{choices}）"
NOT_FOUND = "接口不存在：{method} {path}"
METHOD_NOT_ALLOWED = "请求方法不允许：{method} {path}"
SERVER_ERROR = "服务内部异常，请查看服务日志"

# Order rules (the client's and the exchange's texts).
AMOUNT_DETAIL = BAD_AMOUNT + "：{detail}"
TICK_MISMATCH = "委托价格不符合最小价格变动单位：{price}（最小变动{tick}元）"
PRICE_LIMIT = "提交失败：[{code}:{price}]超过涨跌限制。{up}-{down}。"
PRICE_CAGE = "委托价格超出价格笼子范围：{price}（当前允许{low}-{high}）"
INSUFFICIENT_CASH = "可用资金不足"
INSUFFICIENT_SHARES = "委托失败，可交易股数为0"
INSUFFICIENT_SHARES_N = "可用股份不足，可卖{available}股"
MARKET_ORDER_PHASE = "市价委托仅在连续竞价时段有效"
MARKET_ORDER_NO_LIMIT = "无价格涨跌幅限制的证券不接受市价委托"
MARKET_ORDER_CLOSING = "收盘集合竞价阶段只接受限价委托"
MARKET_ORDER_NO_QUOTE = "市价委托无对手方报价，已撤销"
CANCEL_NOT_ALLOWED_PHASE = "当前时段不允许撤单（{phase}）"
CANCEL_NOT_FOUND = "未找到可撤委托：合同编号{entrust_no}"
ENTRUST_SINCE_UNKNOWN = "未找到合同编号{since}的当日委托，无法从它之后继续（since 须为本日已见的合同编号）"
CANCEL_NOT_CANCELABLE = "该委托不可撤销：合同编号{entrust_no}（{status}）"
MAX_PER_ORDER = "单笔委托数量超过上限{max}"
NOT_TRADABLE = "该证券当前不可交易：{reason}"
IPO_NOT_SUBSCRIBABLE = "申购代码不接受普通委托，请使用新股申购"
# Why a listed new issue was not applied for (IpoResult.skipped), and the refused 申购确认.
IPO_NO_QUOTA = "无申购额度"
IPO_ALREADY_APPLIED = "今日已申购"
IPO_NOT_CONFIRMED = "客户端的申购确认中没有这只新股（未勾选）"
IPO_CONFIRM_WRONG = "申购确认中包含没有申购额度的新股{codes}，已取消申购"
ORDER_OK = "您的{side}委托已成功提交，合同编号：{contract_no}。"
BSE_CODE_RETIRED = "北交所证券已于2025-10-09切换为920代码，请使用新代码"

# Success messages of the /api/trader dialect (spec §5).
OK_CONNECT = "成功连接客户端"
OK_LOGIN = "登录成功"
OK_EXIT = "客户端已退出"
OK_SESSION = "会话状态查询成功"
OK_QUERY = "查询成功"
OK_ORDER = "success"
OK_CANCEL = "撤单成功"
OK_CANCEL_ALL = "全部撤单操作已提交"
OK_IPO = "新股申购完成"
OK_REFRESH = "数据刷新完成"
OK_WAIT = "等待完成（{seconds}秒）"
OK_POP_CLOSED = "弹出对话框已关闭"
OK_NO_POP = "没有弹出对话框"

# The Windows session takes no input (a locked workstation, a disconnected RDP session): typed keys go
# nowhere. {reason} is the driver's (desktop/win32_session.py): 工作站已锁定（锁屏） / 远程会话已断开（…）.
DESKTOP_LOCKED = "{reason}：按键无法送达客户端，{action}未执行（请解锁工作站或重新连接远程桌面后再试）"
KEYS_LOCKED = "{reason}：按键无法送达客户端，未发送按键"
# The lock landed in the middle of an order, after the check before any key had passed (between two
# fields, before the submit click, while the 委托确认 was up): the flow stops typing, the confirm is
# answered 否, and the order is not sent.
LOCKED_MID_ORDER = "工作站在下单过程中被锁定：{reason}，委托未执行（请解锁工作站或重新连接远程桌面后再试）"
# The same in the middle of a cancel by 合同编号 (after the code filter, between the selection keys, before
# the proof copy or the 撤单 click, while the 撤单确认 is up): nothing more is typed, the 撤单确认 is answered
# 否, and no order is cancelled (keys lost there would leave another row selected: clients.md row 35).
LOCKED_MID_CANCEL = "工作站在撤单过程中被锁定：{reason}，撤单未执行（请解锁工作站或重新连接远程桌面后再试）"

# Several accounts (config.ini [Account:NAME]; calls choose one with account=, X-Account or /accounts/NAME)
UNKNOWN_ACCOUNT = "未知的账户：{name}（网关配置的账户：{names}）"
ACCOUNT_REQUIRED = (
    "网关配置了多个账户（{names}）：请用参数 account=名称、请求头 X-Account 或路径 /accounts/名称/ 指定账户"
)
ACCOUNT_CONFLICT = "账户指定不一致：{first} 与 {second}"
ACCOUNT_CLASH = (
    "券商账户 {account} 已由网关账户 {other} 使用，不能再由 {name} 使用（日志与风控按券商账户记录，不能混用）"
)
SESSION_OTHER_ACCOUNT = "该会话属于账户 {owner}，不能用于账户 {name}"
BAD_ACCOUNT_NAME = "账户名无效：{name}（只能包含字母、数字、下划线和短横线，最长32个字符）"
# Several clients on one desktop: found by process (exe path → pid), never by a title two of them show.
SAME_TITLE = (
    "找到{count}个标题相同的客户端窗口（进程 {pids}）：无法按标题区分，请为每个账户指定各自的 exe_path"
)
SAME_EXE = "找到{count}个从 {path} 启动的客户端（进程 {pids}）：每个账户请使用各自的客户端目录"
NO_CLIENT_AT = (
    "连接客户端失败：没有从 {path} 启动的客户端进程（请先启动并登录该客户端，"
    "或在该账户的配置里写上 user 和 password，由网关启动并登录）"
)
EXE_MISSING = "连接客户端失败：客户端程序 {path} 不存在，请检查路径是否正确"
ACCOUNT_EXE_MISSING = (
    "配置了多个客户端账户，账户 {names} 没有写 exe_path：标题相同的客户端只能按各自的 exe_path 区分"
)
ACCOUNT_EXE_SHARED = "账户 {first} 和 {second} 的 exe_path 相同（{path}）：每个账户请使用各自的客户端目录"
