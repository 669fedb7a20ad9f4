"""The pywinauto driver for real: Windows CPython 3.12 under Wine 8 on Xvfb, against a Win32 stand-in for
xiadan.exe (tools/wine/standin) that trades on the project's paper exchange.

Three layers, each a module-scoped run inside Windows Python whose per-step results come back as JSON:

1. the toolchain (Wine, Windows Python, pywinauto, the project's imports);
2. raw pywinauto against the stand-in: every control and dialog the adapter relies on is reachable;
3. the product: ``Win32Driver`` + ``XiadanBroker`` doing login, queries, orders, cancels, IPO, captcha,
   stray pop-ups and the lock screen, each step checked against the exchange's own books;

and finally the gateway itself served under Wine (``python -m ashare_gateway serve --broker xiadan``),
driven over HTTP from Linux.

Opt-in: ``ASHARE_WINE=1 pytest tests/wine -m wine`` (tools/wine/ci.sh). Skipped otherwise.
"""

from __future__ import annotations

import time
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from pathlib import Path

import pytest

from tests.wine.conftest import ENABLED, REPO, SCENARIOS, SKIP_REASON, free_port, run_scenario

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

RAW_CHECKS = [
    "connect",
    "tree_items",
    "wm_command_nav",
    "buy_limit",
    "rejected_order",
    "grid_copy",
    "captcha",
    "unexpected_popup",
    "lock_screen",
    "cancel_one",
    "exchange_truth",
]

ADAPTER_STEPS = [
    "login",
    "balance",
    "positions",
    "entrusts",
    "trades",
    "buy_limit",
    "sell_limit",
    "positions_after_orders",
    "market_buy",
    "market_sell",
    "rejected_order",
    "cancel_one",
    "cancel_all",
    "auto_ipo",
    "captcha",
    "unexpected_dialog",
    "popup_mid_order",
    "lock_screen",
    "exit",
]

# Failures the harness has traced to product code (see docs/wine.md "Findings"); a non-strict xfail
# keeps CI green while they are open and reports XPASS once they are fixed.
KNOWN_PRODUCT_BUGS: dict[str, str] = {}  # the captcha race in gridread.solve_captcha is fixed


def _entry(result, key: str, name: str) -> dict:
    assert result.data is not None, result.explain()
    entry = result.entries(key).get(name)
    assert entry is not None, f"step {name!r} did not run\n{result.explain()}"
    return entry


# --------------------------------------------------------------------------------------------------
# 1. the toolchain
# --------------------------------------------------------------------------------------------------
def test_windows_python_and_pywinauto_under_wine(wine) -> None:
    result = run_scenario(wine, REPO / "tools" / "wine" / "smoke.py", timeout=180, log_name="smoke.log")
    data = result.data
    assert data is not None and data.get("ok"), result.explain()
    assert data["python"].startswith("3.12") and data["bits"] == 64
    assert data["pywinauto"] == "0.6.9"
    assert data["comtypes"] is False, "comtypes must stay out: pywinauto would load its UIA backend"
    assert data["ashare_gateway"].endswith("__init__.py"), data["ashare_gateway"]


# --------------------------------------------------------------------------------------------------
# 2. raw pywinauto against the stand-in
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def raw_probe(wine, make_standin):
    standin = make_standin(logged_in=True)
    standin.spawn()
    try:
        return run_scenario(
            wine, SCENARIOS / "raw_probe.py", str(standin.port), "demo", timeout=240, log_name="raw_probe.log"
        )
    finally:
        standin.stop()


@pytest.mark.parametrize("check", RAW_CHECKS)
def test_standin_with_raw_pywinauto(raw_probe, check: str) -> None:
    entry = _entry(raw_probe, "checks", check)
    assert entry["ok"], entry["detail"]


