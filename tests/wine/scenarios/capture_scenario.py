"""Run INSIDE Windows Python under Wine: the captcha under a covering window (issue 14 "Window state", h42).

    python capture_scenario.py --port CONTROL_PORT --exe C:\\htzqzyb2\\xiadan.exe [--rounds 25]

The stand-in runs with ``captcha_covered``: a topmost 悬浮工具栏 (not a pop-up) sits over every captcha
image, so the screen shows its stripes where the digits are. The real ``Win32Driver`` + ``XiadanBroker``:

1. ``capture_timing``: on the login window's captcha (0x5db), ``rounds`` captures from the control's DC
   and as many screen grabs, interleaved (median ms each); the DC image must be the captcha (not one
   colour, not what the screen shows there);
2. ``login_covered``: log in through the login captcha, image covered;
3. ``read_covered``: a table read (当日委托) behind the copy captcha (Static 2405), image covered; the rows
   must be the paper exchange's own.
Both 2 and 3 must go through without one screen fallback (the driver logs which capture it used).
4. ``screen_fallback``: Wine's own PrintWindow (the print shim off in this process) draws nothing into
   our DC; the driver must log it and read the uncovered image from the screen.
Prints one JSON object on its last line: {"steps": {name: {ok, ms, detail}}}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import sys
import time
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
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exe", default=r"C:\htzqzyb2\xiadan.exe")
parser.add_argument("--flavour", default="ht")
parser.add_argument("--rounds", type=int, default=25)
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")


class SourceCounter(logging.Handler):
    """Counts the driver's capture log lines: which capture each captcha read used."""

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

driver = Win32Driver()
broker = XiadanBroker(driver, args.flavour, timeouts=Timeouts(start=180))
ctl = Client(args.port)
steps: dict[str, dict] = {}


step = recorder(steps)


def stats() -> dict:
    return ctl.call("state")["stats"]


def restart_logged_in() -> None:
    """The stand-in killed and started again by the driver, already logged in (no login window)."""
    with contextlib.suppress(Exception):
        ctl.call("kill")
    ctl.close()
    deadline = time.monotonic() + 15
    while driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    config_path = os.path.join(os.path.dirname(args.exe), "standin.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config.update(logged_in=True, login_captcha=False)
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    driver.start(args.exe)
    ctl.wait_ready(180)
    broker.connect(args.exe)


def login_captcha_image() -> int:
    assert driver.attach(exe_path=args.exe), "stand-in not running"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for window in driver.top_windows():
            if window.class_name == "#32770" and window.title == "用户登录":
                image = driver.find_control(window.handle, control_id=0x5DB)
                if image is not None and stats().get("captcha_covers", 0) >= 1:
                    return image
        time.sleep(0.1)
    raise AssertionError("no login window with a covered captcha")


@step("capture_timing")
def _():
    from pywinauto.controls.hwndwrapper import HwndWrapper

    from ashare_gateway.desktop import win32_capture

    image = login_captcha_image()
    time.sleep(0.3)  # the cover's first paint
    dc_ms, screen_ms = [], []
    dc_image = screen_image = None
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        dc_image = win32_capture.dc_image(image)
        dc_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        screen_image = HwndWrapper(image).capture_as_image()
        screen_ms.append((time.perf_counter() - t0) * 1000)
    assert dc_image is not None, "the DC capture gave nothing"
    assert not win32_capture.one_colour(dc_image), "the DC capture is one colour"
    assert screen_image is not None and dc_image.size == screen_image.size, (dc_image.size, screen_image)
    assert dc_image.tobytes() != screen_image.convert("RGB").tobytes(), "the screen shows the captcha"
    return {
        "rounds": args.rounds,
        "size": list(dc_image.size),
        "dc_median_ms": round(statistics.median(dc_ms), 2),
        "screen_median_ms": round(statistics.median(screen_ms), 2),
        "dc_max_ms": round(max(dc_ms), 2),
        "screen_max_ms": round(max(screen_ms), 2),
    }


@step("login_covered")
def _():
    del counter.sources[:]
    broker.login(Credentials("demo", "demo", "demo", exe_path=args.exe))
    ctl.wait_ready(30)
    s = stats()
    assert ctl.call("state")["logged_in"], "not logged in"
    assert s.get("login_captcha_ok") == 1, s
    assert "screen" not in counter.sources, counter.sources
    return {"wrong": s.get("login_captcha_wrong", 0), "sources": list(counter.sources)}


@step("read_covered")
def _():
    if not ctl.call("state")["logged_in"]:
        restart_logged_in()  # login_covered failed (as before the fix): the read is shown on its own
    price = ctl.call("quote", code="600000")["limit_down"]  # a buy that rests: one row to read
    broker.place_order(OrderRequest("600000", Side.BUY, 100, price=Decimal(price)))
    del counter.sources[:]
    ctl.call("set", captcha="always")
    try:
        before = stats()
        entrusts = broker.today_entrusts()
        after = stats()
        truth = ctl.call("state")["exchange"]["entrusts"]
        assert after["captcha_ok"] == before["captcha_ok"] + 1, (before, after)
        covers = after.get("captcha_covers", 0) - before.get("captcha_covers", 0)
        assert covers >= 1, "the copy captcha was not covered"
        assert len(entrusts) == len(truth) >= 1, (entrusts, truth)
        assert "screen" not in counter.sources, counter.sources
        return {
            "rows": len(entrusts),
            "wrong": after["captcha_wrong"] - before["captcha_wrong"],
            "sources": list(counter.sources),
        }
    finally:
        ctl.call("set", captcha="off")


@step("screen_fallback")
def _():
    """Wine's own PrintWindow (no shim here): the DC capture comes back black, one colour. The driver
    must say so and read the (uncovered) image from the screen."""
    import print_shim

    ctl.call("set", captcha_covered=False, captcha="always")
    print_shim.uninstall()
    del counter.sources[:]
    try:
        before = stats()
        broker.positions()
        after = stats()
        assert after["captcha_ok"] == before["captcha_ok"] + 1, (before, after)
        assert counter.sources and set(counter.sources) == {"screen"}, counter.sources
        return {"sources": list(counter.sources), "wrong": after["captcha_wrong"] - before["captcha_wrong"]}
    finally:
        print_shim.install()
        ctl.call("set", captcha_covered=True, captcha="off")


with contextlib.suppress(Exception):
    broker.exit()
print(json.dumps({"flavour": args.flavour, "steps": steps}, ensure_ascii=True, default=str))
