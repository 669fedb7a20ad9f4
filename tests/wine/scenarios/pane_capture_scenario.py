"""Run INSIDE Windows Python under Wine: the active pane 0xE901 (issue 14) through the real ``Win32Driver``
+ ``XiadanBroker`` against the stand-in with ``stale_pages`` (the page left stays shown, first in Z order).

    python pane_capture_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht

Prints one JSON object on its last line: {"flavour": …, "steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import ROUND_DOWN, ROUND_UP, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.base import Credentials  # noqa: E402
from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="ht")
parser.add_argument("--comm", default="demo")
args = parser.parse_args()

driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour)
ctl = Client(args.port)
steps: dict[str, dict] = {}
TICK = Decimal("0.01")


step = recorder(steps)


def truth() -> dict:
    return ctl.call("state")["exchange"]


def price(code: str, side: Side, rest: bool = False) -> Decimal:
    q = ctl.call("quote", code=code)
    if rest:
        return (Decimal(q["bid1"] or q["last"]) * Decimal("0.985")).quantize(TICK, ROUND_DOWN)
    if side is Side.BUY:
        return (Decimal(q["ask1"] or q["last"]) * Decimal("1.005")).quantize(TICK, ROUND_UP)
    return (Decimal(q["bid1"] or q["last"]) * Decimal("0.995")).quantize(TICK, ROUND_DOWN)


def entrust(contract_no: str) -> dict:
    return next(e for e in truth()["entrusts"] if e["contract_no"] == contract_no)


def wait_login_window(timeout: float = 60.0) -> None:
    """The client the fixture started shows its login window (用户登录 on both builds); raise if not.

    The fixture starts the exe and waits for its control port, which answers only once the exchange
    is built and the login dialog's loop runs, so this returns at the first look. (It used to wait for
    a client nobody had started yet: all 240 s, then ``login`` started it.)
    """
    deadline = time.monotonic() + timeout
    while True:
        if driver.attach(exe_path=args.exe) and any("登录" in w.title for w in driver.top_windows()):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{args.exe} 没有显示登录窗口（{timeout:.0f} 秒）")
        time.sleep(0.05)


@step("login")
def _():
    wait_login_window()
    info = broker.login(Credentials("demo", "demo", args.comm or None, exe_path=args.exe))
    ctl.wait_ready(30)
    ctl.call("set", stale_pages=True)
    return {"title": info.main_window_title}


@step("stale_page_is_first_under_main")
def _():
    """The model is unkind for real: after 买入 → 卖出 a search of the whole main window finds 买入's 1006."""
    broker.place_order(OrderRequest("000001", Side.BUY, 100, price=price("000001", Side.BUY)))
    main = broker.session.main
    broker.session.navigate("sell", 1032)
    anywhere = driver.get_text(driver.find_control(main, control_id=1006))
    pane = driver.child(driver.child(main, 0xE900), 0xE901)
    in_pane = driver.get_text(driver.find_control(pane, control_id=1006))
    assert "买" in anywhere and "卖" in in_pane, (anywhere, in_pane)
    return {"anywhere": anywhere, "pane": in_pane}


@step("stale_page_buy_then_sell")
def _():
    buy = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=price("600000", Side.BUY)))
    sell = broker.place_order(OrderRequest("600000", Side.SELL, 100, price=price("600000", Side.SELL)))
    sides = (entrust(buy.contract_no)["side"], entrust(sell.contract_no)["side"])
    assert sides == ("buy", "sell"), sides
    return {"buy": buy.contract_no, "sell": sell.contract_no}


@step("stale_page_cancel_after_entrusts")
def _():
    """当日委托 left behind shares grid 1047 and its columns with 撤单: cancel the second resting order."""
    acks = [
        broker.place_order(OrderRequest("000858", Side.BUY, 100, price=price("000858", Side.BUY, rest=True)))
        for _ in range(2)
    ]
    broker.today_entrusts()
    broker.cancel(acks[1].contract_no)
    states = (entrust(acks[0].contract_no)["cancelable"], entrust(acks[1].contract_no)["cancelable"])
    assert states == (True, False), states
    broker.cancel_all()
    return {"cancelled": acks[1].contract_no}


@step("exit")
def _():
    broker.exit()
    deadline = time.monotonic() + 10
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not driver.is_alive()
    return "client closed"


print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
