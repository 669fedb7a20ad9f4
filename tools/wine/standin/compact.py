"""精简模式 (the compact mode) of the stand-in: the menu tree hidden and the main window small.

The real client's 精简 button leaves an order-only window without the left menu tree (easytrader
docs/install.md: the client must not be in 精简模式); the connect-time fingerprint finds it by the tree
SysTreeView32 129 not being visible and refuses with what to click. Switched by the ``compact`` knob
(``standin.json`` or ``ctl.call("set", compact=True)``); applied after the main window is made and after
every ``set``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import win32con
import win32gui

if TYPE_CHECKING:
    from .app import App

FULL = (20, 20, 1180, 760)
SMALL = (20, 20, 420, 520)


def apply(app: App) -> None:
    frame = app.frame
    if not frame.main or not frame.tree:
        return
    on = bool(app.config.compact)
    win32gui.ShowWindow(frame.tree, win32con.SW_HIDE if on else win32con.SW_SHOW)
    x, y, width, height = SMALL if on else FULL
    win32gui.MoveWindow(frame.main, x, y, width, height, True)
