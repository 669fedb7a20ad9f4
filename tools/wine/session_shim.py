"""Wine-only: a locked workstation / a disconnected RDP session, as the OS reports it (issue 14).

Windows tells a program that its desktop takes no input in two ways, and the driver asks both
(``ashare_gateway/desktop/win32_session.py``): ``OpenInputDesktop`` fails (NULL) while the secure
desktop (lock screen) has the input, and ``WTSQuerySessionInformationW(WTSConnectState)`` answers
``WTSDisconnected`` (4) once the RDP client is gone (its desktop has no input either). Under Wine there
is neither a lock nor a session to disconnect: both calls always say "active".

This module is the OS's part of such a state, and nothing else:

* the **switch** is a named kernel object in the Wine session, shared by every process there as the
  OS's own state is: ``Local\\AshareWineSessionLocked`` or ``Local\\AshareWineSessionDisconnected``
  exists while that state is on. :func:`lock` creates it and keeps the handle, :func:`unlock` closes
  it (the stand-in does both from its ``session_lock`` knob: ``standin/session_lock.py``; the object
  then lives as long as the stand-in holds it);
* the **shim** (:func:`install`, loaded by ``shims.install`` in every shimmed Windows Python, i.e. in the
  caller's process like ``print_shim``) replaces ``ctypes.windll.user32.OpenInputDesktop`` and
  ``ctypes.windll.wtsapi32.WTSQuerySessionInformationW`` with C-callable functions: while the switch is
  off they call Wine's own; while it is on, ``OpenInputDesktop`` returns NULL with
  ``ERROR_ACCESS_DENIED`` (locked and disconnected alike), and a disconnected session's
  ``WTSConnectState`` query returns a buffer holding 4, allocated on the process heap as Wine's own
  answer is (the caller frees it with ``WTSFreeMemory``). Every other query goes to Wine.

What the locked desktop does to input and to the screen is the stand-in's part, not the OS shim's.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from enum import StrEnum
from typing import Any


class SessionState(StrEnum):
    ACTIVE = ""
    LOCKED = "locked"  # Win+L, a screen saver with a password: the secure desktop has the input
    DISCONNECTED = "disconnected"  # the RDP window closed or dropped: the session runs, unseen


NAMES = {
    SessionState.LOCKED: "Local\\AshareWineSessionLocked",
    SessionState.DISCONNECTED: "Local\\AshareWineSessionDisconnected",
}
WTS_CONNECT_STATE = 8  # WTS_INFO_CLASS.WTSConnectState
WTS_DISCONNECTED = 4
ERROR_ACCESS_DENIED = 5
SYNCHRONIZE = 0x00100000

kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
kernel32.CreateEventW.argtypes = [ctypes.c_void_p, wintypes.BOOL, wintypes.BOOL, wintypes.LPCWSTR]
kernel32.CreateEventW.restype = wintypes.HANDLE
kernel32.OpenEventW.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.LPCWSTR]
kernel32.OpenEventW.restype = wintypes.HANDLE
kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
kernel32.GetProcessHeap.restype = wintypes.HANDLE
kernel32.HeapAlloc.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.c_size_t]
kernel32.HeapAlloc.restype = ctypes.c_void_p
kernel32.SetLastError.argtypes = [wintypes.DWORD]

_held: dict[SessionState, int] = {}  # the switch objects this process holds
_OpenInputDesktop = ctypes.WINFUNCTYPE(wintypes.HANDLE, wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
_WTSQuery = ctypes.WINFUNCTYPE(
    wintypes.BOOL,
    wintypes.HANDLE,
    wintypes.DWORD,
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.POINTER(wintypes.DWORD),
)
_real: dict[str, Any] = {}  # Wine's own functions, called with the prototypes above
_original: dict[str, Any] = {}  # the attributes the shim replaced, put back by uninstall()
_shims: dict[str, Any] = {}  # kept alive: ctypes frees a callback whose Python object goes


# --- the switch ----------------------------------------------------------------------------------
def lock(state: SessionState | str) -> None:
    """Turn the session state on (for every process in the Wine session) until :func:`unlock`."""
    state = SessionState(state)
    unlock()
    if state is SessionState.ACTIVE:
        return
    handle = kernel32.CreateEventW(None, True, False, NAMES[state])
    if not handle:
        raise ctypes.WinError(ctypes.get_last_error())
    _held[state] = handle


def unlock() -> None:
    while _held:
        _, handle = _held.popitem()
        kernel32.CloseHandle(handle)


def current() -> SessionState:
    """The state as the OS would report it now (whoever holds the switch)."""
    for state in (SessionState.DISCONNECTED, SessionState.LOCKED):
        handle = kernel32.OpenEventW(SYNCHRONIZE, False, NAMES[state])
        if handle:
            kernel32.CloseHandle(handle)
            return state
    return SessionState.ACTIVE


# --- the shim in the caller's process -------------------------------------------------------------
def _open_input_desktop(flags: int, inherit: bool, access: int) -> int:
    if current() is not SessionState.ACTIVE:
        kernel32.SetLastError(ERROR_ACCESS_DENIED)
        return 0
    return int(_real["OpenInputDesktop"](flags, inherit, access) or 0)


def _wts_query(server: Any, session: int, info_class: int, buffer: Any, size: Any) -> int:
    if info_class == WTS_CONNECT_STATE and current() is SessionState.DISCONNECTED:
        memory = kernel32.HeapAlloc(kernel32.GetProcessHeap(), 0, ctypes.sizeof(ctypes.c_int))
        if not memory:
            return 0
        ctypes.c_int.from_address(memory).value = WTS_DISCONNECTED
        buffer[0] = memory
        size[0] = ctypes.sizeof(ctypes.c_int)
        return 1
    return int(_real["WTSQuerySessionInformationW"](server, session, info_class, buffer, size))


def install() -> None:
    """Replace the two calls in this process (idempotent)."""
    if _real:
        return
    user32, wtsapi32 = ctypes.windll.user32, ctypes.windll.wtsapi32
    _original["OpenInputDesktop"] = user32.OpenInputDesktop
    _original["WTSQuerySessionInformationW"] = wtsapi32.WTSQuerySessionInformationW
    _real["OpenInputDesktop"] = _OpenInputDesktop(("OpenInputDesktop", ctypes.WinDLL("user32")))
    query = ("WTSQuerySessionInformationW", ctypes.WinDLL("wtsapi32"))
    _real["WTSQuerySessionInformationW"] = _WTSQuery(query)
    _shims["OpenInputDesktop"] = _OpenInputDesktop(_open_input_desktop)
    _shims["WTSQuerySessionInformationW"] = _WTSQuery(_wts_query)
    user32.OpenInputDesktop = _shims["OpenInputDesktop"]
    wtsapi32.WTSQuerySessionInformationW = _shims["WTSQuerySessionInformationW"]


def uninstall() -> None:
    """Wine's own calls again in this process (the test of what the driver sees without the shim)."""
    if not _real:
        return
    ctypes.windll.user32.OpenInputDesktop = _original.pop("OpenInputDesktop")
    ctypes.windll.wtsapi32.WTSQuerySessionInformationW = _original.pop("WTSQuerySessionInformationW")
    _real.clear()
