"""Which page is the view pane: main → frame 0xE900 → the page on screen, id 0xE901 (issue 14).

As the peers reach it (puppet: ``PAGE = 59648, 59649``, then GetDlgItem for every control), only the
page on screen carries the pane id; the other pages are parked under other ids with the same control
ids inside. With ``Config.stale_pages`` the page just left is not hidden: it stays shown, moved off the
frame's visible area and first in Z order (so EnumChildWindows lists it first), until the next switch
— what a client that keeps its pages alive looks like to a search of every descendant.
"""

from __future__ import annotations

import win32con
import win32gui

from .ids import ID_PANE

PARKED_ID = 0xE910  # + the page's index: a page not on screen
OFF_AREA = 10_000  # x of a stale page: outside the frame's client area, so it covers nothing


def show(pages: dict[str, int], name: str, previous: str | None, *, stale: bool) -> None:
    """Make ``name`` the pane 0xE901; hide the others (the previous one stays shown when ``stale``)."""
    kept = previous if stale and previous not in (None, name) else None
    for index, (other, hwnd) in enumerate(pages.items()):
        win32gui.SetWindowLong(hwnd, win32con.GWL_ID, ID_PANE if other == name else PARKED_ID + index)
        if other not in (name, kept):
            win32gui.ShowWindow(hwnd, win32con.SW_HIDE)
    if kept is not None:
        flags = win32con.SWP_NOSIZE | win32con.SWP_NOACTIVATE
        win32gui.SetWindowPos(pages[kept], win32con.HWND_TOP, OFF_AREA, 0, 0, 0, flags)
