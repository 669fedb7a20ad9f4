"""Hostile input over real HTTP: numbers, JSON and query strings that Python would accept, convert
slowly, or turn into a 500; the CSV export; the client address behind a proxy; tokens; file modes."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.api.ops_routes import csv_cell
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.cli_inprocess import run_cli as run_cli_here
from tests.conftest import Served, serve
from tests.process import serve_process

ORDER = {"security": "600000", "price": 8.75, "amount": 100}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def gw(tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    with serve(Settings(data_dir=tmp_path, demo_market=False), clock) as s:
        yield s


def entrusts(served: Served) -> list[dict]:
    return httpx.get(f"{served.api}/today-entrusts").json()["data"]


def raw_post(url: str, body: str | bytes) -> httpx.Response:
    return httpx.post(url, content=body.encode() if isinstance(body, str) else body, headers=JSON, timeout=30)


# ---- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("１００", "须为半角数字"),  # full-width digits: Decimal() accepts them
        ("١٠٠", "须为半角数字"),  # Arabic-Indic digits
        ("1_00", "须为半角数字"),  # Decimal("1_00") == 100
        ("NaN", "NaN"),
        ("Infinity", "NaN"),
        ("1e999999", "数字过大"),
        ("1" * 30, "数字过大"),
    ],
)
def test_lookalike_and_oversized_amounts_are_refused(gw: Served, amount: str, reason: str) -> None:
    resp = httpx.post(f"{gw.api}/buy", json={**ORDER, "amount": amount})
    assert resp.status_code == 400 and reason in resp.json()["message"], resp.text
    ths = httpx.get(f"{gw.url}/ths/buy", params={"stock_code": "600000", "price": "8.75", "amount": amount})
    assert ths.json()["status"] == -1 and reason in ths.json()["message"]
    assert entrusts(gw) == []


@pytest.mark.parametrize("price", ["８.75", "8_75", "NaN", "-Infinity", "1e-999999"])
def test_lookalike_prices_are_refused(gw: Served, price: str) -> None:
    resp = httpx.post(f"{gw.api}/buy", json={**ORDER, "price": price})
    assert resp.status_code == 400 and "委托价格格式错误" in resp.json()["message"], resp.text


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_are_refused(gw: Served, literal: str) -> None:
    resp = raw_post(f"{gw.api}/buy", '{"security": "600000", "price": ' + literal + ', "amount": 100}')
    assert (
        resp.status_code == 400
        and literal in resp.json()["message"]
        and "NaN或无穷大" in resp.json()["message"]
    )


def test_a_huge_json_number_is_a_400(gw: Served) -> None:
    resp = raw_post(f"{gw.api}/buy", '{"security": "600000", "price": 8.75, "amount": 1%s}' % ("0" * 5000))
    assert resp.status_code == 400 and "数字过长" in resp.json()["message"]


# ---- JSON structure --------------------------------------------------------------------------------
def test_a_duplicate_json_key_is_named(gw: Served) -> None:
    resp = raw_post(f"{gw.api}/buy", '{"security": "600000", "price": 8.75, "amount": 100, "amount": 1000}')
    assert resp.status_code == 400 and resp.json()["message"] == "参数重复：amount（同一参数只能给一次）"
    et = raw_post(f"{gw.url}/easytrader/buy", '{"security": "600000", "security": "000001"}')
    assert et.status_code == 400 and "参数重复：security" in et.json()["error"]
    assert entrusts(gw) == []


def test_a_duplicate_query_or_form_field_is_named(gw: Served) -> None:
    query = "stock_code=600000&price=8.75&amount=100&amount=max"
    resp = httpx.get(f"{gw.url}/ths/buy?{query}")
    assert resp.json() == {"status": -1, "message": "参数重复：amount（同一参数只能给一次）"}
    form = httpx.post(
        f"{gw.url}/ths/buy",
        content=query.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.json()["message"] == "参数重复：amount（同一参数只能给一次）"
    assert httpx.get(f"{gw.api}/balance?session_id=a&session_id=b").status_code == 400
    assert entrusts(gw) == []


@pytest.mark.parametrize(
    "shape", ["[" * 100_000, '{"a":' * 50_000, '{"kwargs": ' + "[" * 30 + "]" * 30 + "}"]
)
def test_deep_json_is_a_400_not_a_recursion_error(gw: Served, shape: str) -> None:
    for url in (f"{gw.api}/buy", f"{gw.url}/easytrader/buy", f"{gw.url}/ths/buy"):
        resp = raw_post(url, shape[: 60 * 1024])
        assert resp.status_code in (200, 400), resp.text  # ths answers 200 with status -1
        assert "嵌套过深" in resp.text, resp.text


def test_brackets_inside_strings_do_not_count_as_depth(gw: Served) -> None:
    resp = raw_post(
        f"{gw.api}/buy",
        '{"security": "600000", "price": 8.75, "amount": 100, "client_order_id": "%s"}' % ("[" * 50),
    )
    assert resp.status_code == 200, resp.text


def test_lone_surrogates_are_a_400(gw: Served) -> None:
    resp = raw_post(
        f"{gw.api}/buy", '{"security": "600000", "price": 8.75, "amount": 100, "client_order_id": "\\ud800x"}'
    )
    assert resp.status_code == 400 and "代理项" in resp.json()["message"]
    login = raw_post(f"{gw.api}/login", '{"user": "u1", "password": "\\udfff", "comm_password": "c"}')
    assert login.status_code == 400 and "代理项" in login.json()["message"]
    assert entrusts(gw) == []


# ---- fields that must be strings ------------------------------------------------------------------
@pytest.mark.parametrize("exe_path", [123, ["C:\\x.exe"], {"a": 1}, True])
def test_connect_with_a_non_string_exe_path_is_a_400(gw: Served, exe_path: object) -> None:
    resp = httpx.post(f"{gw.api}/connect", json={"exe_path": exe_path})
    assert resp.status_code == 400 and resp.json()["message"] == "参数格式错误：exe_path（应为字符串）"
    et = httpx.post(f"{gw.url}/easytrader/prepare", json={"exe_path": exe_path})
    assert et.status_code == 400 and "exe_path" in et.json()["error"]


@pytest.mark.parametrize("user", ["a b", "x" * 33, "用户", "../../etc", "a;b"])
def test_easytrader_prepare_checks_the_user_like_login(gw: Served, user: str) -> None:
    login = httpx.post(f"{gw.api}/login", json={"user": user, "password": "pw", "comm_password": "c"})
    prepare = httpx.post(f"{gw.url}/easytrader/prepare", json={"user": user, "password": "pw"})
    assert login.status_code == prepare.status_code == 400
    assert prepare.json()["error"] == login.json()["message"]


# ---- CSV export -----------------------------------------------------------------------------------
def test_csv_export_neutralises_formulas(gw: Served) -> None:
    keys = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1)", "plain-key"]
    for i, key in enumerate(keys):
        order = {**ORDER, "price": 8.0 + i / 100}
        assert httpx.post(f"{gw.api}/buy", json=order, headers={"Idempotency-Key": key}).status_code == 200
    text = httpx.get(f"{gw.url}/api/journal/export").text.lstrip("\ufeff")
    cells = [row["idempotency_key"] for row in csv.DictReader(io.StringIO(text))]
    assert sorted(cells) == sorted(["'" + k for k in keys[:-1]] + ["plain-key"])
    # A tab or CR cannot be sent in a header; messages can carry them.
    assert [csv_cell(v) for v in ("\tx", "\rx", 5, "a=b")] == ["'\tx", "'\rx", 5, "a=b"]


# ---- the client address -----------------------------------------------------------------------------
def test_x_forwarded_for_is_ignored_unless_the_proxy_is_named(tmp_path: Path, clock: ManualClock) -> None:
    """The real ``serve`` command with no proxy named (uvicorn's own default would trust loopback), then
    the app as ``serve`` builds it (the same ``proxy_options``) with a rate limit, and with a named proxy."""
    spoof = {"X-Forwarded-For": "10.1.2.3"}
    with serve_process(tmp_path, "--allow-ip", "10.0.0.0/8", "--data-dir", str(tmp_path / "a")) as (url, _):
        resp = httpx.get(f"{url}/api/trader/balance", headers=spoof)
        assert resp.status_code == 403 and "允许列表" in resp.json()["message"]
    limited = Settings(data_dir=tmp_path / "b", demo_market=False, rate_limit=0.01)
    with serve(limited, clock) as s, httpx.Client(base_url=s.url) as c:
        codes = [c.get("/ping", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(60)]
        assert 429 in codes  # a new claimed address is not a new bucket
    named = Settings(
        data_dir=tmp_path / "c",
        demo_market=False,
        allow_ips=["10.0.0.0/8"],
        forwarded_allow_ips=["127.0.0.1"],
    )
    with serve(named, clock) as s:
        assert httpx.get(f"{s.api}/balance", headers=spoof).status_code == 200  # a named proxy


# ---- tokens ------------------------------------------------------------------------------------------
def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway", *args], capture_output=True, text=True, timeout=60, env=env
    )


@pytest.mark.parametrize(
    ("token", "reason"),
    [("short-token", "太短"), ("   ", "不能为空"), ("", "不能为空"), ("x" * 20 + " y", "ASCII")],
)
def test_serve_refuses_a_weak_token(tmp_path: Path, token: str, reason: str) -> None:
    proc = run_cli_here("serve", "--data-dir", str(tmp_path), "--port", "1", "--token", token)
    assert proc.returncode == 2 and reason in proc.stderr + proc.stdout


def test_serve_refuses_a_weak_token_from_the_environment_or_the_file(tmp_path: Path) -> None:
    env = {**os.environ, "ASHARE_GATEWAY_TOKEN": "abc"}
    proc = run_cli("serve", "--data-dir", str(tmp_path), "--port", "1", env=env)
    assert proc.returncode == 2 and "太短" in proc.stderr + proc.stdout
    (tmp_path / "api-token").write_text("\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "ASHARE_GATEWAY_TOKEN"}
    proc = run_cli("serve", "--data-dir", str(tmp_path), "--port", "1", env=env)
    assert proc.returncode == 2 and "不能为空" in proc.stderr + proc.stdout


def test_token_command_refuses_a_short_value_and_stores_a_good_one(tmp_path: Path) -> None:
    proc = run_cli("token", "--data-dir", str(tmp_path), "--value", "123456789012345")
    assert proc.returncode == 2 and "太短" in proc.stderr and not (tmp_path / "api-token").exists()
    good = "0123456789abcdef"
    proc = run_cli("token", "--data-dir", str(tmp_path), "--value", good)
    assert proc.returncode == 0 and (tmp_path / "api-token").read_text().strip() == good


# ---- file modes -------------------------------------------------------------------------------------
@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_data_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # the usual umask: files would be world-readable without the gateway's care
    try:
        with serve_process(tmp_path, "--data-dir", str(data)) as (url, _):
            assert httpx.post(f"{url}/api/trader/buy", json=ORDER).status_code in (200, 400)
            files = sorted(p.name for p in data.iterdir() if ".sqlite3" in p.name)
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir() if ".sqlite3" in p.name}
    finally:
        os.umask(old)
    assert {"journal.sqlite3", "paper.sqlite3", "journal.sqlite3-wal"} <= set(files)
    assert modes == dict.fromkeys(files, 0o600), modes
