"""The perimeter: loopback by default, a token off loopback, allow-list, rate limit, size limit, no CORS,
and no password or token in any log line, response, or database file."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import serve
from tests.process import serve_process

TOKEN = "t0k3n-for-tests-abcdefghijklmnopqrstuvwxyz"


def test_refuses_to_bind_off_loopback_without_a_token(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ashare_gateway", "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "ASHARE_GATEWAY_TOKEN"},
    )
    assert proc.returncode == 2
    assert "必须设置 API 令牌" in proc.stderr + proc.stdout


def test_token_is_required_and_accepted_in_every_form(tmp_path: Path, clock: ManualClock) -> None:
    with serve(Settings(data_dir=tmp_path, token=TOKEN), clock) as s:
        bare = httpx.get(f"{s.api}/balance")
        assert (
            bare.status_code == 401 and bare.json()["data"] is None and "API 令牌" in bare.json()["message"]
        )
        assert httpx.get(f"{s.api}/balance", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(f"{s.api}/balance", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert httpx.get(f"{s.api}/balance", headers={"X-API-Key": TOKEN}).status_code == 200
        basic = base64.b64encode(f"user:{TOKEN}".encode()).decode()
        assert httpx.get(f"{s.api}/balance", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        ths = httpx.get(f"{s.url}/ths/balance")
        assert ths.json()["status"] == -1  # the ths dialect's own shape for the refusal
        assert httpx.get(f"{s.url}/ths/balance", params={"token": TOKEN}).json()["status"] == 1
        assert httpx.get(f"{s.url}/health").status_code == 401


def test_allow_list(tmp_path: Path, clock: ManualClock) -> None:
    with serve(Settings(data_dir=tmp_path, allow_ips=["10.0.0.0/8"]), clock) as s:
        resp = httpx.get(f"{s.api}/balance")
        assert resp.status_code == 403 and "允许列表" in resp.json()["message"]
    with serve(Settings(data_dir=tmp_path, allow_ips=["127.0.0.1"]), clock) as s:
        assert httpx.get(f"{s.api}/balance").status_code == 200


def test_rate_limit_and_body_size(tmp_path: Path, clock: ManualClock) -> None:
    with serve(Settings(data_dir=tmp_path, rate_limit=1), clock) as s, httpx.Client() as c:
        codes = [c.get(f"{s.url}/health").status_code for _ in range(70)]
        assert codes[:50] == [200] * 50 and 429 in codes[50:]
    with serve(Settings(data_dir=tmp_path), clock) as s:
        big = httpx.post(
            f"{s.api}/buy", content=b"{" + b" " * 70_000 + b"}", headers={"content-type": "application/json"}
        )
        assert big.status_code == 413 and big.json()["code"] == 413


def test_no_cors_unless_configured(tmp_path: Path, clock: ManualClock) -> None:
    origin = {"Origin": "http://evil.example"}
    with serve(Settings(data_dir=tmp_path), clock) as s:
        assert "access-control-allow-origin" not in httpx.get(f"{s.api}/balance", headers=origin).headers
    with serve(Settings(data_dir=tmp_path, cors_origins=["http://dash.local"]), clock) as s:
        ok = httpx.get(f"{s.api}/balance", headers={"Origin": "http://dash.local"})
        assert ok.headers["access-control-allow-origin"] == "http://dash.local"


def test_token_command_writes_a_private_file_that_serve_uses(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ashare_gateway", "token", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = out.stdout.strip()
    path = tmp_path / "data" / "api-token"
    assert path.read_text().strip() == token and len(token) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with serve_process(tmp_path) as (url, _):
        assert httpx.get(f"{url}/api/trader/balance").status_code == 401
        assert httpx.get(f"{url}/api/trader/balance", headers={"X-API-Key": token}).status_code == 200


SECRET_PW, SECRET_COMM, SECRET_LOGIN = "PlainTradePw-9X1", "PlainCommPw-7Q2", "LoginPw-Zz83"


def test_no_secret_in_logs_responses_or_databases(tmp_path: Path) -> None:
    (tmp_path / "config.ini").write_text(
        f"[Account]\nuser = 700001\npassword = {SECRET_PW}\ncomm_password = {SECRET_COMM}\n", encoding="utf-8"
    )
    bodies: list[str] = []
    with serve_process(tmp_path, "--log-level", "debug", "--token", TOKEN) as (url, lines):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        api = f"{url}/api/trader"
        calls = [
            ("POST", "/login", {"user": "700002", "password": SECRET_LOGIN, "comm_password": SECRET_COMM}),
            ("POST", "/login", {"user": "700001", "password": SECRET_LOGIN, "comm_password": SECRET_COMM}),
            ("POST", "/login", {"user": "700002", "password": SECRET_PW}),
            ("POST", "/buy", {"security": "600000", "price": 8.75, "amount": 100}),
            ("POST", "/buy", {"security": "600000", "price": 8.75, "amount": 150}),
            ("GET", "/session-status", None),
            ("GET", "/balance", None),
        ]
        for method, path, body in calls:
            bodies.append(httpx.request(method, api + path, json=body, headers=auth).text)
        bodies.append(httpx.get(f"{url}/api/journal/export", headers=auth).text)
        bodies.append(httpx.get(f"{url}/health", headers=auth).text)
        bodies.append(httpx.get(f"{api}/balance", headers={"Authorization": "Bearer nope"}).text)
    haystacks = {"log": "\n".join(lines), "responses": "\n".join(bodies)}
    for db in (tmp_path / "data").glob("*.sqlite3*"):
        haystacks[db.name] = db.read_bytes().decode("latin-1")
    assert "登录失败" in haystacks["responses"] and len(lines) > 3
    for name, text in haystacks.items():
        for secret in (SECRET_PW, SECRET_COMM, SECRET_LOGIN, TOKEN):
            assert secret not in text, f"{secret!r} leaked into {name}"
