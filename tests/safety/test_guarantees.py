"""Guarantees that held but that no test guarded (issue 11's surviving mutants), each over HTTP.

Each test names the mutation it was run against (docs/safety.md lists them all).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock, SystemClock
from ashare_gateway.domain.models import OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from tests.conftest import serve
from tests.process import free_port


# ---- per-board market-order caps (mutant: ChiNext's cap doubled) --------------------------------
@pytest.mark.parametrize(
    ("code", "cap"),
    [("301236", 150_000), ("688981", 50_000), ("600000", 1_000_000)],
)
def test_market_orders_are_capped_per_board(api: httpx.Client, code: str, cap: int) -> None:
    step = 1 if code.startswith("688") else 100
    over = api.post("/market-buy", json={"security": code, "amount": cap + step})
    assert over.status_code == 400 and f"{cap}" in over.json()["message"], over.text
    at_cap = api.post("/market-buy", json={"security": code, "amount": cap})
    assert f"{cap}" not in at_cap.json()["message"], at_cap.text  # refused, if at all, for cash


# ---- shares in open sells are frozen (mutant: sells stop freezing shares) -----------------------
def test_shares_in_an_open_sell_cannot_be_sold_again(api: httpx.Client) -> None:
    high = api.get("/quote", params={"security": "000001"}).json()["data"]["涨停价"]
    first = api.post("/sell", json={"security": "000001", "price": high, "amount": 1000})  # rests
    assert first.status_code == 200, first.text
    again = api.post("/sell", json={"security": "000001", "price": high, "amount": 1000})
    assert again.status_code == 400, again.text  # 2,000 of 1,000: refused
    more = api.post("/sell", json={"security": "000001", "price": high, "amount": 100})
    assert more.status_code == 400, more.text
    position = next(p for p in api.get("/position").json()["data"] if p["证券代码"] == "000001")
    assert position["可用余额"] == 0
    assert len(api.get("/cancel-entrusts").json()["data"]) == 1


# ---- the cash reservation includes the ¥5 minimum commission (mutant: reserve value + rate only) -
def test_a_buy_must_leave_room_for_the_minimum_commission(tmp_path: Path, clock: ManualClock) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False)
    with serve(settings, clock) as s, s.client() as api:
        s.gateway.exchange.create_account("small", "pw", "cp", cash=Decimal("882"))  # the test's account
        session = api.post("/login", json={"user": "small", "password": "pw", "comm_password": "cp"})
        sid = {"session_id": session.json()["data"]["session_id"]}
        # 100 × 8.80 = 880 fits in ¥882, but 880 + ¥5 commission does not
        short = api.post("/buy", params=sid, json={"security": "600000", "price": 8.80, "amount": 100})
        assert short.status_code == 400 and "资金" in short.json()["message"], short.text
        # 100 × 8.76 = 876 + ¥5 + the transfer fee fits
        fits = api.post("/buy", params=sid, json={"security": "600000", "price": 8.76, "amount": 100})
        assert fits.status_code == 200, fits.text
        assert Decimal(str(api.get("/balance", params=sid).json()["data"]["可用金额"])) >= 0


# ---- reconciliation compares the price (mutant: the price check dropped) ------------------------
def _start(cwd: Path, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ashare_gateway.cli", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1)
            return proc, url
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.05)  # polling for the child to listen


def test_reconciliation_does_not_take_a_decoy_that_differs_only_in_price(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # Someone at the client buys the same code, side and amount at another price, just before ours.
    exchange = SimExchange(
        data / "paper.sqlite3", clock=SystemClock(), calendar=TradingCalendar(always_open=True)
    )
    user = exchange.ensure_demo_account()
    decoy = exchange.broker(user).place_order(
        OrderRequest(code="600000", side=Side.BUY, amount=100, price=Decimal("8.50"))
    )
    exchange.db.dispose()
    # Ours reaches the broker, then the gateway dies before it writes the answer.
    proc, url = _start(tmp_path, ASHARE_GATEWAY_CRASH_POINTS="after_broker")
    order = {"security": "600000", "price": 8.60, "amount": 100}
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{url}/api/trader/buy", json=order, headers={"Idempotency-Key": "ours"}, timeout=30)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    # The next start reconciles: ours is the 8.60 entrust, not the earlier 8.50 one.
    proc, url = _start(tmp_path)
    try:
        rows = httpx.get(f"{url}/api/journal/orders").json()["data"]
        assert [r["state"] for r in rows] == ["accepted"], rows
        entrusts = {e["合同编号"]: e for e in httpx.get(f"{url}/api/trader/today-entrusts").json()["data"]}
        assert len(entrusts) == 2 and decoy.contract_no in entrusts
        assert rows[0]["合同编号"] != decoy.contract_no
        assert entrusts[rows[0]["合同编号"]]["委托价格"] == 8.60
        retry = httpx.post(f"{url}/api/trader/buy", json=order, headers={"Idempotency-Key": "ours"}).json()
        assert retry["data"]["合同编号"] == rows[0]["合同编号"]
        assert len(httpx.get(f"{url}/api/trader/today-entrusts").json()["data"]) == 2
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
