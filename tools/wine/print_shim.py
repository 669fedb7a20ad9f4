"""Wine-only: ``PrintWindow`` across processes, as Windows does it (loaded by ``shims.install``).

On Windows, ``PrintWindow(hwnd, hdc, flags)`` on another process's window works: the system has the
window draw itself (``WM_PRINT``) into a DC its own process can use and copies the result into the
caller's DC. Wine 8's ``PrintWindow`` just sends ``WM_PRINT`` with the *caller's* HDC (user32
painting.c), a GDI handle that means nothing in the window's process (Wine keeps GDI objects per
process): the caller's bitmap stays black. Measured here: a covered Static captured by another
process came back all black, 1.2 ms; the same call inside the window's own process gives its bitmap.

The shim does the system's part with the window's process' help, and nothing else:

* every shimmed Windows Python (``ASHARE_WINE_SHIMS=1``) runs a message-only window
  ``AshareWinePrint`` titled ``ashare-print-<pid>`` on a thread of its own;
* the caller's ``PrintWindow`` (``ctypes.windll.user32.PrintWindow`` replaced in the caller's process)
  for a window of another process creates a shared bitmap (a DIB section on a named file mapping),
  sends that process's print window ``WM_COPYDATA`` naming it; the print window opens the same
  mapping as a DIB section of its own, sends the target ``WM_PRINT`` with the flags Wine's own
  ``PrintWindow`` uses, and returns; the caller copies the shared bitmap into its DC.

The window's own ``WM_PRINT`` handling is untouched: a control that draws nothing into a DC it is given
still gives nothing, as on Windows. A window of a process without the shim gets Wine's own call.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import threading
from ctypes import wintypes
from typing import Any

PW_CLIENTONLY = 0x1
WM_PRINT = 0x0317
WM_COPYDATA = 0x004A
PRF_NONCLIENT, PRF_CLIENT, PRF_ERASEBKGND, PRF_CHILDREN, PRF_OWNED = 0x2, 0x4, 0x8, 0x10, 0x20
HWND_MESSAGE = -3
PAGE_READWRITE = 0x04
FILE_MAP_ALL_ACCESS = 0xF001F
SRCCOPY = 0x00CC0020
SMTO_ABORTIFHUNG = 0x0002
PRINT_CLASS = "AshareWinePrint"
COPYDATA_MAGIC = 0x41504E54  # "APNT"
TIMEOUT_MS = 5000

user32 = ctypes.WinDLL("user32", use_last_error=True)
gdi32 = ctypes.WinDLL("gdi32", use_last_error=True)
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)


class BitmapInfoHeader(ctypes.Structure):
    _fields_ = [
        ("biSize", wintypes.DWORD),
        ("biWidth", wintypes.LONG),
        ("biHeight", wintypes.LONG),
        ("biPlanes", wintypes.WORD),
        ("biBitCount", wintypes.WORD),
        ("biCompression", wintypes.DWORD),
        ("biSizeImage", wintypes.DWORD),
        ("biXPelsPerMeter", wintypes.LONG),
        ("biYPelsPerMeter", wintypes.LONG),
        ("biClrUsed", wintypes.DWORD),
        ("biClrImportant", wintypes.DWORD),
    ]


class CopyDataStruct(ctypes.Structure):
    _fields_ = [("dwData", ctypes.c_size_t), ("cbData", wintypes.DWORD), ("lpData", ctypes.c_void_p)]


HDC, HANDLE, HWND = wintypes.HDC, wintypes.HANDLE, wintypes.HWND
user32.GetWindowThreadProcessId.argtypes = [HWND, ctypes.POINTER(wintypes.DWORD)]
user32.FindWindowExW.argtypes = [HWND, HWND, wintypes.LPCWSTR, wintypes.LPCWSTR]
user32.FindWindowExW.restype = HWND
user32.GetClientRect.argtypes = [HWND, ctypes.POINTER(wintypes.RECT)]
user32.GetWindowRect.argtypes = [HWND, ctypes.POINTER(wintypes.RECT)]
user32.SendMessageTimeoutW.argtypes = [
    HWND,
    wintypes.UINT,
    ctypes.c_size_t,
    ctypes.c_ssize_t,
    wintypes.UINT,
    wintypes.UINT,
    ctypes.POINTER(ctypes.c_size_t),
]
user32.GetDC.argtypes, user32.GetDC.restype = [HWND], HDC
user32.ReleaseDC.argtypes = [HWND, HDC]
user32.SendMessageW.argtypes = [HWND, wintypes.UINT, ctypes.c_size_t, ctypes.c_ssize_t]
user32.SendMessageW.restype = ctypes.c_ssize_t
gdi32.CreateCompatibleDC.argtypes, gdi32.CreateCompatibleDC.restype = [HDC], HDC
gdi32.CreateDIBSection.argtypes = [
    HDC,
    ctypes.POINTER(BitmapInfoHeader),
    wintypes.UINT,
    ctypes.POINTER(ctypes.c_void_p),
    HANDLE,
    wintypes.DWORD,
]
gdi32.CreateDIBSection.restype = wintypes.HBITMAP
gdi32.SelectObject.argtypes, gdi32.SelectObject.restype = [HDC, HANDLE], HANDLE
gdi32.DeleteObject.argtypes = [HANDLE]
gdi32.DeleteDC.argtypes = [HDC]
_INT = ctypes.c_int
gdi32.BitBlt.argtypes = [HDC, _INT, _INT, _INT, _INT, HDC, _INT, _INT, wintypes.DWORD]
kernel32.CreateFileMappingW.argtypes = [
    HANDLE,
    ctypes.c_void_p,
    wintypes.DWORD,
    wintypes.DWORD,
    wintypes.DWORD,
    wintypes.LPCWSTR,
]
kernel32.CreateFileMappingW.restype = HANDLE
kernel32.OpenFileMappingW.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.LPCWSTR]
kernel32.OpenFileMappingW.restype = HANDLE
kernel32.CloseHandle.argtypes = [HANDLE]

_real_print_window: Any = None
_serial = itertools.count(1)
_server: threading.Thread | None = None


def install() -> None:
    """Replace this process's PrintWindow and start its print window (idempotent)."""
    global _real_print_window, _server
    if _real_print_window is None:
        _real_print_window = ctypes.windll.user32.PrintWindow
        ctypes.windll.user32.PrintWindow = print_window
    if _server is None:
        _server = threading.Thread(target=_serve, name="wine-print-shim", daemon=True)
        _server.start()


