"""The captcha image taken from the control's own DC, not from the screen (issue 14 "Window state").

pywinauto's ``capture_as_image`` copies the control's rectangle *from the screen*, so it reads whatever
is on screen there: a 悬浮工具栏 or a 成交回报 toast over the image, another program, black pixels in a
locked or disconnected session, and a rectangle scaled by DPI virtualisation. The recogniser then
types a wrong code, the client answers 验证码错误 and shows a new image that is read just as wrongly.

Here the control draws itself: ``PrintWindow(hwnd, memdc, PW_CLIENTONLY)`` sends it ``WM_PRINT`` (a
``Static`` answers with ``WM_PRINTCLIENT``, drawing its bitmap into the DC it is given) into a bitmap
of our own sized from ``GetClientRect``. The thread asks for the sizes in the *window's* DPI awareness
(``SetThreadDpiAwarenessContext(GetWindowDpiAwarenessContext(hwnd))``, Windows 10 1607+; skipped where
it does not exist), so a DPI-unaware client's 92×38 image is 92×38 pixels, not a scaled rectangle with
the image in one corner: no DPI guess anywhere.

A control that does not draw into a DC it is given (some owner-drawn or DirectX controls) leaves the
bitmap as it was: one colour. That counts as "nothing": it is logged and the screen grab is used. Every
capture logs which source it used (``capture_source`` on the log record).

Windows only (ctypes.windll); imported lazily by ``Win32Driver``.
"""

from __future__ import annotations

import ctypes
import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from ctypes import wintypes
from enum import StrEnum
from functools import cache
from typing import Any

from PIL import Image

from ..domain.errors import BrokerUnavailable

log = logging.getLogger(__name__)

PW_CLIENTONLY = 0x1
BI_RGB = 0
DIB_RGB_COLORS = 0
NOT_CAPTURED = "无法截取控件图像（窗口是否最小化或被遮挡？）"


class CaptureSource(StrEnum):
    """Where a captcha's pixels came from."""

    DC = "dc"  # the control drew itself into our bitmap (PrintWindow)
    SCREEN = "screen"  # the control's rectangle copied from the screen (pywinauto capture_as_image)


class _BitmapInfoHeader(ctypes.Structure):
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


def capture_png(handle: int, screen_grab: Callable[[], Image.Image | None]) -> bytes:
    """The control's image as PNG: from its own DC, or from the screen when the DC gave nothing."""
    image = dc_image(handle)
    source = CaptureSource.DC
    if image is None or one_colour(image):
        log.info(
            "control %#x drew nothing into our DC (%s): captured from the screen instead",
            handle,
            "no image" if image is None else "one colour",
            extra={"capture_source": CaptureSource.SCREEN.value},
        )
        image, source = screen_grab(), CaptureSource.SCREEN
        if image is None:
            raise BrokerUnavailable(NOT_CAPTURED)
    else:
        log.debug("control %#x captured from its DC", handle, extra={"capture_source": source.value})
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def one_colour(image: Image.Image) -> bool:
    """Every pixel alike: what a bitmap nobody drew into looks like (and no captcha ever does)."""
    extrema = image.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(low == high for low, high in bands)


def dc_image(handle: int) -> Image.Image | None:
    """The control drawn by itself into a bitmap of its client size; None when it has no client area
    or PrintWindow fails."""
    user32, gdi32 = _user32(), _gdi32()
    with _window_dpi(handle):
        rect = wintypes.RECT()
        if not user32.GetClientRect(handle, ctypes.byref(rect)):
            return None
        width, height = rect.right - rect.left, rect.bottom - rect.top
        if width <= 0 or height <= 0:
            return None
        header = _BitmapInfoHeader(
            biSize=ctypes.sizeof(_BitmapInfoHeader),
            biWidth=width,
            biHeight=-height,  # top-down rows, as PIL reads them
            biPlanes=1,
            biBitCount=32,
            biCompression=BI_RGB,
        )
        screen = user32.GetDC(None)
        memdc = gdi32.CreateCompatibleDC(screen)
        bits = ctypes.c_void_p()
        bitmap = gdi32.CreateDIBSection(
            memdc, ctypes.byref(header), DIB_RGB_COLORS, ctypes.byref(bits), None, 0
        )
        try:
            if not bitmap or not bits.value:
                return None
            old = gdi32.SelectObject(memdc, bitmap)
            # Looked up on the process-wide loader at each call (under Wine, tools/wine/print_shim.py
            # stands in for Windows' cross-process PrintWindow there).
            printed = ctypes.windll.user32.PrintWindow(  # type: ignore[attr-defined]
                wintypes.HWND(handle), wintypes.HDC(memdc), wintypes.UINT(PW_CLIENTONLY)
            )
            gdi32.GdiFlush()
            gdi32.SelectObject(memdc, old)
            if not printed:
                return None
            data = ctypes.string_at(bits.value, width * height * 4)
            return Image.frombuffer("RGB", (width, height), data, "raw", "BGRX", 0, 1)
        finally:
            if bitmap:
                gdi32.DeleteObject(bitmap)
            gdi32.DeleteDC(memdc)
            user32.ReleaseDC(None, screen)


@contextmanager
def _window_dpi(handle: int) -> Iterator[None]:
    """This thread in the window's own DPI awareness while it is measured and printed (Win10 1607+)."""
    user32 = _user32()
    get_context = getattr(user32, "GetWindowDpiAwarenessContext", None)
    set_context = getattr(user32, "SetThreadDpiAwarenessContext", None)
    if get_context is None or set_context is None:
        yield
        return
    get_context.argtypes, get_context.restype = [wintypes.HWND], ctypes.c_void_p
    set_context.argtypes, set_context.restype = [ctypes.c_void_p], ctypes.c_void_p
    context = get_context(handle)
    previous = set_context(context) if context else None
    try:
        yield
    finally:
        if previous:
            set_context(previous)


@cache
def _user32() -> Any:
    u = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    u.GetClientRect.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.RECT)]
    u.GetDC.argtypes, u.GetDC.restype = [wintypes.HWND], wintypes.HDC
    u.ReleaseDC.argtypes = [wintypes.HWND, wintypes.HDC]
    return u


@cache
def _gdi32() -> Any:
    g = ctypes.WinDLL("gdi32", use_last_error=True)  # type: ignore[attr-defined]
    handle = wintypes.HANDLE
    g.CreateCompatibleDC.argtypes, g.CreateCompatibleDC.restype = [wintypes.HDC], wintypes.HDC
    g.CreateDIBSection.argtypes = [
        wintypes.HDC,
        ctypes.POINTER(_BitmapInfoHeader),
        wintypes.UINT,
        ctypes.POINTER(ctypes.c_void_p),
        handle,
        wintypes.DWORD,
    ]
    g.CreateDIBSection.restype = wintypes.HBITMAP
    g.SelectObject.argtypes, g.SelectObject.restype = [wintypes.HDC, handle], handle
    g.DeleteObject.argtypes = [handle]
    g.DeleteDC.argtypes = [wintypes.HDC]
    return g
