"""Run INSIDE Windows Python under Wine: a locked workstation / a disconnected RDP session (issue 14
"Window state"), with the real ``Win32Driver`` + ``XiadanBroker``; stand-in already running, logged in.

    python session_lock_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour universal

The stand-in's ``session_lock`` knob (``tools/wine/standin/session_lock.py``) holds the OS switch that
this process's shimmed ``OpenInputDesktop`` / ``WTSQuerySessionInformationW`` read
(``tools/wine/session_shim.py``), swallows keyboard and mouse input with low-level hooks and blacks out the
screen; messages keep working.

universal (typed order fields):
1. ``reported``: the driver reads active, then 工作站已锁定（锁屏）, then 远程会话已断开（连接状态 4）;
2. ``keys_swallowed``: with the lock on, keys sent with SendInput (pywinauto, not through the driver) do
   not reach the code edit and are counted lost; WM_SETTEXT to the same edit still lands;
3. ``order_refused``: an order, locked and then disconnected, is refused before any key with the
   driver's reason; the exchange gets nothing, no key is lost;
4. ``order_refused_new_build``: the same on the newer universal build (WM_SETTEXT ignored: typing is
   the only way into its order edits);
5. ``order_after_unlock``: unlocked, the same order goes through (the lock was the only reason).
ht (message-based reads):
1. ``read_locked``: an order placed unlocked; locked: 当日委托 read (0xE122 by WM_COMMAND) lists it,
   and read again (the page already shown: through another page by messages, not F5);
2. ``cancel_locked``: its cancel (the row selected by keys) is refused before any key, still cancelable;
3. ``captcha_from_dc``: the copy captcha of a read, locked: solved from the control's DC (no screen
   fallback), while a screen grab of the main window is black;
4. ``cancel_all_locked``: 全部撤单 (BM_CLICK + the confirm answered by messages) cancels it, locked.
Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
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

from standin.control import Client  # noqa: E402
from steps import recorder  # noqa: E402

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.brokers.ths.timeouts import Timeouts  # noqa: E402
from ashare_gateway.desktop.waiting import wait_until  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.errors import BrokerUnavailable  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="universal")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

LOCKED = "工作站已锁定（锁屏）"
DISCONNECTED = "远程会话已断开（连接状态 4）"
STATES = {"locked": LOCKED, "disconnected": DISCONNECTED}


class SourceCounter(logging.Handler):
    """The driver's capture log lines: which capture (dc / screen) each captcha read used."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sources: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        source = getattr(record, "capture_source", None)
        if source is not None:
            self.sources.append(str(source))


counter = SourceCounter()
logging.getLogger("ashare_gateway.desktop").addHandler(counter)
logging.getLogger("ashare_gateway.desktop").setLevel(logging.DEBUG)

ctl = Client(args.port)
driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
steps: dict[str, dict] = {}
step = recorder(steps)
kept: dict[str, str] = {}


def state() -> dict:
    return ctl.call("state")


def session(value: str) -> None:
    """The stand-in's knob; the OS switch is on (or off) once the call returns (applied on its GUI thread)."""
    ctl.call("set", session_lock=value)
    assert state()["session"] == value, state()["session"]


def resting_buy() -> OrderRequest:
    """5 ticks under the last price: it rests, and differs from the price the client fills in itself."""
    q = ctl.call("quote", code="600000")
    return OrderRequest("600000", Side.BUY, 100, Decimal(q["last"]) - Decimal("0.05"))


def orders() -> dict[str, bool]:
    return {e["contract_no"]: e["cancelable"] for e in state()["exchange"]["entrusts"]}


def refused(call, action: str, reason: str) -> str:
    try:
        call()
    except BrokerUnavailable as exc:
        assert exc.message.startswith(f"{reason}：按键无法送达客户端，{action}未执行"), exc.message
        return exc.message
    raise AssertionError(f"{action} was not refused while the session was {reason}")


broker.connect(args.exe)

