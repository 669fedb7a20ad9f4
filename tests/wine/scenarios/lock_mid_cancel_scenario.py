"""Run INSIDE Windows Python under Wine: a workstation lock that lands in the middle of a cancel by 合同编号
(issue 14 "Window state", clients.md row 35), with the real ``Win32Driver`` + ``XiadanBroker``; stand-in
running and logged in.

    python lock_mid_cancel_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht

Two resting twins (same code, price and amount) and the SECOND one cancelled: a selection lost to the
lock leaves the first row selected, and the 撤单 click (a posted message: it lands locked) with a 撤单确认
that cannot tell twins apart would cancel the first. The cancel starts unlocked (the check before any key
passes); the stand-in then locks from inside (``tools/wine/standin/session_lock.py``): after the N-th
key-down its low-level keyboard hook lets through (``session_lock_after_keys``), or as the 撤单确认 comes
up (``session_lock_at_cancel_confirm``). N is counted from the keys the adapter sends from the 撤单 page
shown (``cancel_page.py``): F5 for the read of every code, F5 again for the filtered read, the filter's
clear keys and code (``OrderEntry.write``), then ``{HOME}`` and one ``{DOWN}`` per row above the target,
each sent alone, then the proof copy (Ctrl+C).

Steps (both flavours):
1. ``after_filter``: right after the filter code's last key (every selection key would be lost);
2. ``between_rows``: right after ``{HOME}``, before the ``{DOWN}`` to the target;
3. ``before_copy``: right after the ``{DOWN}``, before the proof copy (its Ctrl+C would be lost);
4. ``at_cancel_confirm``: as the 撤单确认 comes up (answered 否); ht: the session disconnected.

Every step: the cancel raised ``InputLost`` with ``messages.LOCKED_MID_CANCEL``; both twins still open at
the paper exchange; the lock swallowed no key (``keys_lost``) and landed after exactly N
(``keys_before_lock``); the code filter (Edit 3348) the refused cancel left is emptied by the next read
of 可撤 (by WM_SETTEXT while still locked: steps 1, 3, 4; by keys once unlocked: step 2), which lists
both twins; then unlocked the same cancel cancels exactly the target, the twin still open, the filter
empty.
Prints one JSON object on its last line: {"flavour": ..., "steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from lock_helpers import REASONS, key_downs  # noqa: E402
from lock_helpers import unlock as unlock_all  # noqa: E402
from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.brokers.ths.timeouts import Timeouts  # noqa: E402
from ashare_gateway.desktop.driver import literal_keys  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain import messages  # noqa: E402
from ashare_gateway.domain.errors import GatewayError  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="universal")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

# The adapter before the fix (main at 6d72ee1) has no LOCKED_MID_CANCEL: the steps then fail on the text.
MID_CANCEL = getattr(
    messages,
    "LOCKED_MID_CANCEL",
    "工作站在撤单过程中被锁定：{reason}，撤单未执行（请解锁工作站或重新连接远程桌面后再试）",
)
CANCEL_CONFIRM_TITLE, ID_NO = "撤单确认", 7
CODE = "600000"

ctl = Client(args.port)
driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
steps: dict[str, dict] = {}
step = recorder(steps)


def state() -> dict:
    return ctl.call("state")


def orders() -> dict[str, bool]:
    """Every order of the day at the paper exchange: 合同编号 -> still open (cancelable)."""
    return {e["contract_no"]: e["cancelable"] for e in state()["exchange"]["entrusts"]}


def filter_text() -> str:
    """What the 撤单 page's code filter (Edit 3348) holds, by WM_GETTEXT (works locked)."""
    edit = broker.session.find(broker.layout.cancel_filter_id)
    assert edit is not None, "撤单代码筛选框不在"
    return driver.get_text(edit)


def twin_request() -> OrderRequest:
    """10 ticks under the last price at the start, the same for every twin: they rest in the book."""
    last = Decimal(ctl.call("quote", code=CODE)["last"])
    return OrderRequest(CODE, Side.BUY, 100, last - Decimal("0.10"))


def twins() -> tuple[str, str]:
    """Two open twins (the one a step left open, and new ones up to two), in the 撤单 grid's order; the
    撤单 page left shown and read (the count of keys starts there), its filter empty."""
    open_now = [no for no, cancelable in orders().items() if cancelable]
    for _ in range(2 - len(open_now)):
        broker.place_order(TWIN)
    rows = [e.contract_no for e in broker.cancelable_entrusts() if e.code == CODE]
    assert len(rows) == 2, f"not two open twins: {rows}"
    assert filter_text() == "", f"the filter holds {filter_text()!r} before the cancel"
    return rows[0], rows[1]


