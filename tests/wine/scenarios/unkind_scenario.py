"""Run INSIDE Windows Python under Wine: the project's xiadan adapter + ``Win32Driver`` against the
*unkind* stand-in, one step per behaviour of the real clients that issue 14 lists, in the order of the
money at risk.

    python unkind_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe --flavour ht [--only a,b]

The stand-in shows the real 撤单确认 (code/price/amount, no 合同编号) throughout; each step switches its own
behaviour on through the control port, does what a user of the gateway would, checks the outcome against
the paper exchange's own books, and switches it off again; the last one starts the client again with
the login button of other builds ("确定(Y)"/"登录(Y)").
Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from decimal import ROUND_DOWN, ROUND_UP, Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from steps import run_step  # noqa: E402

from ashare_gateway.brokers.base import Credentials  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="ht")
parser.add_argument("--comm", default="demo")
parser.add_argument("--only", default="", help="comma-separated step names (default: all)")
parser.add_argument("--login-button", default="登录(Y)", help="the login button text for the re-login step")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

steps: dict[str, dict] = {}
only = {s for s in args.only.split(",") if s}
aborted = False

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402

driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour)
ctl = Client(args.port)
TICK = Decimal("0.01")


def step(name: str, required: bool = False, **quirks: object):
    """Run the step with the stand-in's ``quirks`` switched on, and off again afterwards."""

    def deco(fn):
        global aborted
        if aborted or (only and name not in only and name != "login"):
            return fn
        before = ctl.call("state")["config"] if quirks else {}

        def body() -> object:
            if quirks:
                ctl.call("set", **quirks)
            return fn()

        try:
            if not run_step(steps, name, body) and required:
                aborted = True
        finally:
            if quirks:
                with contextlib.suppress(Exception):
                    ctl.call("set", **{k: before.get(k) for k in quirks})
            if name != "login":
                with contextlib.suppress(Exception):
                    settle()
        return fn

    return deco


def settle() -> None:
    """Leave no pop-up or stray behind for the next step (a failed step may leave one open)."""
    ctl.call("stray", kind="clear")
    with contextlib.suppress(Exception):
        while broker.has_pop_dialog():
            if not broker.close_pop_dialog():
                break


def truth() -> dict:
    return ctl.call("state")["exchange"]


def quote(code: str) -> dict:
    return ctl.call("quote", code=code)


def marketable(code: str, side: Side) -> Decimal:
    q = quote(code)
    if side is Side.BUY:
        return (Decimal(q["ask1"] or q["last"]) * Decimal("1.005")).quantize(TICK, ROUND_UP)
    return (Decimal(q["bid1"] or q["last"]) * Decimal("0.995")).quantize(TICK, ROUND_DOWN)


def resting(code: str, ticks_below: int = 0) -> Decimal:
    """A buy price that rests: 1.5% under the bid (inside the price cage), ``ticks_below`` lower still."""
    q = quote(code)
    base = (Decimal(q["bid1"] or q["last"]) * Decimal("0.985")).quantize(TICK, ROUND_DOWN)
    return base - TICK * ticks_below


def holdings() -> dict[str, int]:
    return {p["code"]: p["quantity"] for p in truth()["positions"]}


def entrust(contract_no: str) -> dict:
    return next(e for e in truth()["entrusts"] if e["contract_no"] == contract_no)


def open_orders() -> list[dict]:
    return [e for e in truth()["entrusts"] if e["cancelable"]]


def cancel_everything() -> None:
    """Clear the books between steps through the exchange's view (not the adapter under test)."""
    if open_orders():
        broker.cancel_all()


# --------------------------------------------------------------------------------------------------
@step("login", required=True)
def _():
    info = broker.login(Credentials("demo", "demo", args.comm or None, exe_path=args.exe))
    ctl.wait_ready(30)
    assert info.account == "demo", info
    return {"title": info.main_window_title}


@step("cancel_by_contract_no")
def _():
    """Three resting buys, two of them the same code: cancel the middle one by its 合同编号. The real
    撤单确认 shows code, price and amount, never a 合同编号: only that one order may go."""
    acks = [
        broker.place_order(OrderRequest("000858", Side.BUY, 100, price=resting("000858"))),
        broker.place_order(OrderRequest("000858", Side.BUY, 200, price=resting("000858", 2))),
        broker.place_order(OrderRequest("600000", Side.BUY, 100, price=resting("600000"))),
    ]
    target = acks[1].contract_no
    broker.cancel(target)
    assert not entrust(target)["cancelable"], entrust(target)
    still = [a.contract_no for a in acks if entrust(a.contract_no)["cancelable"]]
    assert still == [acks[0].contract_no, acks[2].contract_no], (still, [a.contract_no for a in acks])
    confirms = [d for d in ctl.call("state")["dialog_log"] if d["title"] == "撤单确认"]
    assert confirms and "合同编号" not in confirms[-1]["text"], confirms[-1:]
    cancel_everything()
    return {"cancelled": target, "kept": still}


