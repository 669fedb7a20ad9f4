"""Find a client's process by its exe path: every running process's image path, compared exactly.

Why not pywinauto's ``connect(path=...)``: its ``process_from_module`` takes the *last* process whose
module path merely *contains* the given text (``xiadan.exe`` matches every client) and never says that
two processes matched. With several xiadan.exe on one desktop (one per account, each from its own
folder, all titled 网上股票交易系统5.0) the gateway must know which process is which, and refuse when two
run from the same folder. It also reads each path with ``GetModuleFileNameEx``, which needs
``PROCESS_VM_READ``: a client started "as administrator" denies that to a normal user.

Here: ``K32EnumProcesses`` for the pids, then ``QueryFullProcessImageNameW`` with
``PROCESS_QUERY_LIMITED_INFORMATION`` (granted even where ``PROCESS_VM_READ`` is not, across 32/64
bits; Wine implements both), and :func:`same_exe` to compare paths the way Windows does
(case-insensitive, either slash, ``..`` resolved, the ``\\\\?\\`` prefix dropped). The matching itself is
plain Python, so it is tested on Linux too; the ctypes calls are Windows only (``ctypes.windll``).
"""

from __future__ import annotations

import ctypes
import ntpath
from collections.abc import Iterable, Mapping
from ctypes import wintypes
from functools import cache
from typing import Any

PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_LONG_PREFIX = "\\\\?\\"
_MAX_PIDS = 65536


def normal_exe(path: str) -> str:
    """A Windows path as Windows compares it: backslashes, ``.``/``..`` resolved, case folded."""
    text = path.strip().strip('"').replace("/", "\\")
    if text.startswith(_LONG_PREFIX):
        text = text[len(_LONG_PREFIX) :]
    return ntpath.normcase(ntpath.normpath(text))


def same_exe(a: str, b: str) -> bool:
    return normal_exe(a) == normal_exe(b)


def matching(images: Mapping[int, str], exe_path: str) -> list[int]:
    """The pids (sorted) whose image path is ``exe_path``; ``images`` maps pid → image path."""
    wanted = normal_exe(exe_path)
    return sorted(pid for pid, image in images.items() if image and normal_exe(image) == wanted)


@cache
def _kernel32() -> Any:
    k = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    dword = wintypes.DWORD
    k.K32EnumProcesses.argtypes = [ctypes.POINTER(dword), dword, ctypes.POINTER(dword)]
    k.K32EnumProcesses.restype = wintypes.BOOL
    k.OpenProcess.argtypes = [dword, wintypes.BOOL, dword]
    k.OpenProcess.restype = wintypes.HANDLE
    k.QueryFullProcessImageNameW.argtypes = [wintypes.HANDLE, dword, wintypes.LPWSTR, ctypes.POINTER(dword)]
    k.QueryFullProcessImageNameW.restype = wintypes.BOOL
    k.CloseHandle.argtypes = [wintypes.HANDLE]
    return k


def running_pids() -> list[int]:
    """Every process id (K32EnumProcesses; the array grows until it is not full)."""
    k = _kernel32()
    size = 1024
    while True:
        array = (wintypes.DWORD * size)()
        used = wintypes.DWORD()
        if not k.K32EnumProcesses(array, ctypes.sizeof(array), ctypes.byref(used)):
            raise OSError(ctypes.get_last_error(), "EnumProcesses")  # type: ignore[attr-defined]
        count = used.value // ctypes.sizeof(wintypes.DWORD)
        if count < size or size >= _MAX_PIDS:
            return [int(pid) for pid in array[:count] if pid]
        size *= 4


def image_path(pid: int) -> str | None:
    """The process's exe path in Win32 form, or None (gone, or not ours to ask about)."""
    k = _kernel32()
    handle = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return None
    try:
        buffer = ctypes.create_unicode_buffer(32768)
        size = wintypes.DWORD(len(buffer))
        if not k.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
            return None
        return buffer.value
    finally:
        k.CloseHandle(handle)


def images(pids: Iterable[int] | None = None) -> dict[int, str]:
    """pid → image path for every process that answers."""
    found = {}
    for pid in running_pids() if pids is None else pids:
        path = image_path(pid)
        if path:
            found[pid] = path
    return found


def pids_of(exe_path: str) -> list[int]:
    """The running processes started from ``exe_path`` (sorted pids; empty when none)."""
    return matching(images(), exe_path)
