"""Run INSIDE Windows Python under Wine: a workstation lock that lands in the middle of a hexin flash order
(issue 14 "Window state", clients.md row 35), with the real ``VirtualKeyWin32Driver`` + ``HexinBroker``
against the hexin stand-in (no trading client: a flash order needs none).

    python hexin_lock_scenario.py --port CONTROL_PORT --exe C:\\同花顺软件\\同花顺\\hexin.exe --version 8

The order starts unlocked (``require_input`` passes); the stand-in then locks from inside, as a real lock
arrives (``tools/wine/standin/session_lock.py``, the xiadan stand-in's ``SessionLock`` in ``hexin_app``):
``session_lock_after_keys`` lets N key-downs through its low-level keyboard hook and locks right after the
N-th (OS switch, input swallowed, screen black); ``session_lock_at_confirm`` locks as the flash order's
委托确认 comes up. N is counted from what the adapter sends (``flash.py``): the quick keys ``21{ENTER}`` by
``press_keys`` (3 key-downs), then ``^a`` + the code by ``type_keys`` (2 + 6); price and amount go by
``WM_SETTEXT`` and 1006 by ``BM_CLICK`` (no keys).

1. ``after_quick_keys``: the lock lands right after the quick keys' Enter (the dialog opens; refused
   before the code is typed);
2. ``after_code``: right after the code's last key (the lookup runs; refused before the price is written);
3. ``at_confirm``: as the 委托确认 comes up (answered 否).

Every step: ``InputLost`` with the mid-order reason, the paper exchange got no order, no key went into
the locked session (``keys_lost`` 0), the screen is black, the flash dialog is gone (the adapter closes it
by its 取消, a click that lands locked); then unlocked, the same order goes through.
Prints one JSON object on its last line: {"version": ..., "steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from lock_helpers import key_downs, screen_black  # noqa: E402
from lock_helpers import resting_buy as rest  # noqa: E402
from lock_helpers import unlock as unlock_all  # noqa: E402
from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.hexin.adapter import HexinBroker  # noqa: E402
from ashare_gateway.desktop.waiting import wait_until  # noqa: E402
from ashare_gateway.desktop.win32_vk import VirtualKeyWin32Driver  # noqa: E402
from ashare_gateway.domain import messages  # noqa: E402
from ashare_gateway.domain.errors import GatewayError  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", required=True)
parser.add_argument("--version", default="8")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

REASON = "工作站已锁定（锁屏）"
WANTED = "InputLost: " + messages.LOCKED_MID_ORDER.format(reason=REASON)
CONFIRM_TITLE, ID_NO = "委托确认", 7
CODE = "600000"

ctl = Client(args.port)
driver = VirtualKeyWin32Driver()
broker = HexinBroker(driver)
steps: dict[str, dict] = {}
step = recorder(steps)


def state() -> dict:
    return ctl.call("state")


def orders() -> set[str]:
    return {e["contract_no"] for e in state()["exchange"]["entrusts"]}


def flash_windows() -> list:
    return [x for x in driver.top_windows() if x.class_name == "#32770" and x.owner == broker.main]


def refused_then_placed(request: OrderRequest, *, mid_field: bool = False) -> dict:
    """The order refused mid-way with the mid-order reason, nothing at the exchange, no key swallowed, the
    flash dialog gone; then, unlocked, the same order goes through. A failure says what the adapter did
    instead (the class and text it raised, or the 合同编号 it got) and what the exchange got."""
    before, stats = orders(), state()["stats"]
    try:
        try:
            outcome = f"placed {broker.place_order(request).contract_no}"
        except GatewayError as exc:
            outcome = f"{type(exc).__name__}: {exc.message}"
        now = state()
        sent = orders() - before
        assert not sent, f"the exchange got {sorted(sent)} while the desktop was locked ({outcome})"
        assert outcome == WANTED, f"{outcome} (the exchange got nothing)"
        assert now["session"] == "locked", now["session"]
        lost = now["stats"]["keys_lost"] - stats["keys_lost"]
        if mid_field:  # the rest of the code, already sent when the lock landed, went nowhere
            assert lost > 0, "the lock landed mid-code, yet no key was swallowed"
        else:
            assert lost == 0, f"keys were sent into the locked session: {lost}"
        assert not now["open_dialogs"], now["open_dialogs"]
        # The adapter closes the dialog on the way out by its 取消 (BM_CLICK lands locked).
        wait_until(lambda: not flash_windows(), timeout=5, what="闪电下单对话框关闭")
        assert state()["flash"] is None, state()["flash"]
        grabs = screen_black(broker.main)
    finally:
        unlock_all(ctl, ("session_lock_after_keys", "session_lock_at_confirm"))
    ack = broker.place_order(request)
    assert orders() - before == {ack.contract_no}, (before, orders())
    assert not flash_windows(), flash_windows()
    after = now["stats"]
    return {
        "message": outcome,
        "keys_before_lock": after["keys_before_lock"] - stats["keys_before_lock"],
        "keys_lost": after["keys_lost"] - stats["keys_lost"],
        "flash_dialog": "closed by the adapter (取消)",
        "grabs_until_black": grabs,
        "placed_after_unlock": ack.contract_no,
    }


def lock_after_keys(n: int, *, mid_field: bool = False) -> dict:
    """Arm the stand-in's lock for the N-th key-down from now, place the order, check the outcome."""
    request = rest(ctl, CODE)
    ctl.call("set", session_lock_after_keys={"state": "locked", "after": n})
    armed = state()
    assert armed["session"] == "" and armed["config"]["session_lock_after_keys"]["after"] == n, armed
    result = refused_then_placed(request, mid_field=mid_field)
    landed = result["keys_before_lock"]
    assert landed == n, f"the lock landed after {landed} keys, not {n}"
    return {"after": n, **result}


broker.connect(args.exe)
QUICK_KEYS = key_downs(broker.layout.quick_keys[Side.BUY])
CODE_KEYS = key_downs("^a" + CODE)  # FlashOrders._fill: select-all, then the code


@step("after_quick_keys")
def _():
    return lock_after_keys(QUICK_KEYS)


@step("mid_code")
def _():
    """The lock lands after the third digit: the rest of the code is swallowed, so it never reads back;
    the lock is the answer, not a timeout (FlashOrders._wait_typed)."""
    return lock_after_keys(QUICK_KEYS + key_downs("^a") + 3, mid_field=True)


@step("after_code")
def _():
    return lock_after_keys(QUICK_KEYS + CODE_KEYS)


@step("at_confirm")
def _():
    request = rest(ctl, CODE)
    ctl.call("set", session_lock_at_confirm="locked")
    result = refused_then_placed(request)
    confirms = [d for d in state()["dialog_log"] if d["title"] == CONFIRM_TITLE]
    assert confirms[-2]["answer"] == ID_NO, confirms[-2:]  # the locked one 否; the last: after unlock
    return result


with contextlib.suppress(Exception):
    unlock_all(ctl, ("session_lock_after_keys", "session_lock_at_confirm"))
with contextlib.suppress(Exception):
    broker.exit()
print(json.dumps({"version": args.version, "steps": steps}, ensure_ascii=True, default=str))
