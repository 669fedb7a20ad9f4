"""Every /api/trader endpoint over real HTTP: the success shapes of spec §5 and the failures of §3/§6."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import BROKERS, Served

ENDPOINTS = [
    ("POST", "/connect"),
    ("POST", "/login"),
    ("POST", "/exit"),
    ("GET", "/session-status"),
    ("GET", "/balance"),
    ("GET", "/position"),
    ("GET", "/today-entrusts"),
    ("GET", "/today-trades"),
    ("GET", "/cancel-entrusts"),
    ("POST", "/buy"),
    ("POST", "/sell"),
    ("POST", "/market-buy"),
    ("POST", "/market-sell"),
    ("POST", "/cancel-entrust"),
    ("POST", "/cancel-all-entrusts"),
    ("POST", "/auto-ipo"),
    ("POST", "/refresh"),
    ("POST", "/wait"),
    ("GET", "/check-pop-dialog"),
    ("POST", "/close-pop-dialog"),
    ("GET", "/quote"),
]

pytestmark = pytest.mark.parametrize("served", BROKERS, indirect=True)


def envelope(resp: httpx.Response, code: int = 200) -> dict:
    body = resp.json()
    assert set(body) == {"code", "message", "data"}, body
    assert resp.status_code == body["code"] == code, body
    if code != 200:
        assert body["data"] is None
    return body


# ---- 5.1 --------------------------------------------------------------------------------------
def test_connect_returns_a_new_session(api: httpx.Client) -> None:
    body = envelope(api.post("/connect", json={}))
    assert body["message"] == "成功连接客户端"
    assert set(body["data"]) == {"exe_path", "session_id"}
    other = envelope(api.post("/connect"))["data"]["session_id"]
    assert other != body["data"]["session_id"] and len(other) == 36


def test_login_requires_comm_password(api: httpx.Client) -> None:
    body = envelope(api.post("/login", json={"user": "u1", "password": "p"}), 400)
    assert body["message"] == "缺少必填参数：comm_password"
    assert (
        envelope(api.post("/login", json={"password": "p", "comm_password": "c"}), 400)["message"]
        == "缺少必填参数：user"
    )


def test_session_status_and_auto_login(api: httpx.Client) -> None:
    auto = envelope(api.get("/session-status"))
    assert auto["message"] == "会话状态查询成功"
    assert auto["data"]["is_auto_login"] is True and auto["data"]["is_logged_in"] is True
    sid = envelope(api.post("/connect"))["data"]["session_id"]
    manual = envelope(api.get("/session-status", params={"session_id": sid}))["data"]
    assert manual["session_id"] == sid and manual["is_auto_login"] is False
    assert len(manual["created_at"]) == len("2024-05-20 09:30:00")


def test_session_header_is_accepted(api: httpx.Client) -> None:
    sid = envelope(api.post("/login", json={"user": "u2", "password": "p", "comm_password": "c"}))["data"][
        "session_id"
    ]
    assert envelope(api.get("/balance", headers={"X-Session-Id": sid}))["data"]["资金余额"] == 1_000_000.0


def test_unknown_session_is_401(api: httpx.Client) -> None:
    body = envelope(api.get("/balance", params={"session_id": "not-a-session"}), 401)
    assert body["message"] == "无效的会话ID，请重新连接或登录"


def test_session_expires_after_30_idle_minutes(served: Served, api: httpx.Client) -> None:
    sid = envelope(api.post("/connect"))["data"]["session_id"]
    served.clock.advance(29 * 60)
    envelope(api.get("/balance", params={"session_id": sid}))
    served.clock.advance(29 * 60)  # still alive: the last call refreshed it
    envelope(api.get("/balance", params={"session_id": sid}))
    served.clock.advance(31 * 60)
    envelope(api.get("/balance", params={"session_id": sid}), 401)
    envelope(api.get("/balance"))  # the auto-login session does not idle out


def test_exit_ends_the_session(api: httpx.Client) -> None:
    sid = envelope(api.post("/login", json={"user": "u3", "password": "p", "comm_password": "c"}))["data"][
        "session_id"
    ]
    body = envelope(api.post("/exit", params={"session_id": sid}))
    assert body["message"] == "客户端已退出" and body["data"] is None
    envelope(api.get("/balance", params={"session_id": sid}), 401)
    envelope(api.get("/balance"))  # other clients' sessions are untouched


# ---- 5.2 --------------------------------------------------------------------------------------
def test_balance_shape(api: httpx.Client) -> None:
    data = envelope(api.get("/balance"))["data"]
    for key in ("资金余额", "可用金额", "可取金额", "股票市值", "总资产"):
        assert isinstance(data[key], float)
    assert data["总资产"] == pytest.approx(data["资金余额"] + data["股票市值"])


def test_position_shape(api: httpx.Client) -> None:
    rows = envelope(api.get("/position"))["data"]
    row = next(r for r in rows if r["证券代码"] == "600000")
    assert row["证券名称"] == "浦发银行" and row["持仓数量"] == 1000 and row["可用数量"] == 1000
    assert row["成本价"] == 8.5
    assert row["市值"] == pytest.approx(row["最新价"] * 1000)


def test_buy_sell_and_query_tables(api: httpx.Client) -> None:
    buy = envelope(api.post("/buy", json={"security": "600000", "price": 8.75, "amount": 200}))
    assert buy["message"] == "success" and buy["data"]["message"] == "success"
    sell = envelope(api.post("/sell", json={"security": "000001", "price": "11.00", "amount": 100}))
    entrusts = envelope(api.get("/today-entrusts"))["data"]
    assert [e["合同编号"] for e in entrusts] == [buy["data"]["合同编号"], sell["data"]["合同编号"]]
    assert {e["操作日期"] for e in entrusts} == {"20261120"}
    trades = envelope(api.get("/today-trades"))["data"]
    assert trades, "both orders were marketable"
    for t in trades:
        assert set(t) >= {"成交日期", "成交时间", "证券代码", "成交价格", "成交数量", "成交金额", "买卖方向"}
        assert t["成交金额"] == pytest.approx(t["成交价格"] * t["成交数量"])
    assert {t["买卖方向"] for t in trades} == {"买入", "卖出"}


def test_resting_order_is_cancelable(api: httpx.Client) -> None:
    no = envelope(api.post("/buy", json={"security": "600000", "price": 8.0, "amount": 100}))["data"][
        "合同编号"
    ]
    cancelable = envelope(api.get("/cancel-entrusts"))["data"]
    assert [r["合同编号"] for r in cancelable] == [no]
    assert set(cancelable[0]) >= {"合同编号", "证券代码", "委托价格", "委托数量", "委托状态"}
    body = envelope(api.post("/cancel-entrust", json={"entrust_no": no}))
    assert body["message"] == "撤单成功" and body["data"] == {"message": "撤单成功", "合同编号": no}
    assert envelope(api.get("/cancel-entrusts"))["data"] == []
    status = {e["合同编号"]: e["委托状态"] for e in envelope(api.get("/today-entrusts"))["data"]}
    assert status[no] == "已撤"
    again = envelope(api.post("/cancel-entrust", json={"entrust_no": no}), 400)
    # The paper broker knows the order is final; a GUI client only sees it gone from its 撤单 grid.
    assert "不可撤销" in again["message"] or "未找到可撤委托" in again["message"]


def test_cancel_all(api: httpx.Client) -> None:
    for price in (8.0, 8.1):
        envelope(api.post("/buy", json={"security": "600000", "price": price, "amount": 100}))
    body = envelope(api.post("/cancel-all-entrusts"))
    assert body["message"] == "全部撤单操作已提交"
    assert body["data"] == {"message": "全部撤单操作已提交", "撤销数量": 2}
    assert envelope(api.post("/cancel-all-entrusts"))["data"]["撤销数量"] == 0


def test_market_orders(served: Served, api: httpx.Client) -> None:
    buy = envelope(api.post("/market-buy", json={"security": "600000", "amount": 100}))
    assert buy["data"]["合同编号"]
    sell = envelope(
        api.post(
            "/market-sell", json={"security": "000001", "amount": 100, "ttype": "最优五档即时成交剩余撤销"}
        )
    )
    assert sell["data"]["合同编号"]
    rows = {e["合同编号"]: e for e in envelope(api.get("/today-entrusts"))["data"]}
    if served.gateway.settings.broker == "sim":  # a GUI client's 当日委托 grid has no order-type column
        assert rows[buy["data"]["合同编号"]]["委托类别"] == "最优五档即时成交剩余撤销"
    bad = envelope(
        api.post("/market-buy", json={"security": "600000", "amount": 100, "ttype": "全额成交或撤销"}), 400
    )
    assert "不支持的市价类型" in bad["message"] and "最优五档即时成交剩余转限价" in bad["message"]


def test_auto_ipo(api: httpx.Client) -> None:
    body = envelope(api.post("/auto-ipo"))
    assert body["message"] == "新股申购完成"
    assert body["data"]["可申购新股数量"] == 2
    assert [(r["证券代码"], r["申购数量"]) for r in body["data"]["已申购新股"]] == [
        ("787001", 5000),
        ("001366", 10000),
    ]
    assert envelope(api.post("/auto-ipo"))["data"]["已申购新股"] == []  # only the first subscription counts


def test_tools(api: httpx.Client) -> None:
    assert envelope(api.post("/refresh")) == {"code": 200, "message": "数据刷新完成", "data": None}
    assert envelope(api.post("/wait", json={"seconds": 0.05}))["message"] == "等待完成（0.05秒）"
    assert envelope(api.get("/check-pop-dialog"))["data"] == {"has_pop_dialog": False}
    assert envelope(api.post("/close-pop-dialog"))["data"] is None


def test_quote(api: httpx.Client) -> None:
    data = envelope(api.get("/quote", params={"security": "sh600160"}))["data"]
    assert data["证券名称"] == "巨化股份" and data["涨停价"] == 25.93 and data["跌停价"] == 21.21
    assert len(data["买盘"]) == 5 and len(data["卖盘"]) == 5 and data["可交易"] is True
    assert envelope(api.get("/quote"), 400)["message"] == "缺少必填参数：security"


# ---- failures -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"price": 8.75, "amount": 100}, "缺少必填参数：security"),
        ({"security": "600000", "amount": 100}, "缺少必填参数：price"),
        ({"security": "600000", "price": 8.75}, "缺少必填参数：amount"),
        ({"security": "600000", "price": 8.75, "amount": 150}, "委托数量不符合规则"),
        ({"security": "600000", "price": 8.75, "amount": 0}, "委托数量不符合规则"),
        ({"security": "600000", "price": 8.75, "amount": 100.5}, "委托数量不符合规则"),
        ({"security": "600000", "price": 8.75, "amount": "abc"}, "委托数量不符合规则"),
        ({"security": "688981", "price": 92.5, "amount": 100}, "委托数量不符合规则"),
        ({"security": "600000", "price": "x", "amount": 100}, "委托价格格式错误"),
        ({"security": "600000", "price": -1, "amount": 100}, "委托价格格式错误"),
        ({"security": "600000", "price": 8.755, "amount": 100}, "最小价格变动单位"),
        ({"security": "60000", "price": 8.75, "amount": 100}, "证券代码格式错误"),
        ({"security": "sz600000", "price": 8.75, "amount": 100}, "证券代码前缀与市场不符"),
        ({"security": "900901", "price": 1, "amount": 100}, "不支持的证券代码"),
        (
            {"security": "600160", "price": 14.59, "amount": 100},
            "提交失败：[600160:14.590]超过涨跌限制。25.93-21.21。",
        ),
        ({"security": "600000", "price": 8.75, "amount": 10_000_000}, "委托数量不符合规则"),
        ({"security": "600519", "price": 1480, "amount": 100_000}, "可用资金不足"),
    ],
)
def test_bad_orders_are_400_with_a_reason(api: httpx.Client, body: dict, message: str) -> None:
    got = envelope(api.post("/buy", json=body), 400)
    assert got["message"].startswith(message) or message in got["message"], got


def test_selling_what_is_not_held(api: httpx.Client) -> None:
    got = envelope(api.post("/sell", json={"security": "600036", "price": 41.5, "amount": 100}), 400)
    assert got["message"] == "委托失败，可交易股数为0"
    got = envelope(api.post("/sell", json={"security": "600000", "price": 8.6, "amount": 2000}), 400)
    assert got["message"] == "可用股份不足，可卖1000股"


def test_bad_bodies(api: httpx.Client) -> None:
    got = envelope(api.post("/buy", content=b"{not json", headers={"content-type": "application/json"}), 400)
    assert got["message"] == "请求体不是有效的JSON"
    envelope(api.post("/buy", json=[1, 2]), 400)
    assert envelope(api.post("/cancel-entrust", json={}), 400)["message"] == "缺少必填参数：entrust_no"
    assert envelope(api.post("/wait", json={}), 400)["message"] == "缺少必填参数：seconds"
    assert envelope(api.post("/wait", json={"seconds": -1}), 400)["message"] == "等待时间须在0到60秒之间"
    envelope(api.post("/wait", json={"seconds": "nan"}), 400)
    for odd in ("０.０５", "1_0", "1e999"):  # full-width digits, underscores, a huge exponent: one parser
        assert envelope(api.post("/wait", json={"seconds": odd}), 400)["message"] == "等待时间须在0到60秒之间"


def test_unknown_path_and_wrong_method_use_the_envelope(api: httpx.Client) -> None:
    assert envelope(api.get("/nope"), 404)["message"] == "接口不存在：GET /api/trader/nope"
    assert envelope(api.get("/buy"), 405)["message"] == "请求方法不允许：GET /api/trader/buy"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_rejects_an_unknown_session(api: httpx.Client, method: str, path: str) -> None:
    if path in ("/connect", "/login"):
        pytest.skip("creates sessions; takes none")
    resp = api.request(method, path, params={"session_id": "x" * 36}, json={})
    envelope(resp, 401)


def test_odd_identifiers_are_400(api: httpx.Client) -> None:
    assert envelope(api.post("/cancel-entrust", json={"entrust_no": "XyeÊ"}), 400)["message"].startswith(
        "参数格式错误"
    )
    login = api.post("/login", json={"user": "wÙ\U000f9a64v", "password": "p", "comm_password": "c"})
    assert envelope(login, 400)["message"].startswith("参数格式错误：user")


def test_idle_sessions_are_forgotten(served: Served, api: httpx.Client) -> None:
    sid = envelope(api.post("/connect"))["data"]["session_id"]
    served.clock.advance(31 * 60)
    envelope(api.post("/connect"))  # creating a session sweeps the ones nobody came back for
    assert sid not in served.gateway.service.sessions._sessions
    envelope(api.get("/balance", params={"session_id": sid}), 401)
