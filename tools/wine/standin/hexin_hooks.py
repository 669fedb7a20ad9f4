"""The hexin stand-in's test hooks (never part of a real client), answered on its GUI thread.

Commands: ping, state (stats, what the 键盘精灵 read, the open flash dialog, the exchange's books),
set (config fields), quote, quit, kill. Same wire format as the xiadan stand-in's (``control.py``).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from dataclasses import asdict
from typing import TYPE_CHECKING

import win32con
import win32gui

if TYPE_CHECKING:
    from .hexin_app import HexinApp

log = logging.getLogger("standin")


class HexinHooks:
    def __init__(self, app: HexinApp) -> None:
        self.app = app

    def handle(self, req: dict) -> dict:
        handler = getattr(self, f"cmd_{req.get('cmd')}", None)
        if handler is None:
            return {"ok": False, "error": f"unknown command {req.get('cmd')!r}"}
        return handler(req)

    def cmd_ping(self, req: dict) -> dict:
        return {"ok": True, "main": self.app.main, "pid": os.getpid(), "kind": "hexin"}

    def cmd_state(self, req: dict) -> dict:
        app = self.app
        flash = app.flash
        return {
            "ok": True,
            "main": app.main,
            "title": win32gui.GetWindowText(app.main) if app.main else "",
            "stats": dict(app.stats),
            "keys": app.keys[-20:],
            "sprite": app.sprite,
            "flash": {"hwnd": flash.hwnd, "side": flash.side.value, "caption": flash.caption}
            if flash
            else None,
            "dialog_log": [
                {k: v for k, v in d.items() if k in ("title", "text", "answer")}
                for d in app.dialogs.log[-20:]
            ],
            "open_dialogs": [
                {k: v for k, v in d.items() if k in ("title", "text")} for d in app.dialogs.open
            ],
            "config": {k: v for k, v in asdict(app.config).items() if k != "accounts"},
            "exchange": app.backend.ground_truth() if app.backend else None,
        }

    def cmd_set(self, req: dict) -> dict:
        for key, value in req.items():
            if key != "cmd" and hasattr(self.app.config, key):
                setattr(self.app.config, key, value)
        return {"ok": True}

    def cmd_quote(self, req: dict) -> dict:
        q = self.app.backend.exchange.quote(req["code"])
        return {
            "ok": True,
            "name": q.name,
            "last": str(q.last),
            "ask1": str(q.asks[0].price) if q.asks else None,
            "bid1": str(q.bids[0].price) if q.bids else None,
        }

    def cmd_quit(self, req: dict) -> dict:
        if self.app.main:
            win32gui.PostMessage(self.app.main, win32con.WM_CLOSE, 0, 0)
        else:
            win32gui.PostQuitMessage(0)
        return {"ok": True}

    def cmd_kill(self, req: dict) -> dict:
        threading.Timer(0.2, os._exit, args=(0,)).start()
        return {"ok": True}

    def drain(self, requests: queue.Queue) -> None:
        while True:
            try:
                request, reply = requests.get_nowait()
            except queue.Empty:
                return
            try:
                reply.put(self.handle(request))
            except Exception as exc:
                log.exception("control request %r", request)
                reply.put({"ok": False, "error": repr(exc)})
