"""A window over the captcha image (knob ``captcha_covered``; issue 14 "Window state", h42).

On a real desktop the captcha's pixels on *screen* are often not the captcha: the 悬浮工具栏 (a topmost
tool window), a 成交回报 toast, another program, or a black screen in a locked/disconnected session.
A screen grab of the control's rectangle (pywinauto ``capture_as_image``) then reads those pixels and
the client answers 验证码错误 again and again. This window models that: a topmost tool window that is
*not* a pop-up (class not ``#32770``, no owner), titled 悬浮工具栏, sitting exactly over the image and
drawing a pattern of its own there. It follows the image (a timer, every 20 ms, also back on top of
windows activated since) and goes when the image goes or the knob is turned off.

The image control underneath is a plain ``Static`` with ``SS_BITMAP``: it answers ``WM_PRINT`` /
``WM_PRINTCLIENT`` by drawing its bitmap into the DC it is given, as the real client's control does, so a
driver that captures from the control's own DC sees the captcha whatever is on top of it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import win32api
import win32con
import win32gui

from . import win as w

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

COVER_CLASS = "AshareCaptchaCover"
COVER_TITLE = "悬浮工具栏"
FOLLOW_TIMER = 11
FOLLOW_MS = 20
MARGIN = 6  # pixels the cover overhangs the image on every side
WS_EX_NOACTIVATE = 0x08000000
_KEEP = win32con.SWP_NOMOVE | win32con.SWP_NOSIZE

_registered = False
_targets: dict[int, tuple[App, int]] = {}  # cover hwnd → (the stand-in, the image it covers)


def cover(app: App, image: int) -> int:
    """Put a cover over ``image`` when the knob says so; the cover's hwnd, or 0 when none is shown."""
    if not app.config.captcha_covered:
        return 0
    _register()
    hwnd = win32gui.CreateWindowEx(
        win32con.WS_EX_TOPMOST | win32con.WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE,
        COVER_CLASS,
        COVER_TITLE,
        win32con.WS_POPUP,
        0,
        0,
        1,
        1,
        0,  # no owner: not one of the client's pop-ups
        0,
        w.HINST,
        None,
    )
    _targets[hwnd] = (app, image)
    _follow(hwnd)
    w.set_timer(hwnd, FOLLOW_TIMER, FOLLOW_MS)
    app.stats["captcha_covers"] = app.stats.get("captcha_covers", 0) + 1
    log.info("captcha cover %#x over image %#x", hwnd, image)
    return hwnd


def _register() -> None:
    global _registered
    if _registered:
        return
    wc = win32gui.WNDCLASS()
    wc.hInstance = w.HINST
    wc.lpszClassName = COVER_CLASS
    wc.lpfnWndProc = _proc
    wc.hbrBackground = win32con.COLOR_INFOBK + 1
    win32gui.RegisterClass(wc)
    _registered = True


def _follow(hwnd: int) -> bool:
    """Sit over the image again (the dialog may have moved, something may have come on top); False
    once the image is destroyed or the knob turned off. While the image is not on screen (its dialog
    not shown yet, or hidden with a minimised main window) the cover is hidden too."""
    app, image = _targets.get(hwnd, (None, 0))
    if app is None or not app.config.captcha_covered or not win32gui.IsWindow(image):
        return False
    if not win32gui.IsWindowVisible(image):
        win32gui.ShowWindow(hwnd, win32con.SW_HIDE)
        return True
    left, top, right, bottom = win32gui.GetWindowRect(image)
    flags = win32con.SWP_NOACTIVATE | win32con.SWP_SHOWWINDOW
    # Out of the topmost band and back in: under Wine without a window manager an activated window
    # is raised above topmost ones on the X screen, and a SetWindowPos(HWND_TOPMOST) that changes
    # nothing in Wine's own order does not restack it.
    win32gui.SetWindowPos(hwnd, win32con.HWND_NOTOPMOST, 0, 0, 0, 0, flags | _KEEP)
    win32gui.SetWindowPos(
        hwnd,
        win32con.HWND_TOPMOST,
        left - MARGIN,
        top - MARGIN,
        right - left + 2 * MARGIN,
        bottom - top + 2 * MARGIN,
        flags,
    )
    return True


def _paint(hwnd: int) -> None:
    """Stripes and a caption: pixels that are plainly not the captcha (and not one flat colour)."""
    hdc, ps = win32gui.BeginPaint(hwnd)
    try:
        left, top, right, bottom = win32gui.GetClientRect(hwnd)
        dark = win32gui.CreateSolidBrush(win32api.RGB(40, 90, 160))
        for x in range(left, right, 8):
            win32gui.FillRect(hdc, (x, top, x + 3, bottom), dark)
        win32gui.DeleteObject(dark)
        win32gui.SetBkMode(hdc, win32con.TRANSPARENT)
        win32gui.DrawText(hdc, COVER_TITLE, -1, (left, top, right, bottom), win32con.DT_CENTER)
    finally:
        win32gui.EndPaint(hwnd, ps)


def _proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
    if msg == win32con.WM_TIMER and wparam == FOLLOW_TIMER:
        if not _follow(hwnd):
            win32gui.DestroyWindow(hwnd)  # the captcha is gone: so is the cover
        return 0
    if msg == win32con.WM_PAINT:
        _paint(hwnd)
        return 0
    if msg == win32con.WM_MOUSEACTIVATE:
        return win32con.MA_NOACTIVATE
    if msg == win32con.WM_DESTROY:
        w.kill_timer(hwnd, FOLLOW_TIMER)
        _targets.pop(hwnd, None)
    return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)
