"""The README's path: the real ``ashare-gateway serve`` process, config.ini auto-login, restarts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx

from tests.process import serve_process

EXE = [sys.executable, "-m", "ashare_gateway.cli"]


def test_zero_config_serve_prints_url_and_fills_a_paper_order(tmp_path: Path) -> None:
    with serve_process(tmp_path) as (url, lines):
        assert httpx.get(f"{url}/").status_code == 200
        assert "<title>ashare-gateway</title>" in httpx.get(f"{url}/").text
        buy = httpx.post(
            f"{url}/api/trader/buy", json={"security": "600000", "price": 8.75, "amount": 100}
        ).json()
        assert buy["code"] == 200
        rows = httpx.get(f"{url}/api/trader/today-entrusts").json()["data"]
        assert rows[0]["委托状态"] == "已成"
        health = httpx.get(f"{url}/health").json()
        assert health["demo_market"] is True and health["auto_login"] is True
    text = "\n".join(lines)
    assert re.search(r"http://127\.0\.0\.1:\d+/api/trader", text)
    assert "演示模式" in text and str(tmp_path / "data") in text
    assert (tmp_path / "data" / "paper.sqlite3").is_file()


def test_restart_loses_nothing(tmp_path: Path) -> None:
    with serve_process(tmp_path) as (url, _):
        no = httpx.post(
            f"{url}/api/trader/buy", json={"security": "600000", "price": 8.0, "amount": 100}
        ).json()
        no = no["data"]["合同编号"]
        before = httpx.get(f"{url}/api/trader/balance").json()["data"]
    with serve_process(tmp_path) as (url, _):
        rows = httpx.get(f"{url}/api/trader/cancel-entrusts").json()["data"]
        assert [r["合同编号"] for r in rows] == [no]
        assert httpx.get(f"{url}/api/trader/balance").json()["data"]["可用金额"] == before["可用金额"]
        assert httpx.post(f"{url}/api/trader/cancel-entrust", json={"entrust_no": no}).json()["code"] == 200


CONFIG = """[Trader]
# 华泰证券客户端可执行文件路径（可选，服务会自动查找）
exe_path = C:\\htzqzyb2\\xiadan.exe

[Account]
# 资金账号/用户名
user = 12345678
# 交易密码
password = {password}
# 通讯密码（华泰证券必填）
comm_password = secret-comm
"""


def test_config_ini_auto_login_and_wrong_password(tmp_path: Path) -> None:
    (tmp_path / "config.ini").write_text(CONFIG.format(password="trade-pw-1"), encoding="utf-8")
    with serve_process(tmp_path, "--demo-market") as (url, lines):
        status = httpx.get(f"{url}/api/trader/session-status").json()
        assert status["code"] == 200 and status["data"]["is_auto_login"] is True
        assert httpx.get(f"{url}/api/trader/position").json()["data"] == []  # the named account, not the demo
    assert any("自动登录" in line and "成功" in line for line in lines)
    # Second start with a wrong password: no auto-login, callers get 401, the reason is printed.
    (tmp_path / "config.ini").write_text(CONFIG.format(password="wrong"), encoding="utf-8")
    with serve_process(tmp_path, "--demo-market") as (url, lines):
        resp = httpx.get(f"{url}/api/trader/balance")
        assert resp.status_code == 401
    text = "\n".join(lines)
    assert "登录失败，请检查账号密码" in text
    assert "trade-pw-1" not in text and "wrong" not in text and "secret-comm" not in text
