"""Small Win32 helpers for the stand-in (Windows only): dialog templates, tree view, clipboard, bitmaps.

pywin32 does the window plumbing (window classes with Python window procedures, dialog templates);
ctypes fills the gaps (tree-view structs, NMHDR reads).
"""

from __future__ import annotations

import ctypes
import os
import tempfile
import time
from ctypes import wintypes

import win32api
import win32clipboard
import win32con
import win32gui

user32 = ctypes.WinDLL("user32", use_last_error=True)
comctl32 = ctypes.WinDLL("comctl32")

HINST = win32api.GetModuleHandle(None)

# Dialog-template class atoms.
BUTTON, EDIT, STATIC, LISTBOX, SCROLLBAR, COMBOBOX = 0x80, 0x81, 0x82, 0x83, 0x84, 0x85

CHILD = win32con.WS_CHILD | win32con.WS_VISIBLE
TAB = win32con.WS_TABSTOP
FONT = (9, "MS Shell Dlg")
SS_NOTIFY = 0x100
SS_BITMAP = 0x0E
STM_SETIMAGE = 0x0172
STN_CLICKED = 0

# Tree view.
TV_FIRST = 0x1100
TVM_EXPAND = TV_FIRST + 2
TVM_GETNEXTITEM = TV_FIRST + 10
TVM_SELECTITEM = TV_FIRST + 11
TVM_INSERTITEMW = TV_FIRST + 50
TVGN_CARET = 9
TVE_EXPAND = 2
TVIF_TEXT, TVIF_PARAM, TVIF_CHILDREN = 0x1, 0x4, 0x40
TVI_ROOT = ctypes.c_void_p(-0x10000 & 0xFFFFFFFFFFFFFFFF)
TVI_LAST = ctypes.c_void_p(-0xFFFE & 0xFFFFFFFFFFFFFFFF)
TVS_STYLE = 0x1 | 0x2 | 0x4 | 0x20  # HASBUTTONS | HASLINES | LINESATROOT | SHOWSELALWAYS
TVN_SELCHANGEDW = -451
TVN_SELCHANGEDA = -402


class TVITEMEXW(ctypes.Structure):
    _fields_ = [
        ("mask", wintypes.UINT),
        ("hItem", ctypes.c_void_p),
        ("state", wintypes.UINT),
        ("stateMask", wintypes.UINT),
        ("pszText", wintypes.LPWSTR),
        ("cchTextMax", ctypes.c_int),
        ("iImage", ctypes.c_int),
        ("iSelectedImage", ctypes.c_int),
        ("cChildren", ctypes.c_int),
        ("lParam", wintypes.LPARAM),
        ("iIntegral", ctypes.c_int),
        ("uStateEx", wintypes.UINT),
        ("hwnd", wintypes.HWND),
        ("iExpandedImage", ctypes.c_int),
        ("iReserved", ctypes.c_int),
    ]


class TVINSERTSTRUCTW(ctypes.Structure):
    _fields_ = [("hParent", ctypes.c_void_p), ("hInsertAfter", ctypes.c_void_p), ("item", TVITEMEXW)]


class NMHDR(ctypes.Structure):
    _fields_ = [("hwndFrom", wintypes.HWND), ("idFrom", ctypes.c_size_t), ("code", ctypes.c_int)]


user32.SendMessageW.restype = ctypes.c_ssize_t
user32.SendMessageW.argtypes = [wintypes.HWND, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]


def init_common_controls() -> None:
    class INITCOMMONCONTROLSEX(ctypes.Structure):
        _fields_ = [("dwSize", wintypes.DWORD), ("dwICC", wintypes.DWORD)]

    icc = INITCOMMONCONTROLSEX(ctypes.sizeof(INITCOMMONCONTROLSEX), 0x2 | 0x4000)  # TREEVIEW | STANDARD
    comctl32.InitCommonControlsEx(ctypes.byref(icc))


def tree_insert(tree: int, parent: int | None, text: str, param: int, has_children: bool = False) -> int:
    buf = ctypes.create_unicode_buffer(text)
    ins = TVINSERTSTRUCTW()
    ins.hParent = parent if parent else TVI_ROOT
    ins.hInsertAfter = TVI_LAST
    ins.item.mask = TVIF_TEXT | TVIF_PARAM | TVIF_CHILDREN
    ins.item.pszText = ctypes.cast(buf, wintypes.LPWSTR)
    ins.item.cchTextMax = len(text) + 1
    ins.item.cChildren = 1 if has_children else 0
    ins.item.lParam = param
    return user32.SendMessageW(tree, TVM_INSERTITEMW, 0, ctypes.addressof(ins))


def tree_expand(tree: int, item: int) -> None:
    user32.SendMessageW(tree, TVM_EXPAND, TVE_EXPAND, item)


def tree_select(tree: int, item: int) -> None:
    user32.SendMessageW(tree, TVM_SELECTITEM, TVGN_CARET, item)


def tree_selection(tree: int) -> int:
    return user32.SendMessageW(tree, TVM_GETNEXTITEM, TVGN_CARET, 0)


def notify_code(lparam: int) -> tuple[int, int]:
    """(code, idFrom) of the NMHDR a WM_NOTIFY points at (same process)."""
    hdr = NMHDR.from_address(lparam)
    return hdr.code, hdr.idFrom


def loword(value: int) -> int:
    return value & 0xFFFF