# --------------------------------------------------------------------------------------------------
# 3. the product driver and adapter
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["ht", "universal"])
def adapter_run(request, wine, make_standin):
    """ht: 华泰 build (tree navigation, typed code, 通讯密码); universal: generic 同花顺 build
    (WM_COMMAND navigation, WM_SETTEXT code entry, no 通讯密码)."""
    flavour = request.param
    accounts = [{"user": "demo", "password": "demo", "comm_password": "demo" if flavour == "ht" else None}]
    standin = make_standin(logged_in=False, flavour=flavour, accounts=accounts)  # login() starts it
    try:
        return run_scenario(
            wine,
            SCENARIOS / "adapter_scenario.py",
            "--port",
            str(standin.port),
            "--exe",
            standin.exe,
            "--driver",
            "win32",
            "--flavour",
            flavour,
            "--comm",
            "demo" if flavour == "ht" else "",
            timeout=360,
            log_name=f"adapter_win32_{flavour}.log",
        )
    finally:
        standin.stop()


@pytest.mark.parametrize("step", ADAPTER_STEPS)
def test_xiadan_adapter_with_win32_driver(adapter_run, step: str, request) -> None:
    entry = _entry(adapter_run, "steps", step)
    if not entry["ok"] and step in KNOWN_PRODUCT_BUGS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_PRODUCT_BUGS[step], strict=False))
    assert entry["ok"], entry["detail"]


# --------------------------------------------------------------------------------------------------
# 4. the gateway served under Wine, driven over HTTP from Linux
# --------------------------------------------------------------------------------------------------
def _ok(resp) -> dict:
    body = resp.json()
    assert resp.status_code == 200 and body.get("code") == 200, body
    return body["data"]


def test_gateway_served_under_wine_over_http(wine, make_standin, tmp_path: Path) -> None:
    import httpx
    from winenv import winpath

    standin = make_standin(logged_in=False)
    port = free_port()
    gateway = wine.spawn_python(
        "-m:ashare_gateway",
        "serve",
        "--broker",
        "xiadan",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        winpath(tmp_path / "data"),
        "--demo-market",
        "--log-level",
        "info",
        log_name="gateway.out",
    )
    base = f"http://127.0.0.1:{port}/api/trader"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert gateway.poll() is None, f"gateway exited: {gateway.output[-4000:]}"
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, f"gateway not serving: {gateway.output[-4000:]}"
                time.sleep(0.2)
        ctl = standin.client()
        with httpx.Client(base_url=base, timeout=120) as api:
            login = _ok(
                api.post(
                    "/login",
                    json={
                        "user": "demo",
                        "password": "demo",
                        "comm_password": "demo",
                        "exe_path": standin.exe,
                    },
                )
            )
            sid = {"session_id": login["session_id"]}
            assert login["main_window_title"] == "网上股票交易系统5.0"
            balance = _ok(api.get("/balance", params=sid))
            truth = ctl.call("state")["exchange"]
            assert Decimal(str(balance["总资产"])) == Decimal(truth["balance"]["总资产"]), (balance, truth)
            positions = {p["证券代码"]: p["持仓数量"] for p in _ok(api.get("/position", params=sid))}
            assert positions == {p["code"]: p["quantity"] for p in truth["positions"]}

            q = ctl.call("quote", code="600000")
            price = (Decimal(q["ask1"] or q["last"]) * Decimal("1.005")).quantize(Decimal("0.01"), ROUND_UP)
            t0 = time.perf_counter()
            buy = _ok(
                api.post(
                    "/buy", params=sid, json={"security": "600000", "price": float(price), "amount": 100}
                )
            )
            http_buy_s = time.perf_counter() - t0
            assert buy["合同编号"], buy
            truth = ctl.call("state")["exchange"]
            held = {p["code"]: p["quantity"] for p in truth["positions"]}
            assert held["600000"] == positions["600000"] + 100, (held, positions)

            low = (Decimal(q["bid1"] or q["last"]) * Decimal("0.985")).quantize(Decimal("0.01"), ROUND_DOWN)
            rest = _ok(
                api.post("/buy", params=sid, json={"security": "600000", "price": float(low), "amount": 100})
            )
            cancelable = _ok(api.get("/cancel-entrusts", params=sid))
            assert rest["合同编号"] in {str(r.get("合同编号")) for r in cancelable}, cancelable
            _ok(api.post("/cancel-entrust", params=sid, json={"entrust_no": rest["合同编号"]}))
            entrusts = _ok(api.get("/today-entrusts", params=sid))
            assert len(entrusts) == 2, entrusts
            _ok(api.post("/exit", params=sid))
        assert http_buy_s < 3.0, http_buy_s
    finally:
        gateway.terminate(timeout=5)
