"""Stage-(a) smoke test, run INSIDE Windows Python under Wine: the toolchain works end to end.

Prints one JSON line: the Python build, that the project's dependencies import, and that pywinauto
(win32 backend) drives Wine's notepad (set text, read it back, clipboard round trip, close).
"""

from __future__ import annotations

import json
import platform
import sys
import time


def main() -> int:
    out: dict[str, object] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "bits": 64 if sys.maxsize > 2**32 else 32,
    }
    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import PIL.Image  # noqa: F401
    import pydantic  # noqa: F401
    import pywinauto
    import sqlalchemy  # noqa: F401
    import win32clipboard
    import win32con
    from pywinauto.application import Application

    out["imports_s"] = round(time.perf_counter() - t0, 3)
    out["pywinauto"] = pywinauto.__version__
    out["comtypes"] = "comtypes" in sys.modules
    try:
        import ashare_gateway

        out["ashare_gateway"] = ashare_gateway.__file__
    except Exception as exc:  # the src path comes from ASHARE_WIN_SYSPATH
        out["ashare_gateway"] = f"not importable: {exc!r}"

    t0 = time.perf_counter()
    app = Application(backend="win32").start("notepad.exe")
    win = app.window(class_name="Notepad")
    win.wait("exists visible", timeout=20)
    out["start_notepad_s"] = round(time.perf_counter() - t0, 3)
    edit = win.child_window(class_name="Edit")
    t0 = time.perf_counter()
    edit.set_edit_text("你好 Wine 123")
    out["set_text_s"] = round(time.perf_counter() - t0, 4)
    out["read_back"] = edit.window_text()

    win32clipboard.OpenClipboard()
    win32clipboard.EmptyClipboard()
    win32clipboard.SetClipboardData(win32con.CF_UNICODETEXT, "代码\t名称\r\n600000\t浦发银行\r\n")
    win32clipboard.CloseClipboard()
    win32clipboard.OpenClipboard()
    out["clipboard"] = win32clipboard.GetClipboardData(win32con.CF_UNICODETEXT)
    win32clipboard.CloseClipboard()

    app.kill()
    out["ok"] = out["read_back"] == "你好 Wine 123" and out["clipboard"].startswith("代码\t名称")
    print(json.dumps(out, ensure_ascii=True))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
