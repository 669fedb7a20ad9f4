"""``VirtualKeyWin32Driver``: ``Win32Driver`` plus keys as virtual-key codes and the process's exe path.

Why a subclass: only 同花顺 hexin.exe needs them (its 键盘精灵 ignores VK_PACKET characters; its trading
client is the xiadan.exe in its own folder), and ``win32.py`` is kept to one job per change. Windows
only, imported lazily like ``win32``.
"""

from __future__ import annotations

import ctypes
from ctypes import wintypes
from functools import cache
from typing import Any

from .win32 import Win32Driver, _win32_errors

PROCESS_QUERY_LIMITED_INFORMATION = 0x1000  # granted across 32/64 bits and for elevated processes


class VirtualKeyWin32Driver(Win32Driver):
    def press_keys(self, handle: int, keys: str) -> None:
        """``type_keys`` with ``vk_packet=False``: '2' goes as VK 0x32 (SendInput wVk), not VK_PACKET."""
        keyboard = self._pw["keyboard"]
        with _win32_errors("发送按键"):
            self._focus(handle)
            keyboard.send_keys(keys, pause=0, with_spaces=True, vk_packet=False)

    def process_exe(self) -> str | None:
        """QueryFullProcessImageNameW of the attached process (what Windows and Wine both answer)."""
        pid = self.process_id()
        if pid is None:
            return None
        k = _kernel32()
        handle = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return None
        try:
            buffer = ctypes.create_unicode_buffer(32768)
            size = wintypes.DWORD(len(buffer))
            ok = k.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size))
            return buffer.value if ok else None
        finally:
            k.CloseHandle(handle)


@cache
def _kernel32() -> Any:
    k = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    dword = wintypes.DWORD
    k.OpenProcess.argtypes = [dword, wintypes.BOOL, dword]
    k.OpenProcess.restype = wintypes.HANDLE
    k.QueryFullProcessImageNameW.argtypes = [wintypes.HANDLE, dword, wintypes.LPWSTR, ctypes.POINTER(dword)]
    k.QueryFullProcessImageNameW.restype = wintypes.BOOL
    k.CloseHandle.argtypes = [wintypes.HANDLE]
    return k
