"""Run INSIDE Windows Python under Wine: the connect-time fingerprint (brokers/ths/fingerprint.py) with
the real ``Win32Driver`` + ``XiadanBroker`` against the stand-in, already running and logged in.

    python fingerprint_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht

Steps: connect (fingerprint of a matching client, timed; settings from the xiadan.ini the test wrote);
精简模式 switched on → connect again → an order refused, the exchange's books unchanged; 精简模式 off →
connect → the order goes in. Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.client_check import ClientMismatch  # noqa: E402
from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="ht")
args = parser.parse_args()

ctl = Client(args.port)
broker = XiadanBroker(Win32Driver(), args.flavour)
steps: dict[str, dict] = {}


step = recorder(steps)


def orders() -> int:
    return len(ctl.call("state")["exchange"]["entrusts"])


def buy() -> OrderRequest:
    q = ctl.call("quote", code="600000")
    return OrderRequest("600000", Side.BUY, 100, Decimal(q["bid1"] or q["last"]))


@step("fingerprint_ok")
def _():
    broker.connect(args.exe)
    report = broker.client_report()
    fp = report["fingerprint"]
    assert fp["ok"], fp["problems"]
    return {
        "seconds": fp["seconds"],
        "pages": fp["checked_pages"],
        "settings": report["settings"],
        "source": report["settings_source"],
    }


@step("fingerprint_again")
def _():
    t0 = time.perf_counter()
    broker.connect(args.exe)
    return {"seconds": broker.fingerprint.seconds, "connect_ms": round((time.perf_counter() - t0) * 1000, 1)}


@step("compact_refused")
def _():
    ctl.call("set", compact=True)
    before = orders()
    broker.connect(args.exe)
    fp = broker.fingerprint
    assert fp.compact, fp.problems
    try:
        broker.place_order(buy())
    except ClientMismatch as exc:
        message = exc.message
    else:
        raise AssertionError("an order went through in 精简模式")
    assert orders() == before, "the exchange got an order"
    return {"message": message, "seconds": fp.seconds}


@step("compact_left")
def _():
    ctl.call("set", compact=False)
    broker.connect(args.exe)
    assert broker.fingerprint.problems == (), broker.fingerprint.problems
    before = orders()
    ack = broker.place_order(buy())
    assert orders() == before + 1
    return {"contract_no": ack.contract_no}


print(json.dumps({"steps": steps}, ensure_ascii=False, default=str))
