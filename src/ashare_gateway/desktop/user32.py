"""Thin ctypes wrappers over user32 for ``Win32Driver``: enumeration, focus and sent messages.

Why not pywinauto here: its ``find_elements`` builds an element object per window and sends every one
``WM_GETTEXT`` (a round trip into a client that may be busy), and its ``set_focus`` moves the mouse and
sleeps 60 ms each time; under Wine that was ~1 s of a 1.5 s order (docs/benchmarks/wine.md). These
calls read what Windows keeps itself (class, id, visibility, the caption) and never raise: a window
that vanished meanwhile simply drops out.

Windows only; importing the module elsewhere works, calling it does not (``ctypes.windll``).
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from functools import cache
from typing import Any

GW_OWNER = 4
GA_ROOT = 2
SMTO_ABORTIFHUNG = 0x0002


class _GuiThreadInfo(ctypes.Structure):
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


@cache
def _enum_proc() -> Any:
    """The EnumWindows callback type (ctypes.WINFUNCTYPE exists on Windows only)."""
    return ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)  # type: ignore[attr-defined]


@cache
def _user32() -> Any:
    u = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    hwnd, uint, dword = wintypes.HWND, ctypes.c_uint, ctypes.c_uint32
    u.GetWindow.argtypes, u.GetWindow.restype = [hwnd, uint], hwnd
    u.GetAncestor.argtypes, u.GetAncestor.restype = [hwnd, uint], hwnd
    u.GetParent.argtypes, u.GetParent.restype = [hwnd], hwnd
    u.IsIconic.argtypes = [hwnd]
    u.IsWindowVisible.argtypes = [hwnd]
    u.IsWindowEnabled.argtypes = [hwnd]
    u.GetDlgCtrlID.argtypes = [hwnd]
    u.GetDlgItem.argtypes, u.GetDlgItem.restype = [hwnd, ctypes.c_int], hwnd
    u.GetForegroundWindow.restype = hwnd
    u.SetForegroundWindow.argtypes = [hwnd]
    u.GetWindowThreadProcessId.argtypes = [hwnd, ctypes.POINTER(dword)]
    u.GetWindowThreadProcessId.restype = dword
    u.AttachThreadInput.argtypes = [dword, dword, ctypes.c_int]
    u.SetFocus.argtypes, u.SetFocus.restype = [hwnd], hwnd
    u.GetGUIThreadInfo.argtypes = [dword, ctypes.POINTER(_GuiThreadInfo)]
    u.GetClassNameW.argtypes = [hwnd, wintypes.LPWSTR, ctypes.c_int]
    u.GetWindowTextW.argtypes = [hwnd, wintypes.LPWSTR, ctypes.c_int]
    u.GetWindowTextLengthW.argtypes = [hwnd]
    u.EnumWindows.argtypes = [_enum_proc(), wintypes.LPARAM]
    u.EnumChildWindows.argtypes = [hwnd, _enum_proc(), wintypes.LPARAM]
    u.SendMessageTimeoutW.argtypes = [
        hwnd,
        uint,
        ctypes.c_size_t,
        ctypes.c_ssize_t,
        uint,
        uint,
        ctypes.POINTER(ctypes.c_size_t),
    ]
    return u


def _kernel32() -> Any:
    return ctypes.windll.kernel32  # type: ignore[attr-defined]


# --- reading windows -------------------------------------------------------------------------------
def owner(handle: int) -> int:
    """GetWindow(GW_OWNER): 0 for an unowned or vanished window."""
    return int(_user32().GetWindow(handle, GW_OWNER) or 0)


def root(handle: int) -> int:
    return int(_user32().GetAncestor(handle, GA_ROOT) or handle)


def iconic(handle: int) -> bool:
    return bool(_user32().IsIconic(handle))


def visible(handle: int) -> bool:
    """IsWindowVisible: the window and all its parents are shown (what pywinauto's visible_only means)."""
    return bool(_user32().IsWindowVisible(handle))


def enabled(handle: int) -> bool:
    return bool(_user32().IsWindowEnabled(handle))


def control_id(handle: int) -> int:
    return int(_user32().GetDlgCtrlID(handle))


def dlg_item(parent: int, control_id: int) -> int:
    """GetDlgItem: the direct child with this id (shown or hidden), 0 when there is none."""
    return int(_user32().GetDlgItem(parent, control_id) or 0)


def class_name(handle: int) -> str:
    buffer = ctypes.create_unicode_buffer(256)
    _user32().GetClassNameW(handle, buffer, 256)
    return buffer.value


def caption(handle: int) -> str:
    """GetWindowText: the text Windows keeps for the window. For another process's window no message is
    sent, so a busy client still answers (a Static's or Button's caption is this text)."""
    u = _user32()
    size = u.GetWindowTextLengthW(handle) + 1
    buffer = ctypes.create_unicode_buffer(max(size, 2))
    u.GetWindowTextW(handle, buffer, len(buffer))
    return buffer.value


def process_id(handle: int) -> int:
    pid = ctypes.c_uint32()
    _user32().GetWindowThreadProcessId(handle, ctypes.byref(pid))
    return pid.value


def is_child(handle: int) -> bool:
    """WS_CHILD windows (controls) have a parent that is not their owner."""
    u = _user32()
    parent = u.GetParent(handle)
    return bool(parent) and parent != u.GetWindow(handle, GW_OWNER)


def top_level(pid: int) -> list[int]:
    """Visible top-level windows of process ``pid``, in Z order (topmost first)."""
    found: list[int] = []

    def each(hwnd: int, _: int) -> bool:
        if hwnd and visible(hwnd) and process_id(hwnd) == pid:
            found.append(int(hwnd))
        return True

    _user32().EnumWindows(_enum_proc()(each), 0)
    return found


def descendants(parent: int) -> list[int]:
    """Every visible descendant of ``parent``, in EnumChildWindows order (depth first, Z order)."""
    found: list[int] = []

    def each(hwnd: int, _: int) -> bool:
        if hwnd and visible(hwnd):
            found.append(int(hwnd))
        return True

    _user32().EnumChildWindows(parent, _enum_proc()(each), 0)
    return found


# --- focus -----------------------------------------------------------------------------------------
def focused_control(handle: int) -> int:
    """The keyboard focus of the GUI thread that owns ``handle`` (0 when unknown)."""
    u = _user32()
    info = _GuiThreadInfo(cbSize=ctypes.sizeof(_GuiThreadInfo))
    thread = u.GetWindowThreadProcessId(handle, None)
    if thread and u.GetGUIThreadInfo(thread, ctypes.byref(info)):
        return int(info.hwndFocus or 0)
    return 0


def foreground() -> int:
    return int(_user32().GetForegroundWindow() or 0)


def bring_forward(top: int) -> bool:
    """SetForegroundWindow on a top-level window; True when it is the foreground afterwards."""
    u = _user32()
    if foreground() != top:
        u.SetForegroundWindow(top)
    return foreground() == top


def give_focus(handle: int) -> None:
    """Keyboard focus to a control of another process: attach to its input thread, SetFocus, detach."""
    u = _user32()
    target = u.GetWindowThreadProcessId(handle, None)
    ours = _kernel32().GetCurrentThreadId()
    attached = bool(target) and target != ours and bool(u.AttachThreadInput(ours, target, 1))
    try:
        u.SetFocus(handle)
    finally:
        if attached:
            u.AttachThreadInput(ours, target, 0)


# --- messages --------------------------------------------------------------------------------------
def send(handle: int, message: int, wparam: int, lparam: int, timeout_ms: int) -> int | None:
    """SendMessageTimeout with SMTO_ABORTIFHUNG: the result, or None when the window did not answer."""
    result = ctypes.c_size_t()
    ok = _user32().SendMessageTimeoutW(
        handle, message, wparam, lparam, SMTO_ABORTIFHUNG, timeout_ms, ctypes.byref(result)
    )
    return result.value if ok else None
