"""The specs' own examples, attached to each operation of the OpenAPI document (shown by ``/docs``).

Data only: ``(method, path) -> {"request": body, "query": {name: value}, "response": body}``, taken from
the spec documents (ht-client-http-api.md §5, ths-http-trader.md, easytrader-remote.md) so that the
docs show what the spec shows. ``attach`` merges them into a generated schema.
"""

from __future__ import annotations

from typing import Any

from . import condition_examples

_SESSION = "a1b2c3d4-5678-90ef-ghij-klmnopqrstuv"
_ORDER_OK = {
    "code": 200,
    "message": "success",
    "data": {"message": "success", "委托编号": "12345678", "合同编号": "87654321"},
}
_BALANCE = {
    "资金余额": 50000.00,
    "可用金额": 45000.00,
    "可取金额": 10000.00,
    "股票市值": 15000.00,
    "总资产": 65000.00,
}
_POSITION = {
    "证券代码": "600000",
    "证券名称": "浦发银行",
    "持仓数量": 1000,
    "可用数量": 1000,
    "成本价": 8.50,
    "最新价": 8.80,
    "市值": 8800.00,
}
_ENTRUST = {
    "操作日期": "20240520",
    "委托编号": "12345678",
    "合同编号": "87654321",
    "证券代码": "600000",
    "委托价格": 8.70,
    "委托数量": 500,
    "委托状态": "未成交",
}
_TRADE = {
    "成交日期": "20240520",
    "成交时间": "09:35:20",
    "证券代码": "600000",
    "成交价格": 8.75,
    "成交数量": 500,
    "成交金额": 4375.00,
    "买卖方向": "买入",
}
_CANCELABLE = {
    "合同编号": "87654321",
    "证券代码": "600000",
    "委托价格": 8.70,
    "委托数量": 500,
    "委托状态": "未成交",
}


def _ok(data: Any, message: str = "查询成功") -> dict[str, Any]:
    return {"code": 200, "message": message, "data": data}


_T = "/api/trader"
HT: dict[tuple[str, str], dict[str, Any]] = {
    ("post", f"{_T}/connect"): {
        "request": {"exe_path": "C:\\htzqzyb2\\xiadan.exe"},
        "response": _ok({"exe_path": "C:\\htzqzyb2\\xiadan.exe", "session_id": _SESSION}, "成功连接客户端"),
    },
    ("post", f"{_T}/login"): {
        "request": {"user": "123456789", "password": "******", "comm_password": "******"},
        "response": _ok({"session_id": _SESSION, "main_window_title": "网上股票交易系统5.0"}, "登录成功"),
    },
    ("post", f"{_T}/exit"): {"response": _ok(None, "客户端已退出")},
    ("get", f"{_T}/session-status"): {
        "response": _ok(
            {
                "is_logged_in": True,
                "session_id": _SESSION,
                "created_at": "2024-05-20 09:30:00",
                "last_active": "2024-05-20 10:15:30",
                "is_auto_login": True,
            },
            "会话状态查询成功",
        )
    },
    ("get", f"{_T}/balance"): {"response": _ok(_BALANCE)},
    ("get", f"{_T}/position"): {"response": _ok([_POSITION])},
    ("get", f"{_T}/today-entrusts"): {"response": _ok([_ENTRUST])},
    ("get", f"{_T}/today-trades"): {"response": _ok([_TRADE])},
    ("get", f"{_T}/cancel-entrusts"): {"response": _ok([_CANCELABLE])},
    ("post", f"{_T}/buy"): {
        "request": {"security": "600000", "price": 8.75, "amount": 100},
        "response": _ORDER_OK,
    },
    ("post", f"{_T}/sell"): {
        "request": {"security": "600000", "price": 8.80, "amount": 100},
        "response": _ORDER_OK,
    },
    ("post", f"{_T}/market-buy"): {
        "request": {"security": "600000", "amount": 100, "ttype": "五档即时成交剩余撤销"},
        "response": _ORDER_OK,
    },
    ("post", f"{_T}/market-sell"): {
        "request": {"security": "600000", "amount": 100, "ttype": "五档即时成交剩余转限价"},
        "response": _ORDER_OK,
    },
    ("post", f"{_T}/cancel-entrust"): {
        "request": {"entrust_no": "87654321"},
        "response": _ok({"message": "撤单成功", "合同编号": "87654321"}, "撤单成功"),
    },
    ("post", f"{_T}/cancel-all-entrusts"): {
        "response": _ok({"message": "全部撤单操作已提交", "撤销数量": 2}, "全部撤单操作已提交")
    },
    ("post", f"{_T}/auto-ipo"): {
        "response": _ok(
            {
                "message": "新股申购完成",
                "可申购新股数量": 2,
                "已申购新股": [
                    {"证券代码": "787001", "申购数量": 5000},
                    {"证券代码": "001366", "申购数量": 10000},
                ],
            },
            "新股申购完成",
        )
    },
    ("post", f"{_T}/refresh"): {"response": _ok(None, "数据刷新完成")},
    ("post", f"{_T}/wait"): {"request": {"seconds": 0.5}, "response": _ok(None, "等待完成（0.5秒）")},
    ("get", f"{_T}/check-pop-dialog"): {"response": _ok({"has_pop_dialog": True})},
    ("post", f"{_T}/close-pop-dialog"): {"response": _ok(None, "弹出对话框已关闭")},
    ("get", f"{_T}/quote"): {"query": {"security": "600000"}},
}

