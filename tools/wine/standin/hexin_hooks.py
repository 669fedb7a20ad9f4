"""The hexin stand-in's test hooks (never part of a real client), answered on its GUI thread.

Commands: ping, state (stats, what the 键盘精灵 read, the open flash dialog, the session, the exchange's
books), set (config fields; the session_lock knobs applied at once), quote, quit, kill. Same wire format
as the xiadan stand-in's (``control.py``).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import TYPE_CHECKING

import win32gui

from . import pump
from .hooks import quote_reply

if TYPE_CHECKING:
    from .hexin_app import HexinApp


class HexinHooks:
    def __init__(self, app: HexinApp) -> None:
        self.app = app

    def cmd_ping(self, req: dict) -> dict:
        return {"ok": True, "main": self.app.main, "pid": os.getpid(), "kind": "hexin"}

    def cmd_state(self, req: dict) -> dict:
        app = self.app
        flash = app.flash
        return {
            "ok": True,
            "main": app.main,
            "title": win32gui.GetWindowText(app.main) if app.main else "",
            "session": app.session_lock.state.value,
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
        self.app.session_lock.apply()  # the session_lock knobs take effect at once (session_lock.py)
        return {"ok": True}

    def cmd_quote(self, req: dict) -> dict:
        return quote_reply(self.app.backend, req["code"])

    def cmd_quit(self, req: dict) -> dict:
        return pump.close_or_quit(self.app.main)

    def cmd_kill(self, req: dict) -> dict:
        return pump.kill_soon()
