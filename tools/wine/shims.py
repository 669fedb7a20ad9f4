"""Wine-only shims for Windows-side test processes (never imported by src/).

``install()`` makes Wine behave like Windows where the project's driver relies on it:

* ``SetForegroundWindow`` on a child control. Windows activates the control's top-level window and
  gives the control the keyboard focus; Wine 8 refuses child HWNDs (the call fails), so pywinauto's
  ``set_focus()`` and ``type_keys(set_foreground=True)`` on an edit or a grid raise. The shim activates
  the root (``GetAncestor(h, GA_ROOT)``), focuses the control through ``AttachThreadInput`` +
  ``SetFocus``, and re-asserts the root as foreground.
* ``PrintWindow`` across processes (``print_shim.py``) and the OS's report of a locked or
  disconnected session (``session_shim.py``: ``OpenInputDesktop``, ``WTSQuerySessionInformationW``).

Loaded explicitly by the scenario scripts, and by any Windows Python started with
``ASHARE_WINE_SHIMS=1`` in its environment (the ``ashare_wine.pth`` hook written by setup.sh calls
``install()`` then; that is how the gateway served under Wine gets it).
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes

_installed = False
GA_ROOT = 2
# Whether SetForegroundWindow(child) also gives the child the keyboard focus. True is what the harness
# always did; False is what pywinauto 0.6.9's set_focus achieves on the real clients (issue 14 "Focus"):
# the window comes forward, the keys go to whatever child already has the focus. Scenarios that test
# the driver's own focus handling switch it off.
CHILD_FOCUS = True

user32 = ctypes.WinDLL("user32", use_last_error=True)
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
user32.GetAncestor.restype = wintypes.HWND
user32.GetAncestor.argtypes = [wintypes.HWND, wintypes.UINT]
user32.GetWindowThreadProcessId.restype = wintypes.DWORD
user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
user32.AttachThreadInput.argtypes = [wintypes.DWORD, wintypes.DWORD, wintypes.BOOL]
user32.SetFocus.restype = wintypes.HWND
user32.SetFocus.argtypes = [wintypes.HWND]
user32.SetForegroundWindow.argtypes = [wintypes.HWND]
user32.IsWindow.argtypes = [wintypes.HWND]
user32.GetForegroundWindow.restype = wintypes.HWND

_real_set_foreground = user32.SetForegroundWindow


def set_foreground(hwnd: int) -> bool:
    """SetForegroundWindow with Windows' semantics for child windows."""
    hwnd = int(hwnd or 0)
    if not hwnd or not user32.IsWindow(hwnd):
        return False
    root = user32.GetAncestor(hwnd, GA_ROOT) or hwnd
    ok = bool(_real_set_foreground(root))
    if root != hwnd and CHILD_FOCUS:
        target = user32.GetWindowThreadProcessId(hwnd, None)
        me = kernel32.GetCurrentThreadId()
        attached = target != me and bool(user32.AttachThreadInput(me, target, True))
        try:
            user32.SetFocus(hwnd)
        finally:
            if attached:
                user32.AttachThreadInput(me, target, False)
        ok = bool(_real_set_foreground(root)) or ok
    return ok


def _win32gui_set_foreground(hwnd: int) -> None:
    # pywin32's version raises on failure and returns None otherwise.
    set_foreground(hwnd)


def release_modifiers() -> None:
    """Release Ctrl, Shift and Alt. Wine keeps the keyboard state for the whole session: a program that
    ended (or was killed) with Ctrl held down leaves it down for the next one, whose typed "demo" then
    arrives as Ctrl+D, Ctrl+E… (seen as a universal login "账号或密码错误" right after the ht run)."""
    for vk in (0x11, 0x10, 0x12, 0xA2, 0xA3, 0xA0, 0xA1):  # CONTROL, SHIFT, MENU, L/R variants
        user32.keybd_event(vk, 0, 0x0002, 0)  # KEYEVENTF_KEYUP


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    release_modifiers()
    import print_shim  # PrintWindow across processes, as on Windows (print_shim.py)

    print_shim.install()
    import session_shim  # a locked / disconnected session as the OS reports it (session_shim.py)

    session_shim.install()
    try:
        import win32gui

        win32gui.SetForegroundWindow = _win32gui_set_foreground
    except ImportError:
        pass
    try:
        from pywinauto import win32functions

        win32functions.SetForegroundWindow = set_foreground
    except ImportError:
        pass
    try:
        from pywinauto.controls import hwndwrapper

        original_has_focus = hwndwrapper.HwndWrapper.has_focus

        def has_focus(self) -> bool:
            # A control "has focus" when it is the focus of the foreground window's thread.
            if original_has_focus(self):
                return True
            fg = user32.GetForegroundWindow()
            if not fg or user32.GetAncestor(self.handle, GA_ROOT) != fg:
                return False
            return _focus_of(fg) == self.handle

        hwndwrapper.HwndWrapper.has_focus = has_focus
    except ImportError:
        pass


class _GUITHREADINFO(ctypes.Structure):
    _fields_ = [
        ("cbSize", wintypes.DWORD),
        ("flags", wintypes.DWORD),
        ("hwndActive", wintypes.HWND),
        ("hwndFocus", wintypes.HWND),
        ("hwndCapture", wintypes.HWND),
        ("hwndMenuOwner", wintypes.HWND),
        ("hwndMoveSize", wintypes.HWND),
        ("hwndCaret", wintypes.HWND),
        ("rcCaret", wintypes.RECT),
    ]


def _focus_of(hwnd: int) -> int:
    info = _GUITHREADINFO(cbSize=ctypes.sizeof(_GUITHREADINFO))
    tid = user32.GetWindowThreadProcessId(hwnd, None)
    if user32.GetGUIThreadInfo(tid, ctypes.byref(info)):
        return int(info.hwndFocus or 0)
    return 0
