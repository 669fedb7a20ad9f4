"""Run INSIDE Windows Python under Wine: a workstation lock that lands in the middle of an order (issue 14
"Window state", clients.md row 35), with the real ``Win32Driver`` + ``XiadanBroker``; stand-in running.

    python lock_mid_order_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht

The order starts unlocked (the check before any key passes); the stand-in then locks from inside, as a
real lock arrives (``tools/wine/standin/session_lock.py``): ``session_lock_after_keys`` lets N key-downs
through its low-level keyboard hook and locks right after the N-th (OS switch, input swallowed, screen
black); ``session_lock_at_confirm`` locks as the 委托确认 comes up. N is counted from the keys the
adapter sends for each field (``clear_edit`` + the text, ``entry.py``), the order edits emptied first.

Every step: the order is refused with the mid-order reason (``InputLost``, ``messages.LOCKED_MID_ORDER``),
the paper exchange got no order, then unlocked the same order goes through.

universal (code by WM_SETTEXT, price and amount typed):
1. ``price_started``: the lock lands after the first key of the price (the rest of it swallowed);
2. ``mid_price``: after the clear keys and two characters of the price (a half-typed price);
3. ``after_price``: right after the price's last key (refused before the amount, no key lost);
4. ``at_confirm``: as the 委托确认 comes up (answered 否).
ht (code typed too):
1. ``after_code``: right after the code's last key (the lookup runs; refused before the price);
2. ``after_price``: right after the price's last key;
3. ``at_confirm``: as the 委托确认 comes up, the session disconnected this time (answered 否).
Prints one JSON object on its last line: {"flavour": ..., "steps": {name: {ok, ms, detail}}}.
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

from lock_helpers import REASONS, key_downs, screen_black  # noqa: E402
from lock_helpers import resting_buy as rest  # noqa: E402
from lock_helpers import unlock as unlock_all  # noqa: E402
from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.brokers.ths.timeouts import Timeouts  # noqa: E402
from ashare_gateway.desktop.driver import literal_keys  # noqa: E402
from ashare_gateway.desktop.waiting import wait_until  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain import messages  # noqa: E402
from ashare_gateway.domain.errors import GatewayError  # noqa: E402
from ashare_gateway.domain.models import OrderRequest  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="universal")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

# The adapter before the fix (main at abff536) has no LOCKED_MID_ORDER: the steps then fail on the text.
MID_ORDER = getattr(messages, "LOCKED_MID_ORDER", "工作站在下单过程中被锁定：{reason}，委托未执行")
CONFIRM_TITLE, ID_NO = "委托确认", 7
TRIGGERS = ("session_lock_after_keys", "session_lock_at_confirm")  # what this scenario arms

ctl = Client(args.port)
driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
steps: dict[str, dict] = {}
step = recorder(steps)


def state() -> dict:
    return ctl.call("state")


def field_keys(text: str) -> int:
    """The key-downs of one typed field: the clear keys, then the text (``OrderEntry._type``)."""
    return key_downs(broker.layout.keys.clear_edit + literal_keys(text))


def orders() -> dict[str, bool]:
    return {e["contract_no"]: e["cancelable"] for e in state()["exchange"]["entrusts"]}


def empty_order_page() -> None:
    """The buy page's edits emptied by WM_SETTEXT (both builds here honour it): the keys counted start
    from a known page (an empty code edit gets no clear keys of its own)."""
    ids = broker.layout.order
    broker.session.navigate("buy", ids.code)
    for cid in (ids.code, ids.price, ids.amount):
        driver.set_text(broker.session.control(cid, "委托输入框"), "")
    name = broker.session.control(ids.name, "证券名称")
    wait_until(lambda: not driver.get_text(name).strip(), timeout=5, what="证券名称清空")


def order_fields() -> dict[str, str]:
    """What the buy page's edits hold (read by WM_GETTEXT: works locked)."""
    ids = broker.layout.order
    wanted = {"code": ids.code, "price": ids.price, "amount": ids.amount}
    return {what: driver.get_text(broker.session.control(cid, "委托输入框")) for what, cid in wanted.items()}


