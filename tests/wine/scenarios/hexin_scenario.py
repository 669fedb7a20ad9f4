"""Run INSIDE Windows Python under Wine: the project's hexin adapter + the real ``VirtualKeyWin32Driver``
(pywinauto) against the hexin stand-in ``C:\\同花顺软件\\同花顺\\hexin.exe``, with the xiadan stand-in in
the same folder as its trading client. Each step is checked against the paper exchange's own books.

    python hexin_scenario.py --port P --trading-port T --exe C:\\同花顺软件\\同花顺\\hexin.exe --version 9
                             [--bench N]

Prints one JSON object on its last line: {"version", "steps": {name: {ok, ms, detail}}, "bench": {...}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import ntpath
import os
import statistics
import sys
import threading
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the embeddable Python does not

import shims

shims.install()

from standin.control import Client  # noqa: E402
from standin.ids import ID_OK, LOGIN_EDIT_IDS  # noqa: E402
from steps import run_step  # noqa: E402

from ashare_gateway.brokers.hexin.adapter import HexinBroker  # noqa: E402
from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.waiting import wait_until  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.desktop.win32_vk import VirtualKeyWin32Driver  # noqa: E402
from ashare_gateway.domain.errors import OrderRejected  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402
from ashare_gateway.simulators.xiadan.builds import BUILDS as XIADAN_BUILDS  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--trading-port", type=int, required=True)
parser.add_argument("--exe", required=True)
parser.add_argument("--version", default="8")
parser.add_argument("--bench", type=int, default=0, help="time N flash buys → 合同编号")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

driver = VirtualKeyWin32Driver()
# The sibling is started by hexin's F12 (a Windows Python starting under Wine) and logged in by hand.
broker = HexinBroker(driver, XiadanBroker(Win32Driver(), "universal"), trading_timeout=120)
ctl = Client(args.port)
trading_ctl = Client(args.trading_port)
steps: dict[str, dict] = {}
bench: dict[str, object] = {}
aborted = False


def step(name: str, required: bool = False):
    def deco(fn):
        global aborted
        if aborted:
            return fn
        if not run_step(steps, name, fn):
            aborted = aborted or required
        return fn

    return deco


def state() -> dict:
    return ctl.call("state")


def entrust(contract_no: str) -> dict:
    return next(e for e in state()["exchange"]["entrusts"] if e["contract_no"] == contract_no)


def quote(code: str) -> dict:
    return ctl.call("quote", code=code)


def wait_state(probe, what: str, timeout: float = 5.0) -> dict:
    """The stand-in's state once ``probe(state)`` holds (keys are handled after SendInput returns)."""
    return wait_until(
        lambda: (s := state()) and probe(s) and s, timeout=timeout, what=what, max_interval=0.02
    )


def flash_windows() -> list:
    return [x for x in driver.top_windows() if x.class_name == "#32770" and x.owner == broker.main]


@step("connect", required=True)
def _connect():
    info = broker.connect(args.exe)
    assert info.exe_path == args.exe, info
    assert broker.layout.family == int(args.version), broker.layout.family
    assert info.main_window_title.startswith(f"同花顺(v{args.version}."), info.main_window_title
    assert driver.process_exe() and ntpath.normcase(driver.process_exe()) == ntpath.normcase(args.exe)
    return info.main_window_title


@step("vk_packet_opens_nothing")
def _vk_packet():
    """pywinauto's default sends '2', '1' as VK_PACKET: the 键盘精灵 sees no digit, so Enter opens nothing."""
    before = state()
    driver.type_keys(broker.main, "21{ENTER}")
    after = wait_state(lambda s: len(s["keys"]) > len(before["keys"]), "Enter reaches the 键盘精灵")
    ignored = after["stats"]["vk_packet_ignored"] - before["stats"]["vk_packet_ignored"]
    assert ignored == 2, after["stats"]
    assert after["keys"][-1] == "↵" and after["flash"] is None and not flash_windows(), after
    return {"vk_packet_ignored": ignored, "read": after["keys"][-1]}


