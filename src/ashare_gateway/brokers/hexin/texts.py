"""The hexin adapter's user-facing messages, as data."""

from __future__ import annotations

NOT_SUPPORTED = "同花顺{family}.x不支持{operation}"
NOT_RUNNING = "未找到运行中的同花顺（hexin.exe），请先启动同花顺"
UNKNOWN_VERSION = "无法识别同花顺版本（窗口标题：{title}）"
OLD_VERSION = "不支持的同花顺版本：v{version}（支持8.x、9.x及以上）"
NO_TRADING_CLIENT = "未连接同花顺交易客户端（xiadan.exe），无法{operation}"
TRADING_NOT_LOGGED_IN = "同花顺交易客户端（{path}）未登录：请在同花顺中按F12登录交易账户后重试"
NO_HEXIN_PATH = "无法得知同花顺（hexin.exe）的安装目录，找不到它的交易客户端xiadan.exe"
BAD_CODE = "证券代码{code}无效，或同花顺未能查询到该证券"
NO_FLASH_DIALOG = "同花顺未打开{title}对话框（快捷键{keys}）"
NO_MAX = "同花顺未给出可{side}数量（刷新后数量框为空）"
CONFIRM_MISMATCH = "委托确认内容与请求不符（{text}），已取消委托"
NO_CONTRACT = "委托已提交但未返回合同编号（{text}），委托结果未知，请查询当日委托核对"
UNKNOWN_OUTCOME = "，委托结果未知，请查询当日委托核对"
TOO_MANY_POPUPS = "委托过程中弹出的对话框过多"
