"""Whether the Windows desktop takes input now: not when the workstation is locked or the session is
disconnected (an RDP client closed or dropped). Windows only; ctypes, imported lazily by the driver.

Two checks, both documented Win32 calls:
- ``WTSQuerySessionInformationW(WTSConnectState)`` of the current session: anything but ``WTSActive``
  (e.g. ``WTSDisconnected`` after the RDP window was closed) means no input desktop;
- ``OpenInputDesktop``: fails (NULL) while the secure desktop (lock screen, UAC, Ctrl+Alt+Del) has the
  input, i.e. the workstation is locked.
A minimised RDP window keeps the session active and is not detected here (its GUI keeps working for
message-based input, which is what the driver uses).

``refuse_keys_if_locked`` is the driver's last line before it sends keys (``SendInput``): keys sent into
a desktop that takes none are lost without a trace, so the driver says why instead of sending them.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes

from ..domain.errors import BrokerUnavailable
from ..domain.messages import KEYS_LOCKED

WTS_CURRENT_SERVER_HANDLE = 0
WTS_CURRENT_SESSION = 0xFFFFFFFF
WTS_CONNECT_STATE = 8  # WTS_INFO_CLASS.WTSConnectState
WTS_ACTIVE = 0
DESKTOP_SWITCHDESKTOP = 0x0100
TEXTS = {"locked": "工作站已锁定（锁屏）", "disconnected": "远程会话已断开（连接状态 {state}）"}


def desktop_lock_reason() -> str | None:
    """Why the desktop takes no input now, or None when it does (or when the check itself fails)."""
    windll = getattr(ctypes, "windll", None)
    if windll is None:  # not Windows
        return None
    state = _connect_state(windll)
    if state is not None and state != WTS_ACTIVE:
        return TEXTS["disconnected"].format(state=state)
    desktop = windll.user32.OpenInputDesktop(0, False, DESKTOP_SWITCHDESKTOP)
    if not desktop:
        return TEXTS["locked"]
    windll.user32.CloseDesktop(desktop)
    return None


def refuse_keys_if_locked() -> None:
    """Raise (in Chinese, with the reason) when typed keys would go nowhere; nothing otherwise."""
    reason = desktop_lock_reason()
    if reason is not None:
        raise BrokerUnavailable(KEYS_LOCKED.format(reason=reason))


def _connect_state(windll) -> int | None:
    buffer = ctypes.c_void_p()
    size = wintypes.DWORD()
    ok = windll.wtsapi32.WTSQuerySessionInformationW(
        WTS_CURRENT_SERVER_HANDLE,
        WTS_CURRENT_SESSION,
        WTS_CONNECT_STATE,
        ctypes.byref(buffer),
        ctypes.byref(size),
    )
    if not ok or not buffer.value:
        return None
    try:
        return ctypes.cast(buffer, ctypes.POINTER(ctypes.c_int)).contents.value
    finally:
        windll.wtsapi32.WTSFreeMemory(buffer)