def hiword(value: int) -> int:
    return (value >> 16) & 0xFFFF


def set_clipboard(owner: int, text: str, *, tries: int = 100) -> None:
    """Put Unicode text on the clipboard (retrying while another process has it open)."""
    for _ in range(tries):
        try:
            win32clipboard.OpenClipboard(owner)
        except win32clipboard.error:
            time.sleep(0.005)
            continue
        try:
            win32clipboard.EmptyClipboard()
            win32clipboard.SetClipboardData(win32con.CF_UNICODETEXT, text)
        finally:
            win32clipboard.CloseClipboard()
        return
    raise RuntimeError("clipboard busy")


def bitmap_from_pil(image) -> int:
    """An HBITMAP holding a PIL image (through a temporary .bmp file: simple and exact)."""
    fd, path = tempfile.mkstemp(suffix=".bmp", prefix="standin-")
    os.close(fd)
    try:
        image.convert("RGB").save(path, "BMP")
        return win32gui.LoadImage(0, path, win32con.IMAGE_BITMAP, 0, 0, win32con.LR_LOADFROMFILE)
    finally:
        os.unlink(path)


def dialog(caption: str, size: tuple[int, int], controls: list[list], *, style: int = 0) -> list:
    """A pywin32 dialog template: header + controls ([class, text, id, (x, y, w, h), style])."""
    base = (
        win32con.WS_POPUP
        | win32con.WS_CAPTION
        | win32con.WS_SYSMENU
        | win32con.DS_MODALFRAME
        | win32con.DS_SETFONT
        | win32con.DS_CENTER
        | win32con.WS_VISIBLE
    )
    return [[caption, (0, 0, *size), style or base, None, FONT], *controls]


def page_template(controls: list[list]) -> list:
    style = win32con.WS_CHILD | win32con.DS_CONTROL | win32con.DS_SETFONT | win32con.WS_CLIPSIBLINGS
    return [["", (0, 0, 400, 300), style, None, FONT], *controls]


def label(text: str, rect: tuple[int, int, int, int], cid: int = -1, style: int = 0) -> list:
    return [STATIC, text, cid, rect, CHILD | style]


def edit(cid: int, rect: tuple[int, int, int, int], *, password: bool = False) -> list:
    style = CHILD | TAB | win32con.WS_BORDER | win32con.ES_AUTOHSCROLL
    if password:
        style |= win32con.ES_PASSWORD
    return [EDIT, "", cid, rect, style]


def button(text: str, cid: int, rect: tuple[int, int, int, int], *, default: bool = False) -> list:
    style = CHILD | TAB | (win32con.BS_DEFPUSHBUTTON if default else win32con.BS_PUSHBUTTON)
    return [BUTTON, text, cid, rect, style]


def combo(cid: int, rect: tuple[int, int, int, int]) -> list:
    return [COMBOBOX, "", cid, rect, CHILD | TAB | win32con.CBS_DROPDOWNLIST | win32con.WS_VSCROLL]


def combo_fill(combo_hwnd: int, items: list[str], select: int = 0) -> None:
    win32gui.SendMessage(combo_hwnd, win32con.CB_RESETCONTENT, 0, 0)
    for item in items:
        win32gui.SendMessage(combo_hwnd, win32con.CB_ADDSTRING, 0, item)
    if items:
        win32gui.SendMessage(combo_hwnd, win32con.CB_SETCURSEL, select, 0)


def combo_text(combo_hwnd: int) -> str:
    index = win32gui.SendMessage(combo_hwnd, win32con.CB_GETCURSEL, 0, 0)
    if index < 0:
        return ""
    length = win32gui.SendMessage(combo_hwnd, win32con.CB_GETLBTEXTLEN, index, 0)
    buf = ctypes.create_unicode_buffer(length + 1)
    user32.SendMessageW(combo_hwnd, win32con.CB_GETLBTEXT, index, ctypes.addressof(buf))
    return buf.value


def get_text(hwnd: int) -> str:
    return win32gui.GetWindowText(hwnd)


def set_text(hwnd: int, text: str) -> None:
    win32gui.SetWindowText(hwnd, text)


def ctrl_down() -> bool:
    return bool(win32api.GetKeyState(win32con.VK_CONTROL) & 0x8000)


# pywin32 has no SetTimer/KillTimer/GetMessageTime in win32gui/win32api: ctypes.
user32.SetTimer.restype = ctypes.c_size_t
user32.SetTimer.argtypes = [wintypes.HWND, ctypes.c_size_t, wintypes.UINT, ctypes.c_void_p]
user32.KillTimer.argtypes = [wintypes.HWND, ctypes.c_size_t]
user32.GetMessageTime.restype = wintypes.LONG


def set_timer(hwnd: int, timer_id: int, ms: int) -> None:
    """WM_TIMER ``timer_id`` to ``hwnd`` every ``ms`` (the handler kills it after the first)."""
    user32.SetTimer(hwnd, timer_id, max(1, int(ms)), None)


def kill_timer(hwnd: int, timer_id: int) -> None:
    user32.KillTimer(hwnd, timer_id)


def message_time() -> int:
    """GetMessageTime: when the message being handled was posted (ms since boot, 32-bit)."""
    return user32.GetMessageTime() & 0xFFFFFFFF


def busy(ms: int) -> None:
    """The client's thread busy this long (a slow handler), so later input waits in its queue."""
    if ms > 0:
        time.sleep(ms / 1000)
