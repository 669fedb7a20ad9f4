"""Stage (c), run INSIDE Windows Python under Wine: the project's xiadan adapter + a desktop driver
against the Win32 stand-in (``C:\\htzqzyb2\\xiadan.exe``), step by step.

    python adapter_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe [--driver win32|ref]

The stand-in is NOT running when this starts: ``login`` starts it through the driver, fills the login
window and waits for the main window, exactly as on Windows. Every step is checked against the paper
exchange's own view (the stand-in's control port) and timed. Prints one JSON object on its last line:
{"driver": ..., "steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from decimal import ROUND_DOWN, ROUND_UP, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import run_step  # noqa: E402

from ashare_gateway.brokers.base import Credentials  # noqa: E402
from ashare_gateway.domain.errors import OrderRejected  # noqa: E402
from ashare_gateway.domain.market_orders import MarketType  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--driver", default="win32", choices=("win32", "ref"))
parser.add_argument("--flavour", default="ht")
parser.add_argument("--user", default="demo")
parser.add_argument("--password", default="demo")
parser.add_argument("--comm", default="demo")
parser.add_argument("--only", default="", help="comma-separated step names (default: all)")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

steps: dict[str, dict] = {}
only = {s for s in args.only.split(",") if s}
aborted = False


def step(name: str, required: bool = False):
    def deco(fn):
        global aborted
        if aborted or (only and name not in only and name != "login"):
            return fn
        if not run_step(steps, name, fn) and required:
            aborted = True
        return fn

    return deco


if args.driver == "win32":
    from ashare_gateway.desktop.win32 import Win32Driver

    driver = Win32Driver()
else:
    from refdriver import RefDriver

    driver = RefDriver()

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402

broker = XiadanBroker(driver, args.flavour)
ctl = Client(args.port)
TICK = Decimal("0.01")


def truth() -> dict:
    return ctl.call("state")["exchange"]


def quote(code: str) -> dict:
    return ctl.call("quote", code=code)


def marketable(code: str, side: Side) -> Decimal:
    """A limit price that trades at once: the best opposite quote nudged 0.5% through it."""
    q = quote(code)
    if side is Side.BUY:
        return (Decimal(q["ask1"] or q["last"]) * Decimal("1.005")).quantize(TICK, ROUND_UP)
    return (Decimal(q["bid1"] or q["last"]) * Decimal("0.995")).quantize(TICK, ROUND_DOWN)


def resting(code: str) -> Decimal:
    """A buy price that rests: 1.5% under the bid (inside the price cage and the limit band)."""
    q = quote(code)
    return (Decimal(q["bid1"] or q["last"]) * Decimal("0.985")).quantize(TICK, ROUND_DOWN)


def holdings() -> dict[str, int]:
    return {p["code"]: p["quantity"] for p in truth()["positions"]}


def wait_state(pred, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = ctl.call("state")
        if pred(state):
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"stand-in state never matched: {state.get('open_dialogs')}")
        time.sleep(0.02)


@step("login", required=True)
def _():
    info = broker.login(Credentials(args.user, args.password, args.comm or None, exe_path=args.exe))
    ctl.wait_ready(30)
    assert info.account == args.user, info
    return {"exe": info.exe_path, "title": info.main_window_title}


@step("balance")
def _():
    b = broker.balance()
    t = truth()["balance"]
    assert b.total_assets == Decimal(t["总资产"]), (b, t)
    assert b.available == Decimal(t["可用金额"]), (b, t)
    return {"total_assets": str(b.total_assets), "available": str(b.available), "cash": str(b.cash)}


@step("positions")
def _():
    ps = broker.positions()
    got = {p.code: p.quantity for p in ps}
    assert got == holdings(), (got, holdings())
    return got


@step("entrusts")
def _():
    es = broker.today_entrusts()
    assert len(es) == len(truth()["entrusts"]), es
    return len(es)


@step("trades")
def _():
    ts = broker.today_trades()
    assert len(ts) == truth()["trades"], ts
    return len(ts)


@step("buy_limit")
def _():
    before = holdings().get("600000", 0)
    t0 = time.perf_counter()
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=marketable("600000", Side.BUY)))
    elapsed = time.perf_counter() - t0
    assert ack.contract_no.isdigit(), ack
    after = holdings().get("600000", 0)
    assert after == before + 100, (before, after)
    entrust = next(e for e in truth()["entrusts"] if e["contract_no"] == ack.contract_no)
    return {
        "contract_no": ack.contract_no,
        "seconds": round(elapsed, 3),
        "status": entrust["status"],
        "position": after,
    }


@step("sell_limit")
def _():
    before = holdings().get("000001", 0)
    ack = broker.place_order(OrderRequest("000001", Side.SELL, 100, price=marketable("000001", Side.SELL)))
    after = holdings().get("000001", 0)
    assert after == before - 100, (before, after)
    return {"contract_no": ack.contract_no, "position": after}


@step("positions_after_orders")
def _():
    got = {p.code: p.quantity for p in broker.positions()}
    assert got == holdings(), (got, holdings())
    trades = broker.today_trades()
    assert len(trades) == truth()["trades"] and len(trades) >= 2, trades
    return {"positions": got, "trades": len(trades)}


@step("market_buy")
def _():
    ack = broker.place_order(OrderRequest("000001", Side.BUY, 100, market_type=MarketType.COUNTERPARTY_BEST))
    e = next(e for e in truth()["entrusts"] if e["contract_no"] == ack.contract_no)
    return {"contract_no": ack.contract_no, "status": e["status"], "filled": e["filled"]}


@step("market_sell")
def _():
    ack = broker.place_order(OrderRequest("600000", Side.SELL, 100, market_type=MarketType.BEST5_IOC))
    e = next(e for e in truth()["entrusts"] if e["contract_no"] == ack.contract_no)
    return {"contract_no": ack.contract_no, "status": e["status"], "filled": e["filled"]}


@step("rejected_order")
def _():
    try:
        broker.place_order(OrderRequest("600519", Side.BUY, 100000, price=marketable("600519", Side.BUY)))
    except OrderRejected as exc:
        assert "不足" in exc.message, exc.message
        return exc.message
    raise AssertionError("an order far beyond the cash was accepted")


@step("cancel_one")
def _():
    ack = broker.place_order(OrderRequest("000858", Side.BUY, 100, price=resting("000858")))
    cancelable = [e.contract_no for e in broker.cancelable_entrusts()]
    assert ack.contract_no in cancelable, (ack, cancelable)
    t0 = time.perf_counter()
    broker.cancel(ack.contract_no)
    elapsed = time.perf_counter() - t0
    e = next(e for e in truth()["entrusts"] if e["contract_no"] == ack.contract_no)
    assert not e["cancelable"], e
    return {"contract_no": ack.contract_no, "status": e["status"], "cancel_seconds": round(elapsed, 3)}


@step("cancel_all")
def _():
    for code in ("000858", "600000"):
        broker.place_order(OrderRequest(code, Side.BUY, 100, price=resting(code)))
    open_before = [e for e in truth()["entrusts"] if e["cancelable"]]
    n = broker.cancel_all()
    open_after = [e for e in truth()["entrusts"] if e["cancelable"]]
    assert n == len(open_before) and not open_after, (n, open_before, open_after)
    return {"cancelled": n}


@step("auto_ipo")
def _():
    first = broker.auto_ipo()
    second = broker.auto_ipo()
    assert second.entitled == 0, second
    return {"entitled": first.entitled, "applied": [(a.code, a.amount) for a in first.applied]}


@step("captcha")
def _():
    ctl.call("set", captcha="always")
    try:
        before = ctl.call("state")["stats"]
        es = broker.today_entrusts()
        after = ctl.call("state")["stats"]
        assert after["captcha_ok"] == before["captcha_ok"] + 1, (before, after)
        assert len(es) == len(truth()["entrusts"])
        t0 = time.perf_counter()
        broker.positions()
        one_read = time.perf_counter() - t0
        final = ctl.call("state")["stats"]
        return {
            "captchas_shown": final["captchas"] - before["captchas"],
            "wrong": final["captcha_wrong"] - before["captcha_wrong"],
            "read_with_captcha_s": round(one_read, 3),
        }
    finally:
        ctl.call("set", captcha="off")


@step("unexpected_dialog")
def _():
    ctl.call("popup", title="重要通知", text="请及时升级到最新版本的交易客户端。")
    wait_state(lambda s: s["open_dialogs"])
    assert broker.has_pop_dialog()
    b = broker.balance()  # the adapter settles the stray pop-up before it navigates
    state = ctl.call("state")
    assert not state["open_dialogs"], state["open_dialogs"]
    closed = [d for d in state["dialog_log"] if d["title"] == "重要通知"]
    return {"closed_with": closed[-1]["answer"] if closed else None, "total_assets": str(b.total_assets)}


@step("popup_mid_order")
def _():
    ctl.call("popup", when="next_order", title="成交回报", text="您的委托已有成交，请及时查询当日成交。")
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=marketable("600000", Side.BUY)))
    log = [d["title"] for d in ctl.call("state")["dialog_log"][-4:]]
    assert "成交回报" in log, log
    return {"contract_no": ack.contract_no, "dialogs": log}


@step("lock_screen")
def _():
    ctl.call("lock")
    wait_state(lambda s: s["locked"])
    ps = broker.positions()
    state = ctl.call("state")
    assert not state["locked"], state
    return {"positions": len(ps), "unlocks": broker.session.unlocks}


@step("exit")
def _():
    broker.exit()
    deadline = time.monotonic() + 10
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not driver.is_alive()
    return "client closed"


print(
    json.dumps(
        {"driver": args.driver, "flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str
    )
)