_THS_BALANCE = {
    "status": 1,
    "message": {
        "资金余额": "108328.65",
        "可用金额": "78919.91",
        "可取金额": "0.00",
        "股票市值": "90113.00",
        "总资产": "171154.59",
    },
}
_THS_POSITION = {
    "status": 1,
    "message": {
        "002555": {"证券名称": "三七互娱", "冻结数量": 0, "可用余额": 200, "股票余额": 200, "成本价": 16.147}
    },
}
_THS_BUY_QUERY = {"stock_code": "600160", "price": "21.21", "amount": "100"}
THS_BUY_BODY: dict[str, Any] = {"stock_code": "600160", "price": 21.21, "amount": 100}
_THS_BUY_OK = {"message": "您的买入委托已成功提交，合同编号：4025982646。", "status": 1}
_THS_SELL_FAIL = {"message": "委托失败，可交易股数为0", "status": -1}


def _ths(prefix: str) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for method in ("get", "post"):
        out[(method, f"{prefix}/balance")] = {"response": _THS_BALANCE}
        out[(method, f"{prefix}/position")] = {"response": _THS_POSITION}
    out[("get", f"{prefix}/buy")] = {"query": _THS_BUY_QUERY, "response": _THS_BUY_OK}
    out[("post", f"{prefix}/buy")] = {"request": THS_BUY_BODY, "response": _THS_BUY_OK}
    out[("get", f"{prefix}/sell")] = {"query": _THS_BUY_QUERY, "response": _THS_SELL_FAIL}
    out[("post", f"{prefix}/sell")] = {"request": THS_BUY_BODY, "response": _THS_SELL_FAIL}
    return out


def _easytrader(prefix: str) -> dict[tuple[str, str], dict[str, Any]]:
    entrust = {"entrust_no": "87654321"}
    return {
        ("post", f"{prefix}/prepare"): {
            "request": {
                "broker": "ths",
                "user": "123456789",
                "password": "******",
                "exe_path": "C:\\同花顺软件\\同花顺\\xiadan.exe",
            },
            "response": {"msg": "login success"},
        },
        ("get", f"{prefix}/balance"): {"response": _BALANCE},
        ("get", f"{prefix}/position"): {
            "response": [{"证券代码": "600000", "证券名称": "浦发银行", "股票余额": 1000, "可用余额": 1000}]
        },
        ("post", f"{prefix}/buy"): {
            "request": {"security": "600000", "price": 8.75, "amount": 100},
            "response": entrust,
        },
        ("post", f"{prefix}/sell"): {
            "request": {"security": "600000", "price": 8.80, "amount": 100},
            "response": entrust,
        },
        ("post", f"{prefix}/market_buy"): {
            "request": {"security": "600000", "amount": 100, "kwargs": {"ttype": "五档即时成交剩余撤销"}},
            "response": entrust,
        },
        ("post", f"{prefix}/market_sell"): {
            "request": {"security": "600000", "amount": 100, "kwargs": {"ttype": "五档即时成交剩余转限价"}},
            "response": entrust,
        },
        ("post", f"{prefix}/cancel_entrust"): {"request": entrust, "response": {"msg": "success"}},
        ("get", f"{prefix}/exit"): {"response": {"msg": "exit success"}},
    }


EASYTRADER = _easytrader("")  # the request models' examples (api/models/easytrader.py)

EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    **HT,
    **condition_examples.EXAMPLES,
    **_ths("/ths"),
    **_ths(""),
    **_easytrader("/easytrader"),
    **EASYTRADER,
}


def attach(schema: dict[str, Any]) -> dict[str, Any]:
    """Put each operation's spec example on its request body, query parameters and success response."""
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            example = EXAMPLES.get((method, path))
            if example is None:
                continue
            if "request" in example:
                content = op.setdefault("requestBody", {}).setdefault("content", {})
                media = content.setdefault("application/json", {"schema": {"type": "object"}})
                media["example"] = example["request"]
            for name, value in example.get("query", {}).items():
                params = op.setdefault("parameters", [])
                param = next((p for p in params if p.get("name") == name and p.get("in") == "query"), None)
                if param is None:
                    params.append(
                        {"name": name, "in": "query", "schema": {"type": "string"}, "example": value}
                    )
                else:
                    param["example"] = value
            if "response" in example:
                ok = next((c for c in ("200", "201") if c in op.get("responses", {})), None)
                if ok is not None:
                    media = op["responses"][ok].setdefault("content", {}).setdefault("application/json", {})
                    media["example"] = example["response"]
    return schema