def refused_then_cancelled(arm: dict, reason: str, *, read_locked: bool = True) -> dict:
    """Arm the lock (``arm``: the stand-in knobs), cancel the second twin: refused mid-way with the
    mid-cancel reason, both twins open, no key swallowed; the filter left is emptied by the next read of
    可撤 (``read_locked``: still locked, by WM_SETTEXT; else unlocked first, by keys), which lists both.
    Then, unlocked, the same cancel cancels exactly the target. A failure says what the adapter did
    instead (what it raised, or that it cancelled) and what the exchange holds."""
    first, target = twins()
    stats = state()["stats"]
    ctl.call("set", **arm)
    wanted = "InputLost: " + MID_CANCEL.format(reason=reason)
    try:
        try:
            broker.cancel(target)
            outcome = "cancelled"
        except GatewayError as exc:
            outcome = f"{type(exc).__name__}: {exc.message}"
        now, left_in_filter, open_now = state(), filter_text(), orders()
        lost = now["stats"]["keys_lost"] - stats["keys_lost"]
        assert open_now[first] and open_now[target], (
            f"cancelled while locked ({outcome}): first {first} open {open_now[first]}, "
            f"target {target} open {open_now[target]}; {lost} keys swallowed"
        )
        assert outcome == wanted, f"{outcome} (both twins still open; {lost} keys swallowed)"
        assert now["session"] in REASONS and REASONS[now["session"]] == reason, now["session"]
        assert not now["open_dialogs"], now["open_dialogs"]
        assert lost == 0, f"keys were sent into the locked session: {lost}"
        if read_locked:
            listed = {e.contract_no for e in broker.cancelable_entrusts()}
            assert filter_text() == "", f"the filter kept {filter_text()!r} after a read while locked"
            assert {first, target} <= listed, f"a read while locked lists {sorted(listed)}"
            assert state()["stats"]["keys_lost"] == now["stats"]["keys_lost"], "the read sent keys"
    finally:
        unlock_all(ctl)
    if not read_locked:
        listed = {e.contract_no for e in broker.cancelable_entrusts()}
        assert filter_text() == "", f"the filter kept {filter_text()!r} after a read"
        assert {first, target} <= listed, f"a read lists {sorted(listed)}"
    broker.cancel(target)
    after = orders()
    assert after[first] and not after[target], (
        f"after unlock: first open {after[first]}, target open {after[target]}"
    )
    assert filter_text() == "", f"the filter kept {filter_text()!r} after the cancel"
    return {
        "message": outcome,
        "first": first,
        "target": target,
        "keys_before_lock": now["stats"]["keys_before_lock"] - stats["keys_before_lock"],
        "keys_lost": lost,
        "filter_when_refused": left_in_filter,
        "filter_emptied": "WM_SETTEXT (locked)" if read_locked else "keys (unlocked)",
        "cancelled_after_unlock": target,
    }


def lock_after_keys(n: int, *, read_locked: bool = True) -> dict:
    """The lock lands right after the N-th key-down of the cancel (counted from the 撤单 page shown)."""
    arm = {"session_lock_after_keys": {"state": "locked", "after": n}}
    result = refused_then_cancelled(arm, REASONS["locked"], read_locked=read_locked)
    landed = result["keys_before_lock"]
    assert landed == n, f"the lock landed after {landed} keys, not {n}"
    return {"after": n, **result}


broker.connect(args.exe)
TWIN = twin_request()
KEYS = broker.layout.keys
# From the 撤单 page shown: F5 (read of every code), F5 (the filtered read), the filter typed into an empty
# edit (clear keys + code, OrderEntry._type), then the selection keys one by one.
FILTER_KEYS = 2 * key_downs(KEYS.refresh) + key_downs(KEYS.clear_edit + literal_keys(CODE))


@step("after_filter")
def _():
    return lock_after_keys(FILTER_KEYS)


@step("between_rows")
def _():
    return lock_after_keys(FILTER_KEYS + key_downs(KEYS.row_first), read_locked=False)


@step("before_copy")
def _():
    return lock_after_keys(FILTER_KEYS + key_downs(KEYS.row_first + KEYS.row_next))


@step("at_cancel_confirm")
def _():
    reason_state = "locked" if args.flavour == "universal" else "disconnected"
    result = refused_then_cancelled({"session_lock_at_cancel_confirm": reason_state}, REASONS[reason_state])
    confirms = [d for d in state()["dialog_log"] if d["title"] == CANCEL_CONFIRM_TITLE]
    assert confirms[-2]["answer"] == ID_NO, confirms[-2:]  # the locked one 否; the last: after unlock
    return result


with contextlib.suppress(Exception):
    unlock_all(ctl)
with contextlib.suppress(Exception):
    broker.exit()
print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