def refused_then_placed(request: OrderRequest, reason: str) -> dict:
    """The order refused mid-way with the mid-order reason, nothing at the exchange; then, unlocked, the
    same order goes through. The stand-in's counters say what the lock swallowed. A failure says what the
    adapter did instead (the class and text it raised, or the 合同编号 it got) and what the exchange got."""
    before, stats = orders(), state()["stats"]
    wanted = "InputLost: " + MID_ORDER.format(reason=reason)
    try:
        try:
            outcome = f"placed {broker.place_order(request).contract_no}"
        except GatewayError as exc:
            outcome = f"{type(exc).__name__}: {exc.message}"
        now, fields = state(), order_fields()
        sent = set(orders()) - set(before)
        assert not sent, f"the exchange got {sorted(sent)} while the desktop was locked ({outcome})"
        assert outcome == wanted, f"{outcome} (the exchange got nothing)"
        assert now["session"] in REASONS and REASONS[now["session"]] == reason, now["session"]
        assert not now["open_dialogs"], now["open_dialogs"]
        grabs = screen_black(broker.session.main)
    finally:
        unlock_all(ctl, TRIGGERS)
    ack = broker.place_order(request)
    assert set(orders()) - set(before) == {ack.contract_no}, (before, orders())
    after = now["stats"]
    return {
        "message": outcome,
        "keys_before_lock": after["keys_before_lock"] - stats["keys_before_lock"],
        "keys_lost": after["keys_lost"] - stats["keys_lost"],
        "fields_when_refused": fields,
        "grabs_until_black": grabs,
        "placed_after_unlock": ack.contract_no,
    }


def no_key_lost(result: dict) -> None:
    assert result["keys_lost"] == 0, f"keys were sent into the locked session: {result['keys_lost']}"


def lock_after_keys(n: int, *, mid_field: bool = False) -> dict:
    """Arm the stand-in's lock for the N-th key-down from now, place the order, check the outcome. A lock
    ``mid_field`` swallows the rest of the field's keys; one between fields, none (nothing typed after it)."""
    request = rest(ctl)
    empty_order_page()
    ctl.call("set", session_lock_after_keys={"state": "locked", "after": n})
    armed = state()
    assert armed["session"] == "" and armed["config"]["session_lock_after_keys"]["after"] == n, armed
    result = refused_then_placed(request, REASONS["locked"])
    assert result["keys_before_lock"] == n, (
        f"the lock landed after {result['keys_before_lock']} keys, not {n}"
    )
    if mid_field:
        assert result["keys_lost"] > 0, "no key of the price was swallowed"
    else:
        no_key_lost(result)
    return {"after": n, **result}


def lock_at_confirm(reason_state: str) -> dict:
    request = rest(ctl)
    empty_order_page()
    ctl.call("set", session_lock_at_confirm=reason_state)
    result = refused_then_placed(request, REASONS[reason_state])
    confirms = [d for d in state()["dialog_log"] if d["title"] == CONFIRM_TITLE]
    assert confirms[-2]["answer"] == ID_NO, confirms[-2:]  # the locked one 否; the last: after unlock
    no_key_lost(result)
    return result


def price_keys(request: OrderRequest) -> int:
    return field_keys(f"{request.price:.2f}")


broker.connect(args.exe)
CODE_KEYS = field_keys("600000") if broker.layout.code_entry == "type" else 0

if args.flavour == "universal":

    @step("price_started")
    def _():
        return lock_after_keys(CODE_KEYS + 1, mid_field=True)

    @step("mid_price")
    def _():
        return lock_after_keys(CODE_KEYS + key_downs(broker.layout.keys.clear_edit) + 2, mid_field=True)

else:

    @step("after_code")
    def _():
        return lock_after_keys(CODE_KEYS)


@step("after_price")
def _():
    return lock_after_keys(CODE_KEYS + price_keys(rest(ctl)))


@step("at_confirm")
def _():
    return lock_at_confirm("locked" if args.flavour == "universal" else "disconnected")


with contextlib.suppress(Exception):
    unlock_all(ctl, TRIGGERS)
with contextlib.suppress(Exception):
    broker.exit()
print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