@step("quick_code_opens_the_dialog_by_virtual_keys")
def _quick_code():
    driver.press_keys(broker.main, "21{ENTER}")
    after = wait_state(lambda s: s["flash"] is not None, "闪电买入 opens")
    dialog = wait_until(lambda: flash_windows(), timeout=5, what="the flash dialog listed")[0]
    expected = "" if args.version == "9" else "闪电买入"
    assert dialog.title == expected, (dialog.title, expected)
    found = broker.flash._find_dialog(broker.main, broker.layout, Side.BUY)
    assert found == dialog.handle == after["flash"]["hwnd"], (found, dialog, after["flash"])
    assert broker.flash._find_dialog(broker.main, broker.layout, Side.SELL) is None  # the side is checked
    driver.click(driver.find_control(dialog.handle, control_id=broker.layout.flash.cancel))
    wait_until(lambda: not flash_windows(), timeout=5, what="the flash dialog closes")
    return {"caption": dialog.title, "keys": after["keys"][-1]}


@step("flash_buy")
def _buy():
    price = Decimal(quote("600000")["ask1"])
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 200, price=price))
    e = entrust(ack.contract_no)
    assert (e["code"], e["side"], e["quantity"], Decimal(e["price"])) == ("600000", "buy", 200, price), e
    assert not flash_windows(), flash_windows()
    return {"contract_no": ack.contract_no, "message": ack.message}


@step("flash_sell")
def _sell():
    price = Decimal(quote("000001")["bid1"])
    ack = broker.place_order(OrderRequest("000001", Side.SELL, 300, price=price))
    e = entrust(ack.contract_no)
    assert (e["code"], e["side"], e["quantity"], Decimal(e["price"])) == ("000001", "sell", 300, price), e
    return {"contract_no": ack.contract_no}


@step("default_price_is_the_clients")
def _default_price():
    ask = Decimal(quote("600519")["ask1"])
    ack = broker.place_order(OrderRequest("600519", Side.BUY, 100, price=None))
    e = entrust(ack.contract_no)
    assert Decimal(e["price"]) == ask, (e, ask)
    return {"price": e["price"]}


@step("rejection_passes_through")
def _rejected():
    q = quote("000858")
    try:
        broker.place_order(OrderRequest("000858", Side.SELL, 5000, price=Decimal(q["bid1"])))
    except OrderRejected as exc:
        shown = [d for d in state()["dialog_log"] if exc.message and exc.message in d["text"]]
        assert shown, (exc.message, state()["dialog_log"])
        assert not flash_windows()
        return exc.message
    raise AssertionError("selling 5000 of 800 was accepted")


@step("max_amount_is_the_clients")
def _max():
    held = {p["code"]: p["available"] for p in state()["exchange"]["positions"]}
    most = broker.max_amount(Side.SELL, "000858", None)
    assert most == held["000858"], (most, held)
    return most


def answers(client: Client) -> bool:
    try:
        client.call("ping")
    except OSError:
        client.close()
        return False
    return True


def user_logs_in(sibling: str, seen: dict) -> None:
    """The person at the desk once F12 has opened the trading client: account, password, 确定.

    The adapter holds no credentials here (``connect``, not ``login``), so after F12 it only waits for
    the sibling to be logged in (``HexinBroker._open_trading``); this thread plays the user meanwhile,
    with its own driver, attached to the sibling only once it runs (it never starts it).
    """
    try:
        user = Win32Driver()
        # At a person's pace: each poll lists processes or windows through the wineserver, which the
        # starting sibling needs too (polled 5-10 times a second, its start took minutes: wine.md).
        wait_until(
            lambda: user.attach(exe_path=sibling), timeout=120, what="交易客户端启动", max_interval=0.5
        )
        title = XIADAN_BUILDS["universal"].login_title
        login = wait_until(
            lambda: next((x for x in user.top_windows() if x.title == title), None),
            timeout=120,
            what="登录窗口出现",
            max_interval=0.5,
        )
        for name in ("user", "password"):
            edit = wait_until(
                lambda name=name: user.find_control(login.handle, control_id=LOGIN_EDIT_IDS[name]),
                timeout=10,
                what=f"登录窗口的{name}",
            )
            user.set_text(edit, "demo")
        user.click(user.find_control(login.handle, control_id=ID_OK))
        seen["login_window"] = login.handle
    except Exception as exc:  # reported by the step
        seen["error"] = repr(exc)


