"""Run INSIDE Windows Python under Wine: the project's xiadan adapter + ``Win32Driver`` against the stand-in
for the IPO and login variants of issue 14 (h32):

    python ipo_login_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour universal

1. ``login_captcha``: the login window has a captcha (0x5db/0x3eb) and refuses the first answer;
2. ``ipo_quota``: 批量新股申购 lists an issue without quota; after 全选 it must be unticked (a posted click
   on its check cell) and never applied for, as the paper exchange's own books show;
3. ``saved_password``: the client started again with the saved password in a disabled edit; the
   credentials carry no password, the adapter types only the account.
Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.base import Credentials  # noqa: E402
from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.brokers.ths.timeouts import Timeouts  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="universal")
parser.add_argument("--user", default="shonly")
parser.add_argument("--password", default="sh-pass")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

driver = Win32Driver()
# The stand-in builds a fresh paper exchange at start (tens of seconds on a loaded machine).
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
ctl = Client(args.port)
steps: dict[str, dict] = {}


step = recorder(steps)


def stats() -> dict:
    return ctl.call("state")["stats"]


def close_client() -> None:
    broker.exit()
    deadline = time.monotonic() + 10
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)


@step("login_captcha")
def _():
    info = broker.login(Credentials(args.user, args.password, None, exe_path=args.exe))
    ctl.wait_ready(30)
    s = stats()
    assert ctl.call("state")["logged_in"], "not logged in"
    assert s.get("login_captcha_wrong") == 1 and s.get("login_captcha_ok") == 1, s
    return {"title": info.main_window_title, "wrong": s.get("login_captcha_wrong")}


@step("ipo_quota")
def _():
    result = broker.auto_ipo()
    booked = ctl.call("state")["exchange"]["ipo"]
    applied = sorted(a.code for a in result.applied)
    assert [r["code"] for r in booked] == applied == ["787001"], (booked, result)
    assert [(s.code, s.reason) for s in result.skipped] == [("001366", "无申购额度")], result.skipped
    s = stats()
    assert s.get("ipo_without_quota", 0) == 0 and s.get("ipo_ticks") == 1, s
    return {"applied": applied, "skipped": [s.code for s in result.skipped]}


@step("saved_password")
def _():
    close_client()
    config_path = os.path.join(os.path.dirname(args.exe), "standin.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config.update(login_captcha=False, login_saved_password=True)
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    broker.login(Credentials(args.user, "", None, exe_path=args.exe))  # no password: the client keeps it
    ctl.wait_ready(30)
    assert ctl.call("state")["logged_in"], "not logged in"
    close_client()
    return "logged in with the saved password"


print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
