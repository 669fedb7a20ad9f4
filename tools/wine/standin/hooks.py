"""The stand-in's test hooks (never part of a real client), answered on the GUI thread.

Requests arrive on the control server's thread (``control.py``), are queued and handed to the GUI
thread through a message-only window (``pump.Inbox``), so every hook sees the windows in a consistent state.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import TYPE_CHECKING

import win32con
import win32gui

from . import compact, pump

if TYPE_CHECKING:
    from .app import App
    from .backend import Backend


class Hooks:
    def __init__(self, app: App) -> None:
        self.app = app

    def cmd_ping(self, req: dict) -> dict:
        app = self.app
        return {"ok": True, "main": app.frame.main, "page": app.frame.current, "pid": os.getpid()}

    def cmd_state(self, req: dict) -> dict:
        app = self.app
        return {
            "ok": True,
            "main": app.frame.main,
            "page": app.frame.current,
            "locked": app.lock.locked,
            "session": app.session_lock.state.value,
            "logged_in": bool(app.backend and app.backend.user),
            "open_dialogs": [
                {k: v for k, v in d.items() if k in ("title", "text")} for d in app.dialogs.open
            ],
            "dialog_log": [
                {k: v for k, v in d.items() if k in ("title", "text", "answer")}
                for d in app.dialogs.log[-20:]
            ],
            "stats": dict(app.stats),
            "strays": app.strays.state(),
            "iconic": bool(app.frame.main and win32gui.IsIconic(app.frame.main)),
            "config": {k: v for k, v in asdict(app.config).items() if k not in ("accounts",)},
            "exchange": app.backend.ground_truth() if app.backend else None,
        }

    def cmd_popup(self, req: dict) -> dict:
        app = self.app
        popup = {
            "title": req.get("title", "提示"),
            "text": req.get("text", ""),
            "buttons": req.get("buttons", "ok"),
        }
        if req.get("when") == "next_order":
            app.dialogs.pending.append(popup)
        else:
            app.later(lambda: app.dialogs.modal(popup["title"], popup["text"], popup["buttons"]))
        return {"ok": True}

    def cmd_lock(self, req: dict) -> dict:
        self.app.later(self.app.lock.show)
        return {"ok": True}

    def cmd_set(self, req: dict) -> dict:
        config = self.app.config
        for key, value in req.items():
            if key != "cmd" and hasattr(config, key):
                setattr(config, key, value)
        self.app.frame.apply_structure()
        compact.apply(self.app)
        self.app.session_lock.apply()
        return {"ok": True}

    def cmd_advance(self, req: dict) -> dict:
        backend = self.app.backend
        backend.advance(float(req.get("seconds", 0)))
        return {"ok": True, "now": backend.now().isoformat()}

    def cmd_quote(self, req: dict) -> dict:
        return quote_reply(self.app.backend, req["code"])

    def cmd_stray(self, req: dict) -> dict:
        """Show a stray window: kind = toolbar | toast | sticky (see strays.py); "clear" removes them."""
        app = self.app
        kind = req.get("kind", "toolbar")
        if kind == "clear":
            app.strays.close_all()
            return {"ok": True}
        if kind not in ("toolbar", "toast", "sticky"):
            return {"ok": False, "error": f"unknown stray kind {kind!r}"}
        hwnd = app.strays.show(
            kind, title=req.get("title"), text=req.get("text", ""), ms=int(req.get("ms", 400))
        )
        return {"ok": True, "hwnd": hwnd}

    def cmd_minimize(self, req: dict) -> dict:
        """Minimise (or, with restore=true, restore) the main window, as a user or 精简模式 would."""
        main = self.app.frame.main
        win32gui.ShowWindow(main, win32con.SW_RESTORE if req.get("restore") else win32con.SW_MINIMIZE)
        return {"ok": True, "iconic": bool(win32gui.IsIconic(main))}

    def cmd_captcha_answer(self, req: dict) -> dict:
        return {"ok": True, "answer": self.app.captcha.answer}

    def cmd_quit(self, req: dict) -> dict:
        app = self.app
        app.config.exit_confirm = False
        return pump.close_or_quit(app.frame.main)

    def cmd_kill(self, req: dict) -> dict:
        return pump.kill_soon()


def _pick(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k in keys}


def quote_reply(backend: Backend, code: str) -> dict:
    """The ``quote`` hook of both stand-ins: the paper exchange's book for ``code`` (tests price from it)."""
    q = backend.exchange.quote(code)
    return {
        "ok": True,
        "name": q.name,
        "last": str(q.last),
        "prev_close": str(q.prev_close),
        "ask1": str(q.asks[0].price) if q.asks else None,
        "bid1": str(q.bids[0].price) if q.bids else None,
        "limit_up": str(q.limit_up) if q.limit_up else None,
        "limit_down": str(q.limit_down) if q.limit_down else None,
    }
