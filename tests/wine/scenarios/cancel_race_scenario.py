"""Run INSIDE Windows Python under Wine: a cancel by 合同编号 while the 可撤 grid changes under it (the
stand-in's ``cancel_reorder``: a new order exactly like the target inserted on top as the selection
keys land), with the real ``Win32Driver`` + ``XiadanBroker``; stand-in already running and logged in.

    python cancel_race_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe

Steps: an order placed; the race switched on and the order cancelled (the adapter must cancel this order
or refuse — never cancel the order the stand-in slipped in); the same cancel once more, with the grid
left alone; then, apart, a buy at the price the client fills in itself after the code lookup. Each
step reports the exchange's view of both orders. Prints one JSON object on its last
line: {"steps": {name: {ok, ms, detail}}}.
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


def resting_buy() -> OrderRequest:
    """A buy 5 ticks under the last price: it rests in the book, and its price differs from the one the
    client fills in itself after the code lookup (the last price), so this scenario does not depend on
    how order entry treats a field that already holds the typed text (brokers/ths/entry.py ``_fill``,
    docs/wine.md "The cancel race")."""
    q = ctl.call("quote", code="600000")
    return OrderRequest("600000", Side.BUY, 100, Decimal(q["last"]) - Decimal("0.05"))


step = recorder(steps)


def state() -> dict:
    return ctl.call("state")


def books(before: set[str]) -> dict:
    """Every order of the day, cancelable or not; which were placed by the stand-in (not in ``before``)."""
    s = state()
    orders = {e["contract_no"]: e["cancelable"] for e in s["exchange"]["entrusts"]}
    return {
        "cancelable": orders,
        "slipped_in": sorted(set(orders) - before),
        "reorders": s["stats"].get("cancel_reorders", 0),
    }


@step("placed")
def _():
    broker.connect(args.exe)
    assert not broker.fingerprint.problems, broker.fingerprint.problems
    contract_no = broker.place_order(resting_buy()).contract_no
    target["contract_no"] = contract_no
    target["before"] = json.dumps(sorted(books(set())["cancelable"]))
    return {"contract_no": contract_no}


@step("race")
def _():
    before = set(json.loads(target["before"]))
    ctl.call("set", cancel_reorder=1)
    outcome: dict = {"contract_no": target["contract_no"]}
    try:
        broker.cancel(target["contract_no"])
        outcome["result"] = "cancelled"
    except GatewayError as exc:
        outcome["result"] = type(exc).__name__
        outcome["message"] = exc.message
    ctl.call("set", cancel_reorder=0)
    return {**outcome, **books(before)}


@step("again")
def _():
    before = set(json.loads(target["before"]))
    outcome: dict = {"contract_no": target["contract_no"]}
    if books(before)["cancelable"][target["contract_no"]]:
        broker.cancel(target["contract_no"])
        outcome["result"] = "cancelled"
    else:
        outcome["result"] = "already cancelled"
    return {**outcome, **books(before)}


@step("typed_over_the_client_fill")
def _():
    """A buy at the last price, the price the client fills in itself after the lookup: the read-back
    of the typed price must prove the keys landed (entry.py ``_type``), and the order go in at it."""
    last = Decimal(ctl.call("quote", code="600000")["last"])
    contract_no = broker.place_order(OrderRequest("600000", Side.BUY, 100, last)).contract_no
    placed = {e["contract_no"]: e for e in state()["exchange"]["entrusts"]}[contract_no]
    assert Decimal(placed["price"]) == last and placed["quantity"] == 100, placed
    return {"contract_no": contract_no, "price": placed["price"]}


print(json.dumps({"steps": steps}, ensure_ascii=False, default=str))
