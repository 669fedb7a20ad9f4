"""Run INSIDE Windows Python under Wine: two stand-ins at once, each found by its process (issue 18).

    python accounts_scenario.py PORT_A EXE_A PORT_B EXE_B EXE_IDLE
    python accounts_scenario.py twin PORT_A PORT_TWIN EXE_A

Both stand-ins show the same window titles and run from different exe paths (copies of pythonw.exe in
their own folders); EXE_IDLE is installed but not running. Checks, each against what the stand-ins say
about themselves (their pid over the control port):

- ``by_path``: ``Win32Driver.attach(exe_path=…)`` lands on each stand-in's own pid, also for the same
  path spelled differently (case, slashes);
- ``own_windows``: each driver lists only its own process's windows, although the titles are equal;
- ``same_title_refused``: attaching by that title alone is refused, naming both pids;
- ``idle_path``: a path with no running process attaches to nothing, and ``XiadanBroker.connect``
  refuses it with a message that names the path;
- ``same_exe_refused`` (twin): with one exe running twice, attaching by its path is refused naming
  both pids (pywinauto's ``connect(path=)`` would take the last one started).

Prints one JSON object on its last line.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import shims

shims.install()

from standin.control import Client  # noqa: E402

from ashare_gateway.brokers.ths.adapter import XiadanBroker  # noqa: E402
from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402
from ashare_gateway.domain.errors import BrokerUnavailable  # noqa: E402

checks: dict[str, dict] = {}


def check(name: str):
    def deco(fn):
        t0 = time.perf_counter()
        try:
            checks[name] = {"ok": True, "detail": fn()}
        except Exception as exc:
            checks[name] = {"ok": False, "detail": f"{exc!r}\n{traceback.format_exc()[-2000:]}"}
        checks[name]["ms"] = round((time.perf_counter() - t0) * 1000, 1)
        return fn

    return deco


if sys.argv[1] == "twin":  # twin PORT_A PORT_TWIN EXE_A: one exe running twice
    port_a, port_twin, exe_a = sys.argv[2:5]
    pids = sorted(Client(int(p)).call("ping")["pid"] for p in (port_a, port_twin))

    @check("same_exe_refused")
    def _same_exe():
        try:
            Win32Driver().attach(exe_path=exe_a)
        except BrokerUnavailable as exc:
            assert all(str(p) in exc.message for p in pids) and exe_a in exc.message, (pids, exc.message)
            return {"pids": pids, "message": exc.message}
        raise AssertionError(f"attached to one of two processes of {exe_a}")

    print(json.dumps({"checks": checks}, ensure_ascii=False))
    sys.exit(0)

port_a, exe_a, port_b, exe_b, exe_idle = sys.argv[1:6]
pid_a = Client(int(port_a)).call("ping")["pid"]
pid_b = Client(int(port_b)).call("ping")["pid"]
drivers = {"a": Win32Driver(), "b": Win32Driver()}


@check("by_path")
def _by_path():
    assert pid_a != pid_b, (pid_a, pid_b)
    assert drivers["a"].attach(exe_path=exe_a) and drivers["b"].attach(exe_path=exe_b)
    got = {"a": drivers["a"].process_id(), "b": drivers["b"].process_id()}
    assert got == {"a": pid_a, "b": pid_b}, (got, pid_a, pid_b)
    other = Win32Driver()
    respelt = exe_b.upper().replace("\\", "/")
    assert other.attach(exe_path=respelt) and other.process_id() == pid_b, (respelt, other.process_id())
    return {"pids": got, "respelt": respelt}


@check("own_windows")
def _own_windows():
    import win32process

    seen = {}
    for name, driver in drivers.items():
        windows = driver.top_windows()
        assert windows, f"{name}: no windows"
        owners = {win32process.GetWindowThreadProcessId(w.handle)[1] for w in windows}
        assert owners == {driver.process_id()}, (name, owners)
        seen[name] = sorted(w.title for w in windows if w.class_name != "#32770" or w.title)
    handles_a = {w.handle for w in drivers["a"].top_windows()}
    handles_b = {w.handle for w in drivers["b"].top_windows()}
    assert not handles_a & handles_b
    assert seen["a"] == seen["b"], seen  # the same titles: only the process tells them apart
    return seen


@check("same_title_refused")
def _same_title():
    title = next(w.title for w in drivers["a"].top_windows() if w.title)
    try:
        Win32Driver().attach(title_re=f"^{re.escape(title)}$")
    except BrokerUnavailable as exc:
        assert str(pid_a) in exc.message and str(pid_b) in exc.message, exc.message
        return {"title": title, "message": exc.message}
    raise AssertionError(f"attached by the title {title!r} alone")


@check("idle_path")
def _idle_path():
    assert os.path.exists(exe_idle), exe_idle
    assert Win32Driver().attach(exe_path=exe_idle) is False
    try:
        XiadanBroker(Win32Driver(), "ht").connect(exe_idle)
    except BrokerUnavailable as exc:
        assert exe_idle in exc.message and "没有从" in exc.message, exc.message
        return {"message": exc.message}
    raise AssertionError("connected to a path with no running process")


print(json.dumps({"checks": checks}, ensure_ascii=False))