@step("cancel_all_count")
def _():
    for code, n in (("000858", 0), ("000858", 1), ("600000", 0)):
        broker.place_order(OrderRequest(code, Side.BUY, 100, price=resting(code, n)))
    before = len(open_orders())
    n = broker.cancel_all()
    assert n == before and not open_orders(), (n, before, open_orders())
    return {"cancelled": n}


@step("order_fields_typed", settext_ignored=True, edit_ctrl_a=False)
def _():
    """WM_SETTEXT ignored by the order edits (newer universal builds): only typed keys change them."""
    price = resting("600000", 3)
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 300, price=price))
    e = entrust(ack.contract_no)
    assert (e["code"], Decimal(e["price"]), e["quantity"]) == ("600000", price, 300), e
    cancel_everything()
    return {
        "contract_no": ack.contract_no,
        "price": str(price),
        "ignored": ctl.call("state")["stats"]["settext_ignored"],
    }


@step("no_result_popups", result_popups=False)
def _():
    """The 提示 after an order or a cancel is a client setting; without it the 合同编号 is in 当日委托."""
    shown = ctl.call("state")["stats"]["results_shown"]
    ack = broker.place_order(OrderRequest("000858", Side.BUY, 400, price=resting("000858", 4)))
    newest = max(truth()["entrusts"], key=lambda e: int(e["contract_no"]))
    assert ack.contract_no == newest["contract_no"], (ack, newest)
    broker.cancel(ack.contract_no)
    assert not entrust(ack.contract_no)["cancelable"]
    stats = ctl.call("state")["stats"]
    assert stats["results_shown"] == shown and stats["results_skipped"] >= 2, stats
    return {"contract_no": ack.contract_no, "results_skipped": stats["results_skipped"]}


@step("nested_grid_read", grid_nesting=True)
def _():
    """The page's grid is CVirtualGridCtrl 1047 inside 200 inside another 1047 (search by class)."""
    got = {p.code: p.quantity for p in broker.positions()}
    assert got == holdings(), (got, holdings())
    return got


@step("ctrl_read_async", ctrl_lag_ms=60)
def _():
    """Ctrl read with GetAsyncKeyState, late: Ctrl+A/Ctrl+C sent with no pause are lost."""
    es = broker.today_entrusts()
    assert len(es) == len(truth()["entrusts"]), (len(es), len(truth()["entrusts"]))
    return {"rows": len(es), "keys_lost": ctl.call("state")["stats"]["copy_keys_lost"]}


@step("copy_refused_save_as", copy_refused=True)
def _():
    """This build refuses to copy (keys and 0xE122): save-as, Vista-style (no 1152), within one read."""
    before = ctl.call("state")["stats"]
    got = {p.code: p.quantity for p in broker.positions()}
    after = ctl.call("state")["stats"]
    assert got == holdings(), (got, holdings())
    assert after["saves"] == before["saves"] + 1, (before, after)
    return {"positions": got, "refused": after["copy_refused"] - before["copy_refused"]}


@step("ime_eats_first_copy", copy_command_ignored=True, ime_eats_copy=1)
def _():
    """0xE122 does nothing on this grid, so the read goes by keys, and the IME eats the first Ctrl+C
    (xiadan-gateway position_service.py:46-115): the copy that produced nothing is sent again."""
    broker.grids.forget_preference()  # from 0xE122 (a step before may have left save-as the way first)
    before = ctl.call("state")["stats"]
    try:
        got = {p.code: p.quantity for p in broker.positions()}
    finally:
        broker.grids.forget_preference()  # the next steps start from 0xE122 again
    after = ctl.call("state")["stats"]
    assert got == holdings(), (got, holdings())
    eaten = after["ime_ate_copy"] - before["ime_ate_copy"]
    ignored = after["copy_command_ignored"] - before["copy_command_ignored"]
    assert eaten == 1 and ignored >= 1, (before, after)
    copies = after["copies"] - before["copies"]
    assert copies >= 1, (before, after)  # the re-sent Ctrl+C got through
    return {"positions": got, "ime_ate_copy": eaten, "copy_command_ignored": ignored, "copies": copies}


