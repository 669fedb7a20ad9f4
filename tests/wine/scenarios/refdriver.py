"""A minimal reference DesktopDriver for the Wine harness (Windows side): pywinauto win32 backend + pywin32.

Not the product: ``ashare_gateway.desktop.win32.Win32Driver`` is. This one exists so that the harness can
tell a driver bug from an adapter or stand-in bug (run the same scenario with ``--driver ref``), and
so the adapter could be exercised against the real GUI before the product driver existed.
"""

from __future__ import annotations

import contextlib
import io

import win32clipboard
import win32con
import win32gui
from pywinauto import findwindows
from pywinauto.application import Application, ProcessNotFoundError
from pywinauto.controls.common_controls import TreeViewWrapper
from pywinauto.controls.hwndwrapper import HwndWrapper
from pywinauto.controls.win32_controls import ComboBoxWrapper

from ashare_gateway.desktop.driver import ControlInfo, WindowInfo


class RefDriver:
    def __init__(self) -> None:
        self.app: Application | None = None
        self.pid: int | None = None

    # --- process ------------------------------------------------------------------------------------
    def start(self, exe_path: str) -> None:
        self.app = Application(backend="win32").start(exe_path, wait_for_idle=False)
        self.pid = self.app.process

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        try:
            if exe_path:
                self.app = Application(backend="win32").connect(path=exe_path, timeout=0.5)
            else:
                self.app = Application(backend="win32").connect(title_re=title_re, timeout=0.5)
        except (ProcessNotFoundError, findwindows.ElementNotFoundError, Exception):
            return False
        self.pid = self.app.process
        return True

    def is_alive(self) -> bool:
        return self.app is not None and self.app.is_process_running()

    def kill(self) -> None:
        if self.app is not None:
            self.app.kill()

    # --- windows and controls -------------------------------------------------------------------------
    def top_windows(self) -> list[WindowInfo]:
        if self.pid is None:
            return []
        out = []
        for h in findwindows.find_windows(process=self.pid, top_level_only=True, visible_only=True):
            try:  # a window can close between the enumeration and the reads
                # The stored caption: never blocks, even when the window's thread is busy.
                out.append(WindowInfo(h, win32gui.GetWindowText(h), win32gui.GetClassName(h), True))
            except win32gui.error:
                continue
        return out

    def _descendants(self, parent: int) -> list[int]:
        found: list[int] = []
        with contextlib.suppress(win32gui.error):
            win32gui.EnumChildWindows(parent, lambda h, acc: acc.append(h) or True, found)
        return [h for h in found if win32gui.IsWindowVisible(h)]

    def find_control(
        self,
        parent: int,
        *,
        control_id: int | None = None,
        class_name: str | None = None,
        title: str | None = None,
    ) -> int | None:
        for h in self._descendants(parent):
            try:
                if control_id is not None and win32gui.GetDlgCtrlID(h) != control_id:
                    continue
                if class_name is not None and win32gui.GetClassName(h) != class_name:
                    continue
            except win32gui.error:
                continue
            if title is not None and _text(h) != title:
                continue
            return h
        return None

    def child(self, parent: int, control_id: int) -> int | None:
        try:
            return win32gui.GetDlgItem(parent, control_id) or None
        except win32gui.error:  # pywin32 raises where GetDlgItem returns NULL
            return None

    def children(self, parent: int) -> list[ControlInfo]:
        out = []
        for h in self._descendants(parent):
            try:
                out.append(
                    ControlInfo(
                        h,
                        win32gui.GetDlgCtrlID(h),
                        win32gui.GetClassName(h),
                        _text(h),
                        True,
                        bool(win32gui.IsWindowEnabled(h)),
                    )
                )
            except win32gui.error:
                continue
        return out

    def get_text(self, handle: int) -> str:
        return _text(handle)

    def text_length(self, handle: int) -> int:
        return win32gui.SendMessage(handle, win32con.WM_GETTEXTLENGTH, 0, 0)

    def set_text(self, handle: int, text: str) -> None:
        win32gui.SendMessage(handle, win32con.WM_SETTEXT, 0, text)

    def type_keys(self, handle: int, keys: str) -> None:
        HwndWrapper(handle).type_keys(keys, set_foreground=True, pause=0)

    def click(self, handle: int) -> None:
        if win32gui.GetClassName(handle) == "Button":
            win32gui.PostMessage(handle, win32con.BM_CLICK, 0, 0)
        else:
            win32gui.PostMessage(handle, win32con.WM_LBUTTONDOWN, win32con.MK_LBUTTON, 0x00010001)
            win32gui.PostMessage(handle, win32con.WM_LBUTTONUP, 0, 0x00010001)

    def send_command(self, window: int, command_id: int) -> None:
        win32gui.PostMessage(window, win32con.WM_COMMAND, command_id, 0)

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        TreeViewWrapper(tree).get_item(list(path)).select()

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        paths: list[tuple[str, ...]] = []
        stack = [((), e) for e in reversed(TreeViewWrapper(tree).roots())]
        while stack:
            parent, element = stack.pop()
            paths.append((*parent, element.text()))
            stack.extend((paths[-1], child) for child in reversed(element.children()))
        return paths

    def combo_items(self, combo: int) -> list[str]:
        return list(ComboBoxWrapper(combo).item_texts())

    def select_combo(self, combo: int, index: int) -> None:
        ComboBoxWrapper(combo).select(index)

    def close_window(self, handle: int) -> None:
        win32gui.PostMessage(handle, win32con.WM_CLOSE, 0, 0)

    # --- clipboard and images -----------------------------------------------------------------------------
    def get_clipboard(self) -> str:
        try:
            win32clipboard.OpenClipboard()
        except win32clipboard.error:
            return ""
        try:
            if win32clipboard.IsClipboardFormatAvailable(win32con.CF_UNICODETEXT):
                return win32clipboard.GetClipboardData(win32con.CF_UNICODETEXT)
            return ""
        finally:
            win32clipboard.CloseClipboard()

    def clear_clipboard(self) -> None:
        win32clipboard.OpenClipboard()
        try:
            win32clipboard.EmptyClipboard()
        finally:
            win32clipboard.CloseClipboard()

    def capture_image(self, handle: int) -> bytes:
        buf = io.BytesIO()
        HwndWrapper(handle).capture_as_image().save(buf, "PNG")
        return buf.getvalue()


def _text(handle: int) -> str:
    try:
        return HwndWrapper(handle).window_text()
    except Exception:
        return ""
