"""Run INSIDE Windows Python under Wine: the xiadan adapter + ``Win32Driver`` against a *busy* stand-in
(``key_lag_ms``: its login and order edits take that long over every key, so typed keys queue for real and
read-backs are answered between them; clients.md row 34):

    python queued_keys_scenario.py --port CONTROL_PORT --exe C:\\htwt\\xiadan.exe --step saved_login

One step per run (each against its own stand-in, so that one failing does not take the other with it):

1. ``saved_login``: the login window shows a saved account equal to ours and a saved password and
   通讯密码 of the same length as ours (editable): the login must go through with *our* passwords;
2. ``code_left``: an order the broker refuses leaves its code on the page; the next order for the same
   code must go in with its own price and amount, as the paper exchange's own books show.
Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.base import Credentials  # noqa: E402
from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.brokers.ths.timeouts import Timeouts  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.errors import OrderRejected  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htwt\xiadan.exe")
parser.add_argument("--flavour", default="ht")
parser.add_argument("--step", choices=["saved_login", "code_left"], required=True)
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
ctl = Client(args.port)
steps: dict[str, dict] = {}
step = recorder(steps)


def saved_login():
    broker.login(Credentials("demo", "demo", "demo", exe_path=args.exe))
    ctl.wait_ready(30)
    assert ctl.call("state")["logged_in"], "not logged in"
    return "logged in with our passwords over the saved ones"


def code_left():
    broker.connect(args.exe)  # the stand-in started logged in
    last = Decimal(ctl.call("quote", code="600000")["last"])
    try:
        broker.place_order(OrderRequest("600000", Side.BUY, 900_000, last - Decimal("0.05")))
        raise AssertionError("an order beyond the cash was not refused")
    except OrderRejected:
        pass
    price = last - Decimal("0.07")
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 200, price))
    placed = {e["contract_no"]: e for e in ctl.call("state")["exchange"]["entrusts"]}[ack.contract_no]
    got = (placed["code"], Decimal(placed["price"]), placed["quantity"])
    assert got == ("600000", price, 200), got
    return {"contract_no": ack.contract_no, "price": str(price)}


step(args.step)(saved_login if args.step == "saved_login" else code_left)
broker.exit()
print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
