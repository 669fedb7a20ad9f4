"""The spec's own examples (ht-client-http-api §7.1 and §7.2), run as written against a served gateway."""

from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import BROKERS, Served

# §7.1, verbatim but for the port the test server listens on.
SPEC_7_1 = """
import pytest
import requests
import json

# 基础URL（自动登录模式无需传递session_id）
BASE_URL = "http://localhost:5000/api/trader"

# 1. 查询资金余额
response = requests.get(f"{BASE_URL}/balance")
balance_data = json.loads(response.text)
print("总资产:", balance_data["data"]["总资产"])

# 2. 限价买入股票（600000 浦发银行，价格8.75，数量100）
buy_params = {
    "security": "600000",
    "price": 8.75,
    "amount": 100
}
buy_response = requests.post(f"{BASE_URL}/buy", json=buy_params)
print("买入结果:", json.loads(buy_response.text))

# 3. 查询当日委托
entrusts_response = requests.get(f"{BASE_URL}/today-entrusts")
print("当日委托:", json.loads(entrusts_response.text)["data"])
"""

pytestmark = pytest.mark.parametrize("served", BROKERS, indirect=True)


def test_spec_7_1_python_example_runs_verbatim(served: Served, capsys) -> None:
    code = SPEC_7_1.replace("http://localhost:5000/api/trader", served.api)
    namespace: dict = {}
    exec(compile(code, "spec_7_1.py", "exec"), namespace)
    out = capsys.readouterr().out
    assert "总资产:" in out
    buy = json.loads(namespace["buy_response"].text)
    assert buy["code"] == 200 and buy["message"] == "success"
    assert buy["data"]["合同编号"] and buy["data"]["委托编号"]
    entrusts = json.loads(namespace["entrusts_response"].text)["data"]
    assert [e["合同编号"] for e in entrusts] == [buy["data"]["合同编号"]]
    assert entrusts[0]["证券代码"] == "600000" and entrusts[0]["委托数量"] == 100
    assert entrusts[0]["委托价格"] == 8.75
    # The offline quote keeps 浦发银行 below 8.75, so the example's order fills at once.
    assert entrusts[0]["委托状态"] == "已成"


def test_spec_7_2_postman_login_then_position(served: Served) -> None:
    login = requests.post(
        f"{served.api}/login",
        json={"user": "12345678", "password": "your_trade_pwd", "comm_password": "your_comm_pwd"},
        timeout=30,
    ).json()
    assert login["code"] == 200 and login["message"] == "登录成功"
    sid = login["data"]["session_id"]
    assert login["data"]["main_window_title"] == "网上股票交易系统5.0"
    pos = requests.get(f"{served.api}/position?session_id={sid}", timeout=30)
    assert pos.status_code == 200 and pos.json()["data"] == []  # a new paper account holds nothing
    # The same account logs in again only with the same passwords.
    again = requests.post(
        f"{served.api}/login",
        json={"user": "12345678", "password": "wrong", "comm_password": "your_comm_pwd"},
        timeout=30,
    )
    assert again.status_code == 401 and again.json()["message"] == "登录失败，请检查账号密码"