@step("async_page_switch", async_switch_ms=150)
def _():
    """A WM_COMMAND page switch lands late and buy/sell share IDs: a buy then a sell must not swap."""
    buy = broker.place_order(OrderRequest("000001", Side.BUY, 100, price=marketable("000001", Side.BUY)))
    sell = broker.place_order(OrderRequest("000001", Side.SELL, 100, price=marketable("000001", Side.SELL)))
    sides = (entrust(buy.contract_no)["side"], entrust(sell.contract_no)["side"])
    assert sides == ("buy", "sell"), sides
    return {"buy": buy.contract_no, "sell": sell.contract_no}


@step("async_cancel", async_switch_ms=150)
def _():
    """The 撤单 page already on screen is refreshed with F5, never switched to again: such a switch lands
    late and unseen, and its reload puts the selection back on the first row after the selection keys
    (the Linux fake refused the cancel so 2 runs in 5 on a loaded machine)."""
    orders = [OrderRequest("000858", Side.BUY, 100, price=resting("000858", n)) for n in (0, 1, 2)]
    acks = [broker.place_order(order) for order in orders]
    assert len(broker.cancelable_entrusts()) == 3  # the 撤单 page is on screen
    before = ctl.call("state")["stats"]["switch_to_shown"]
    broker.cancel(acks[1].contract_no)
    resent = ctl.call("state")["stats"]["switch_to_shown"] - before
    still = [a.contract_no for a in acks if entrust(a.contract_no)["cancelable"]]
    assert still == [acks[0].contract_no, acks[2].contract_no], (still, [a.contract_no for a in acks])
    assert resent == 0, f"{resent} switches to the page already on screen"
    cancel_everything()
    return {"cancelled": acks[1].contract_no, "kept": still}


@step("stray_windows")
def _():
    """A 悬浮工具栏, a 条件单 tip that ignores WM_CLOSE and a 成交回报 toast that closes itself mid-order."""
    ctl.call("stray", kind="toolbar")
    ctl.call("stray", kind="sticky")
    ctl.call("stray", kind="toast", ms=250)
    b = broker.balance()
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=marketable("600000", Side.BUY)))
    assert entrust(ack.contract_no)["quantity"] == 100
    strays = ctl.call("state")["strays"]
    return {"total_assets": str(b.total_assets), "contract_no": ack.contract_no, "strays": strays}


@step("minimised_captcha", captcha="always")
def _():
    """The main window minimised: the copy captcha (an owned dialog) stays hidden until it is restored."""
    ctl.call("minimize")
    es = broker.today_entrusts()
    assert len(es) == len(truth()["entrusts"])
    state = ctl.call("state")
    return {"rows": len(es), "iconic_after": state["iconic"], "captcha_ok": state["stats"]["captcha_ok"]}


@step("strict_focus")
def _():
    """pywinauto's set_focus on a control only brings its window forward (as on Windows): the keys go to
    whatever child has the focus, unless the driver gives it (click, AttachThreadInput + SetFocus)."""
    shims.CHILD_FOCUS = False
    try:
        price = resting("000858", 1)
        ack = broker.place_order(OrderRequest("000858", Side.BUY, 200, price=price))
        e = entrust(ack.contract_no)
        assert (e["code"], Decimal(e["price"]), e["quantity"]) == ("000858", price, 200), e
        got = {p.code: p.quantity for p in broker.positions()}
        assert got == holdings(), (got, holdings())
        cancel_everything()
        return {"contract_no": ack.contract_no}
    finally:
        shims.CHILD_FOCUS = True


@step("exit")
def _():
    broker.exit()
    deadline = time.monotonic() + 10
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not driver.is_alive()
    return "client closed"


@step("login_button_accelerator")
def _():
    """Other builds label the login button "确定(Y)" or "登录(Y)": start the client again with that one."""
    config_path = os.path.join(os.path.dirname(args.exe), "standin.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config["login_button"] = args.login_button
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    info = broker.login(Credentials("demo", "demo", args.comm or None, exe_path=args.exe))
    ctl.wait_ready(30)
    assert ctl.call("state")["logged_in"], "not logged in"
    broker.exit()
    deadline = time.monotonic() + 10
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return {"button": args.login_button, "title": info.main_window_title}


print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