def uninstall() -> None:
    """Wine's own PrintWindow again in this process (a test of the driver's screen fallback)."""
    global _real_print_window
    if _real_print_window is not None:
        ctypes.windll.user32.PrintWindow = _real_print_window
        _real_print_window = None


def _value(x: Any) -> int:
    return int(getattr(x, "value", x) or 0)


def _dib(hdc: int, width: int, height: int, section: int) -> tuple[int, int]:
    """A memory DC with a 32-bit top-down DIB section on ``section`` selected into it."""
    header = BitmapInfoHeader(
        biSize=ctypes.sizeof(BitmapInfoHeader), biWidth=width, biHeight=-height, biPlanes=1, biBitCount=32
    )
    bits = ctypes.c_void_p()
    bitmap = gdi32.CreateDIBSection(hdc, ctypes.byref(header), 0, ctypes.byref(bits), section, 0)
    memdc = gdi32.CreateCompatibleDC(hdc)
    gdi32.SelectObject(memdc, bitmap)
    return memdc, bitmap


def print_window(hwnd: Any, hdc: Any, flags: Any) -> int:
    hwnd, hdc, flags = _value(hwnd), _value(hdc), _value(flags)
    pid = wintypes.DWORD()
    user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
    server = 0
    if pid.value and pid.value != os.getpid():
        server = user32.FindWindowExW(HWND_MESSAGE, None, PRINT_CLASS, f"ashare-print-{pid.value}")
    if not server:
        return int(_real_print_window(HWND(hwnd), HDC(hdc), wintypes.UINT(flags)))
    rect = wintypes.RECT()
    measure = user32.GetClientRect if flags & PW_CLIENTONLY else user32.GetWindowRect
    if not measure(hwnd, ctypes.byref(rect)):
        return 0
    width, height = rect.right - rect.left, rect.bottom - rect.top
    if width <= 0 or height <= 0:
        return 0
    name = f"ashare-print-{os.getpid()}-{next(_serial)}"
    section = kernel32.CreateFileMappingW(HANDLE(-1), None, PAGE_READWRITE, 0, width * height * 4, name)
    if not section:
        return 0
    memdc, bitmap = _dib(hdc, width, height, section)
    try:
        payload = json.dumps({"hwnd": hwnd, "flags": flags, "w": width, "h": height, "name": name}).encode()
        buffer = ctypes.create_string_buffer(payload)
        data = CopyDataStruct(COPYDATA_MAGIC, len(payload), ctypes.cast(buffer, ctypes.c_void_p))
        answer = ctypes.c_size_t()
        sent = user32.SendMessageTimeoutW(
            server, WM_COPYDATA, 0, ctypes.addressof(data), SMTO_ABORTIFHUNG, TIMEOUT_MS, ctypes.byref(answer)
        )
        if not sent or answer.value != 1:
            return 0
        return int(bool(gdi32.BitBlt(hdc, 0, 0, width, height, memdc, 0, 0, SRCCOPY)))
    finally:
        gdi32.DeleteDC(memdc)
        gdi32.DeleteObject(bitmap)
        kernel32.CloseHandle(section)


def _print_request(lparam: int) -> int:
    """In the window's process: draw the window into the caller's shared bitmap; 1 when done."""
    data = CopyDataStruct.from_address(lparam)
    if data.dwData != COPYDATA_MAGIC:
        return 0
    request = json.loads(ctypes.string_at(data.lpData, data.cbData))
    section = kernel32.OpenFileMappingW(FILE_MAP_ALL_ACCESS, False, request["name"])
    if not section:
        return 0
    screen = user32.GetDC(None)
    memdc, bitmap = _dib(screen, request["w"], request["h"], section)
    try:
        flags = PRF_CHILDREN | PRF_ERASEBKGND | PRF_OWNED | PRF_CLIENT  # what Wine's PrintWindow sends
        if not request["flags"] & PW_CLIENTONLY:
            flags |= PRF_NONCLIENT
        user32.SendMessageW(request["hwnd"], WM_PRINT, memdc, flags)
        gdi32.GdiFlush()
        return 1
    finally:
        gdi32.DeleteDC(memdc)
        gdi32.DeleteObject(bitmap)
        user32.ReleaseDC(None, screen)
        kernel32.CloseHandle(section)


def _serve() -> None:
    import win32gui

    def proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        if msg == WM_COPYDATA:
            try:
                return _print_request(lparam)
            except Exception:
                return 0
        return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)

    wc = win32gui.WNDCLASS()
    wc.hInstance = win32gui.GetModuleHandle(None)
    wc.lpszClassName = PRINT_CLASS
    wc.lpfnWndProc = proc
    win32gui.RegisterClass(wc)
    title = f"ashare-print-{os.getpid()}"
    win32gui.CreateWindowEx(0, PRINT_CLASS, title, 0, 0, 0, 0, 0, HWND_MESSAGE, 0, 0, None)
    win32gui.PumpMessages()