@step("f12_starts_the_trading_client")
def _f12():
    """No trading client runs: the balance finds none, sends F12 to hexin, which starts the xiadan.exe in
    its folder (at its login window); the user logs in; the wait ends, and the balance and an order go
    through. F12 again while it runs starts nothing."""
    sibling = ntpath.join(ntpath.dirname(args.exe), "xiadan.exe")
    assert not answers(trading_ctl), "the trading client already runs: this step would prove nothing"
    before = state()["stats"]
    seen: dict = {}
    user = threading.Thread(target=user_logs_in, args=(sibling, seen), daemon=True)
    user.start()
    t0 = time.perf_counter()
    balance = broker.balance()
    waited = time.perf_counter() - t0
    user.join(timeout=10)
    assert "error" not in seen and seen.get("login_window"), seen
    started = state()["stats"]
    assert started.get("f12", 0) - before.get("f12", 0) == 1, started
    assert started.get("trading_starts", 0) - before.get("trading_starts", 0) == 1, started
    assert broker.trading.session.exe_path == sibling, broker.trading.session.exe_path
    truth = trading_ctl.call("state")["exchange"]["balance"]
    assert balance.available == Decimal(truth["可用金额"]), (balance, truth)
    price = Decimal(quote("600000")["ask1"])
    ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=price))
    assert entrust(ack.contract_no)["quantity"] == 100
    after = broker.balance()
    truth = trading_ctl.call("state")["exchange"]["balance"]
    assert after.available == Decimal(truth["可用金额"]) < balance.available, (after, truth, balance)
    driver.press_keys(broker.main, "{F12}")
    again = wait_state(lambda s: s["stats"].get("f12", 0) > started["f12"], "F12 again reaches hexin")
    assert again["stats"].get("trading_starts") == started["trading_starts"], again["stats"]
    assert again["stats"].get("trading_already_running", 0) >= 1, again["stats"]
    return {
        "f12_to_balance_s": round(waited, 1),
        "contract_no": ack.contract_no,
        "available": [str(balance.available), str(after.available)],
        "stats": {k: again["stats"].get(k) for k in ("f12", "trading_starts", "trading_already_running")},
    }


@step("sibling_next_to_hexin")
def _sibling():
    expected = ntpath.join(ntpath.dirname(args.exe), "xiadan.exe")
    assert broker.sibling_exe() == expected, broker.sibling_exe()
    balance = broker.balance()
    truth = trading_ctl.call("state")["exchange"]["balance"]
    assert balance.available == Decimal(truth["可用金额"]), (balance, truth)
    assert broker.trading.session.exe_path == expected, broker.trading.session.exe_path
    return {"sibling": expected, "available": str(balance.available)}


if args.bench and not aborted:
    samples, failures = [], []
    price = Decimal(quote("600000")["ask1"])
    for _ in range(args.bench):
        t0 = time.perf_counter()
        try:
            ack = broker.place_order(OrderRequest("600000", Side.BUY, 100, price=price))
        except Exception as exc:  # recorded, not timed
            failures.append(repr(exc)[:200])
            continue
        samples.append((time.perf_counter() - t0) * 1000)
        assert entrust(ack.contract_no)["quantity"] == 100
    ordered = sorted(samples)
    bench = {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 1) if samples else None,
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1) if samples else None,
        "min_ms": round(ordered[0], 1) if samples else None,
        "max_ms": round(ordered[-1], 1) if samples else None,
        "failures": failures,
    }


@step("exit")
def _exit():
    broker.exit()
    assert driver.is_alive()  # /exit only detaches: 同花顺 is the user's program
    return "detached"


print(json.dumps({"version": args.version, "steps": steps, "bench": bench}, ensure_ascii=True, default=str))