if args.flavour == "universal":

    @step("reported")
    def _():
        seen = {"active": driver.session_locked()}
        for value, reason in STATES.items():
            session(value)
            seen[value] = driver.session_locked()
            assert seen[value] == reason, seen
            assert broker.client_state().locked == reason
        session("")
        seen["unlocked"] = driver.session_locked()
        assert seen["active"] is None and seen["unlocked"] is None, seen
        return seen

    @step("keys_swallowed")
    def _():
        from pywinauto import keyboard

        ids = broker.layout.order
        edit = broker.session.navigate("buy", ids.code)  # WM_COMMAND: works locked or not
        driver.set_text(edit, "")
        session("locked")
        try:
            before = state()["stats"]["keys_lost"]
            driver._focus(edit)
            keyboard.send_keys("600000", pause=0)  # SendInput, as the driver's type_keys would
            # 6 keys down and up: the hook sees all 12 events (Wine hands them to it asynchronously).
            wait_until(lambda: state()["stats"]["keys_lost"] >= before + 12, timeout=10, what="按键被吞掉")
            typed = driver.get_text(edit)
            assert typed == "", f"typed keys reached the code edit while locked: {typed!r}"
            driver.set_text(edit, "600000")  # a sent message: not input, it lands
            assert driver.get_text(edit) == "600000", driver.get_text(edit)
            lost = state()["stats"]["keys_lost"] - before
        finally:
            driver.set_text(edit, "")
            session("")
        return {"keys_lost": lost, "typed": typed}

    @step("order_refused")
    def _():
        before, lost = orders(), state()["stats"]["keys_lost"]
        messages = {}
        for value, reason in STATES.items():
            session(value)
            try:
                messages[value] = refused(lambda: broker.place_order(resting_buy()), "委托", reason)
            finally:
                session("")
        after = state()["stats"]
        assert orders() == before, (before, orders())
        assert after["keys_lost"] == lost, (
            f"keys were sent into the locked session: {after['keys_lost'] - lost}"
        )
        return messages

    @step("order_refused_new_build")
    def _():
        """The newer universal build (easytrader #447/#449: WM_SETTEXT ignored in the order edits), where
        typing is the only way in: refused the same way, before any key."""
        before, lost = orders(), state()["stats"]["keys_lost"]
        ctl.call("set", settext_ignored=True)
        session("locked")
        try:
            message = refused(lambda: broker.place_order(resting_buy()), "委托", LOCKED)
        finally:
            session("")
            ctl.call("set", settext_ignored=None)
        assert orders() == before, (before, orders())
        assert state()["stats"]["keys_lost"] == lost, "keys were sent into the locked session"
        return message

    @step("order_after_unlock")
    def _():
        before = orders()
        ack = broker.place_order(resting_buy())
        assert set(orders()) - set(before) == {ack.contract_no}, (before, orders())
        return {"contract_no": ack.contract_no}

else:

    @step("read_locked")
    def _():
        ack = broker.place_order(resting_buy())
        kept["contract_no"] = ack.contract_no
        session("locked")
        lost = state()["stats"]["keys_lost"]
        rows = broker.today_entrusts()
        assert ack.contract_no in [e.contract_no for e in rows], rows
        again = broker.today_entrusts()  # the page already shown: afresh by another page, not F5
        assert [e.contract_no for e in again] == [e.contract_no for e in rows], (rows, again)
        assert state()["stats"]["keys_lost"] == lost, "the read sent keys"
        return {"rows": len(rows)}

    @step("cancel_locked")
    def _():
        contract_no = kept["contract_no"]
        message = refused(lambda: broker.cancel(contract_no), "撤单", LOCKED)
        assert orders()[contract_no], "cancelled although refused"
        return message

    @step("captcha_from_dc")
    def _():
        from pywinauto.controls.hwndwrapper import HwndWrapper

        main = broker.session.main
        grabs: list[tuple] = []

        def black() -> bool:
            # A window the driver activated can come over the black one on the X screen for a moment
            # (no window manager); the stand-in puts it back on top every 50 ms.
            grabs.append(HwndWrapper(main).capture_as_image().convert("RGB").getextrema())
            return grabs[-1] == ((0, 0), (0, 0), (0, 0))

        wait_until(black, timeout=5, what="主窗口的屏幕截图全黑")
        del counter.sources[:]
        ctl.call("set", captcha="always")
        try:
            before = state()["stats"]
            rows = broker.today_entrusts()
            after = state()["stats"]
        finally:
            ctl.call("set", captcha="off")
        assert after["captcha_ok"] == before["captcha_ok"] + 1, (before, after)
        assert counter.sources and set(counter.sources) == {"dc"}, counter.sources
        return {
            "rows": len(rows),
            "grabs_until_black": len(grabs),
            "sources": list(counter.sources),
            "wrong": after["captcha_wrong"] - before["captcha_wrong"],
        }

    @step("cancel_all_locked")
    def _():
        contract_no = kept["contract_no"]
        count = broker.cancel_all()
        assert count >= 1 and not orders()[contract_no], (count, orders())
        return {"cancelled": count}

    session("")

with contextlib.suppress(Exception):
    broker.exit()
print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
