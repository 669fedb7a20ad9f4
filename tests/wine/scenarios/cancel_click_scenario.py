"""Run INSIDE Windows Python under Wine: a cancel by 合同编号 while the 可撤 grid changes *as the 撤单
click lands* (the stand-in's ``cancel_reorder_at_click``: an order listed on top after every selection
key and the adapter's proof copy, before the page takes the selected row), with the real
``Win32Driver`` + ``XiadanBroker``; stand-in already running and logged in.

    python cancel_click_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht

Steps: an order placed; the click lists an order of the same code at another price and amount (the
撤单确认 shows it: refused, nothing cancelled); the click lists a twin (the confirm cannot tell it apart:
the twin is cancelled, the adapter must not report the cancel done), once with the 提示 and once with the
client's result pop-ups off; the same cancel with the grid left alone. Each step reports the exchange's
view of every order. Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from standin.reorder import ClickChange  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.errors import GatewayError  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="ht")
args = parser.parse_args()

ctl = Client(args.port)
broker = XiadanBroker(Win32Driver(), args.flavour)
steps: dict[str, dict] = {}
target: dict[str, str] = {}
step = recorder(steps)


def books() -> dict:
    """Every order of the day (cancelable or not, with price and amount), and the click changes so far."""
    s = ctl.call("state")
    return {
        "orders": {
            e["contract_no"]: {
                "cancelable": e["cancelable"],
                "price": str(e["price"]),
                "quantity": e["quantity"],
            }
            for e in s["exchange"]["entrusts"]
        },
        "click_changes": s["stats"].get("cancel_click_changes", 0),
        "pending": s["config"]["cancel_reorder_at_click"],
    }


def cancel_at_click(change: ClickChange | None, **settings: object) -> dict:
    """Cancel the target with ``change`` listed on top as 撤单 lands; what the adapter said, the books."""
    ctl.call("set", cancel_reorder_at_click=[change.value] if change else [], **settings)
    outcome: dict = {"contract_no": target["contract_no"], "books_before": books()["orders"]}
    try:
        broker.cancel(target["contract_no"])
        outcome["result"] = "cancelled"
    except GatewayError as exc:
        outcome["result"] = type(exc).__name__
        outcome["message"] = exc.message
    ctl.call("set", cancel_reorder_at_click=[])
    return {**outcome, **books()}


@step("placed")
def _():
    broker.connect(args.exe)
    assert not broker.fingerprint.problems, broker.fingerprint.problems
    # 5 ticks under the last price: it rests in the book (see cancel_race_scenario.resting_buy).
    last = Decimal(ctl.call("quote", code="600000")["last"])
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, last - Decimal("0.05")))
    target["contract_no"] = ack.contract_no
    return {"contract_no": ack.contract_no, **books()}


@step("other_at_click")
def _():
    return cancel_at_click(ClickChange.OTHER)


@step("twin_at_click")
def _():
    return cancel_at_click(ClickChange.TWIN)


@step("twin_at_click_no_result_popup")
def _():
    try:
        return cancel_at_click(ClickChange.TWIN, result_popups=False)
    finally:
        ctl.call("set", result_popups=True)


@step("again")
def _():
    return cancel_at_click(None)


print(json.dumps({"steps": steps}, ensure_ascii=False, default=str))
