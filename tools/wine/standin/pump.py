"""The GUI thread's inbox, shared by both stand-ins (xiadan ``App``, hexin ``HexinApp``).

Win32 windows may only be touched on the thread that made them, but test-hook requests arrive on the
control server's thread (``control.py``) and some actions must wait until the current message is done
(a modal pop-up nests its own loop). Both go through one message-only window: a request or an action
is queued, a message is posted, and the GUI thread's loop (the main one or a dialog's) runs it. The two
stand-ins hold one ``Inbox`` each and hand it their hooks: a request ``{"cmd": "x", …}`` is answered
by ``hooks.cmd_x(request)``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable

import win32con
import win32gui

from . import win as w
from .ids import WM_APP_ACTION, WM_APP_CONTROL

log = logging.getLogger("standin")

REPLY_TIMEOUT = 20.0  # seconds the control thread waits for the GUI thread to answer one request


class Inbox:
    """One message-only window of class ``class_name``; ``hooks`` answer requests on the GUI thread."""

    def __init__(self, class_name: str, hooks: object) -> None:
        self.class_name = class_name
        self.hooks = hooks
        self.hwnd = 0
        self.actions: queue.Queue[Callable[[], object]] = queue.Queue()
        self.requests: queue.Queue[tuple[dict, queue.Queue[dict]]] = queue.Queue()

    def create(self) -> int:
        """Register the window class and create the window (on the GUI thread, before its loop)."""
        wc = win32gui.WNDCLASS()
        wc.hInstance = w.HINST
        wc.lpszClassName = self.class_name
        wc.lpfnWndProc = self._proc
        win32gui.RegisterClass(wc)
        self.hwnd = win32gui.CreateWindowEx(
            0, self.class_name, "", 0, 0, 0, 0, 0, win32con.HWND_MESSAGE, 0, w.HINST, None
        )
        return self.hwnd

    def later(self, action: Callable[[], object]) -> None:
        """Run ``action`` on the GUI thread once the current message is done (modal pop-ups nest)."""
        self.actions.put(action)
        win32gui.PostMessage(self.hwnd, WM_APP_ACTION, 0, 0)

    def remote(self, request: dict) -> dict:
        """Called on the control server's thread: hand the request to the GUI thread and wait."""
        reply: queue.Queue[dict] = queue.Queue()
        self.requests.put((request, reply))
        win32gui.PostMessage(self.hwnd, WM_APP_CONTROL, 0, 0)
        return reply.get(timeout=REPLY_TIMEOUT)

    def _proc(self, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == WM_APP_CONTROL:
            self._drain()
            return 0
        if msg == WM_APP_ACTION:
            try:
                action = self.actions.get_nowait()
            except queue.Empty:
                return 0
            try:
                action()
            except Exception:
                log.exception("deferred action")
            return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    def _drain(self) -> None:
        """Answer every queued request (one posted message may stand for several)."""
        while True:
            try:
                request, reply = self.requests.get_nowait()
            except queue.Empty:
                return
            try:
                reply.put(dispatch(self.hooks, request))
            except Exception as exc:
                log.exception("control request %r", request)
                reply.put({"ok": False, "error": repr(exc)})


def dispatch(hooks: object, request: dict) -> dict:
    """Answer ``request`` with ``hooks.cmd_<cmd>`` (the wire format of ``control.py``)."""
    cmd = request.get("cmd")
    handler = getattr(hooks, f"cmd_{cmd}", None)
    if handler is None:
        return {"ok": False, "error": f"unknown command {cmd!r}"}
    return handler(request)


def close_or_quit(main: int) -> dict:
    """The ``quit`` hook: close the main window as a user would, or end the loop when there is none."""
    if main:
        win32gui.PostMessage(main, win32con.WM_CLOSE, 0, 0)
    else:
        win32gui.PostQuitMessage(0)
    return {"ok": True}


def kill_soon() -> dict:
    """The ``kill`` hook: end the process at once, after the reply went out (a test tearing down a
    stand-in that a modal dialog kept alive)."""
    threading.Timer(0.2, os._exit, args=(0,)).start()
    return {"ok": True}
