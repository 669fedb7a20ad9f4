"""The easytrader remote dialect over real HTTP, driven by easytrader's own ``remoteclient`` where it is
installed (``pip install --no-deps easytrader``: its pywinauto pin is not needed by the remote client),
and by the exact calls it makes otherwise (read from easytrader 0.23.7's ``remoteclient.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import Served, serve

BALANCE_KEYS = {"资金余额", "可用金额", "可取金额", "股票市值", "总资产"}


@pytest.fixture
def et(tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    """A listener whose root is easytrader's (``serve --dialect easytrader``), paper broker, trading hours."""
    with serve(Settings(data_dir=tmp_path, demo_market=False), clock, "easytrader") as s:
        yield s


def port_of(served: Served) -> int:
    return int(served.url.rsplit(":", 1)[1])


def quote(served: Served, code: str) -> dict:
    return httpx.get(f"{served.api}/quote", params={"security": code}).json()["data"]


def test_easytrader_remoteclient_runs_unchanged(et: Served, tmp_path: Path) -> None:
    remoteclient = pytest.importorskip("easytrader.remoteclient")
    user = remoteclient.use("universal_client", host="127.0.0.1", port=port_of(et))

    account = tmp_path / "account.json"  # prepare(config_path=...) reads it on the caller's side
    account.write_text(json.dumps({"user": "et-user", "password": "pw"}), encoding="utf-8")
    assert user.prepare(config_path=str(account)) == {"msg": "login success"}  # opens a paper account
    assert user.prepare(user="et-user", password="pw") == {"msg": "login success"}  # and logs in again
    with pytest.raises(Exception, match="登录失败"):
        user.prepare(user="et-user", password="wrong")

    balance = user.balance
    assert set(balance) >= BALANCE_KEYS and balance["资金余额"] == 1000000.0
    assert user.position == []

    low = quote(et, "600000")["跌停价"]
    resting = user.buy("600000", price=low, amount=100)
    assert set(resting) == {"entrust_no"} and resting["entrust_no"].isdigit()
    ask1 = quote(et, "600000")["卖盘"][0]["价格"]
    filled = user.buy("sh600000", price=ask1, amount=100)["entrust_no"]

    entrusts = {e["合同编号"]: e for e in user.today_entrusts}
    assert set(entrusts) == {resting["entrust_no"], filled}
    assert [e["合同编号"] for e in user.cancel_entrusts] == [resting["entrust_no"]]
    assert user.cancel_entrust(resting["entrust_no"])["message"] == "撤单成功"
    assert user.cancel_entrusts == []
    assert [t["合同编号"] for t in user.today_trades] == [filled] * len(user.today_trades)
    row = next(p for p in user.position if p["证券代码"] == "600000")
    assert row["股票余额"] > 0 and row["可用余额"] == 0  # T+1

    with pytest.raises(Exception, match="委托失败，可交易股数为0"):
        user.sell("600000", price=ask1, amount=100)
    with pytest.raises(Exception, match="委托数量不符合规则"):
        user.buy("600000", price=ask1, amount=150)
    with pytest.raises(Exception, match="未找到可撤委托"):
        user.cancel_entrust("99999999")
    assert "message" in user.auto_ipo()
    assert user.exit() == {"msg": "exit success"}


def test_the_calls_remoteclient_makes(et: Served) -> None:
    """What remoteclient sends, byte for byte in shape: JSON bodies with None fields and a ``kwargs`` dict."""
    with httpx.Client(base_url=et.url) as c:
        prepare = {
            "config_path": None,
            "user": None,
            "password": None,
            "exe_path": None,
            "comm_password": None,
            "kwargs": {},
            "broker": "ht_client",
        }
        resp = c.post("/prepare", json=prepare)  # no account given: attach to the running client (demo)
        assert (resp.status_code, resp.json()) == (201, {"msg": "login success"})
        resp = c.get("/balance")
        assert resp.status_code == 200 and set(resp.json()) >= BALANCE_KEYS
        positions = c.get("/position").json()
        assert {p["证券代码"] for p in positions} == {"000001", "000858", "510300", "600000", "600519"}

        low = quote(et, "600000")["跌停价"]
        resp = c.post("/buy", json={"security": "600000", "price": low, "amount": 100, "kwargs": {}})
        assert resp.status_code == 201 and list(resp.json()) == ["entrust_no"]
        no = resp.json()["entrust_no"]
        resp = c.post(
            "/sell",
            json={"security": "000001", "price": quote(et, "000001")["涨停价"], "amount": 100, "kwargs": {}},
        )
        assert resp.status_code == 201
        for path in ("/today_entrusts", "/today_trades", "/cancel_entrusts"):
            assert isinstance(c.get(path).json(), list)
        resp = c.post("/cancel_entrust", json={"entrust_no": no})
        assert resp.status_code == 201 and resp.json()["message"] == "撤单成功"
        assert c.get("/auto_ipo").status_code == 200

        # Newer clients: extra arguments nested under kwargs, and HTTP Basic auth (accepted, not required).
        body = {"security": "600000", "amount": 100, "kwargs": {"ttype": "五档即成剩撤"}}
        resp = c.post("/market_buy", json=body, auth=("u", "p"))
        assert resp.status_code == 201 and resp.json()["entrust_no"].isdigit()
        body = {"security": "000001", "amount": 100, "kwargs": {"ttype": "对手方最优"}}
        assert c.post("/market_sell", json=body).status_code == 201
        body = {"security": "688981", "amount": 200, "kwargs": {"limit_price": 999.99}}
        resp = c.post("/market_buy", json=body)
        assert resp.status_code >= 300 and "超过涨跌限制" in resp.json()["error"]

        resp = c.get("/exit")
        assert (resp.status_code, resp.json()) == (200, {"msg": "exit success"})


ERRORS = [
    ("POST", "/buy", {"security": "600000", "price": 8.6}, 400, "缺少必填参数：amount"),
    ("POST", "/buy", {"security": "sz600000", "price": 8.6, "amount": 100}, 400, "证券代码前缀与市场不符"),
    (
        "POST",
        "/market_buy",
        {"security": "600000", "amount": 100, "kwargs": {"ttype": "FOK"}},
        400,
        "不支持的市价类型",
    ),
    ("POST", "/cancel_entrust", {}, 400, "缺少必填参数：entrust_no"),
    ("POST", "/prepare", {"user": "x"}, 400, "缺少必填参数：password"),
    ("GET", "/buy", None, 405, "请求方法不允许"),
    ("GET", "/nowhere", None, 404, "接口不存在"),
]


def test_errors_are_status_300_plus_with_an_error_text(et: Served) -> None:
    for method, path, body, status, text in ERRORS:
        resp = httpx.request(method, f"{et.url}{path}", json=body)
        assert resp.status_code == status and list(resp.json()) == ["error"], (path, resp.text)
        assert text in resp.json()["error"], (path, resp.text)


def test_malformed_json_is_an_error_not_a_page(et: Served) -> None:
    resp = httpx.post(f"{et.url}/buy", content=b"{oops", headers={"content-type": "application/json"})
    assert resp.status_code == 400 and resp.json() == {"error": "请求体不是有效的JSON"}


def test_the_easytrader_prefix_on_a_default_listener(served: Served) -> None:
    assert set(httpx.get(f"{served.url}/easytrader/balance").json()) >= BALANCE_KEYS
    resp = httpx.post(f"{served.url}/easytrader/buy", json={"security": "abc", "price": 1, "amount": 100})
    assert resp.status_code == 400 and "证券代码格式错误" in resp.json()["error"]
