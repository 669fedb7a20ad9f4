"""Run INSIDE the 64-bit Windows Python under Wine: the project's ``Win32Driver`` against a 32-bit
process (tools/wine/probe32/probe32.c), as users drive the 32-bit xiadan.exe from 64-bit Python.

    python probe32_scenario.py C:\\probe32\\xiadan.exe

Checks what crosses the bitness boundary: the target really is 32-bit (WOW64), the driver starts and
attaches to it by path, finds controls by ID, reads and walks the menu tree (pywinauto reads TVITEM
structs from the 32-bit process's memory), selects a tree item and sees the page change, writes and reads
an Edit, and copies the grid through WM_COMMAND 0xE122. Prints one JSON object on its last line.
"""

from __future__ import annotations

import ctypes
import json
import os
import struct
import sys
import time
import traceback
from ctypes import wintypes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import shims

shims.install()

from ashare_gateway.desktop.win32 import Win32Driver  # noqa: E402

exe = sys.argv[1]
checks: dict[str, dict] = {}
driver = Win32Driver()
state: dict[str, int] = {}


def check(name: str):
    def deco(fn):
        t0 = time.perf_counter()
        try:
            checks[name] = {"ok": True, "ms": round((time.perf_counter() - t0) * 1000, 1), "detail": fn()}
            checks[name]["ms"] = round((time.perf_counter() - t0) * 1000, 1)
        except Exception as exc:
            checks[name] = {"ok": False, "detail": f"{exc!r}\n{traceback.format_exc()[-2000:]}"}
        return fn

    return deco


def wait(probe, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


@check("start_32bit")
def _():
    driver.start(exe)
    title = "网上股票交易系统5.0"
    main = wait(lambda: next((w.handle for w in driver.top_windows() if w.title == title), 0), 20)
    state["main"] = main
    pid = wintypes.DWORD()
    ctypes.windll.user32.GetWindowThreadProcessId(main, ctypes.byref(pid))
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    handle = kernel32.OpenProcess(0x1000, False, pid.value)  # PROCESS_QUERY_LIMITED_INFORMATION
    wow64 = wintypes.BOOL()
    kernel32.IsWow64Process(handle, ctypes.byref(wow64))
    kernel32.CloseHandle(handle)
    assert wow64.value, "the probe is not a 32-bit (WOW64) process"
    return {"python_bits": struct.calcsize("P") * 8, "target_wow64": bool(wow64.value), "pid": pid.value}


@check("tree_walk")
def _():
    from pywinauto.controls.common_controls import TreeViewWrapper

    tree = driver.find_control(state["main"], control_id=129)
    assert tree, "menu tree 129 not found"
    state["tree"] = tree
    view = TreeViewWrapper(tree)
    roots = [r.text() for r in view.roots()]
    children = [c.text() for c in view.get_item(["查询[F4]"]).children()]
    assert roots == ["买入[F1]", "卖出[F2]", "撤单[F3]", "查询[F4]"], roots
    assert children == ["资金股票", "当日委托", "当日成交"], children
    return {"roots": roots, "children": children}


@check("tree_select")
def _():
    driver.select_tree_item(state["tree"], ["查询[F4]", "当日委托"])
    name = driver.find_control(state["main"], control_id=1036)
    shown = wait(lambda: driver.get_text(name) == "当日委托" and driver.get_text(name))
    return {"page": shown}


@check("edit_text")
def _():
    edit = driver.find_control(state["main"], control_id=1032)
    driver.set_text(edit, "600000")
    text = driver.get_text(edit)
    assert text == "600000", text
    return text


@check("grid_copy_0xE122")
def _():
    grid = driver.find_control(state["main"], control_id=1047, class_name="CVirtualGridCtrl")
    assert grid, "grid not found"
    driver.clear_clipboard()
    driver.send_command(grid, 0xE122)
    text = wait(driver.get_clipboard)
    rows = [line.split("\t") for line in text.strip().splitlines()]
    assert rows[0][:2] == ["证券代码", "证券名称"] and rows[1][:2] == ["600000", "浦发银行"], rows
    return {"rows": len(rows) - 1}


@check("close")
def _():
    driver.close_window(state["main"])
    wait(lambda: not driver.is_alive(), 10)
    return "closed"


print(json.dumps({"checks": checks}, ensure_ascii=True, default=str))
