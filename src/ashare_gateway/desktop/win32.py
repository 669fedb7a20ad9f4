"""Win32Driver: the DesktopDriver protocol on real Windows, with pywinauto 0.6.9 (win32 backend) and pywin32.

Windows only, imported lazily: pywinauto and pywin32 are installed through environment markers
(``sys_platform == 'win32'``), so importing this module on Linux works and constructing the driver
there raises a clear error instead.

Choices made for xiadan.exe (client-automation.md §5):
- Messages that need no memory in the client's process where possible: ``WM_SETTEXT`` (marshalled by
  Windows), ``WM_COMMAND`` navigation, ``BM_CLICK``, the clipboard. The 32-bit client and a 64-bit
  Python then do not trip over each other; only the tree view's item lookup reads remote memory.
- Clicks are *posted*: a submit button opens a modal confirm dialog, and a sent ``BM_CLICK`` would not
  return until that dialog closed.
- Sent messages use ``SendMessageTimeout`` with ``SMTO_ABORTIFHUNG``, so a hung client cannot hang us.
- No pywinauto waits: ``wait_for_idle=False`` on start and ``pause=0`` between keys; waiting is the
  caller's job (``wait_until``). The one pause is ``CTRL_HOLD`` inside a Ctrl chord, a key timing the
  client needs (it reads Ctrl with GetAsyncKeyState), not a wait for anything.
- Keys go to the control itself: ``AttachThreadInput`` + ``SetFocus`` before typing (pywinauto's
  ``set_focus`` only brings the window forward). Window owners come from ``GetWindow(GW_OWNER)``.
- Every Win32/pywinauto failure becomes ``BrokerUnavailable`` with a Chinese message.
"""

from __future__ import annotations

import ctypes
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ..domain.errors import BrokerUnavailable, ClientBusy, GatewayError
from ..domain.messages import SAME_EXE, SAME_TITLE
from . import user32, win32_process, win32_tree
from .driver import ControlInfo, WindowInfo
from .waiting import wait_until
from .win32_session import desktop_lock_reason, refuse_keys_if_locked

WM_SETTEXT = 0x000C
WM_GETTEXTLENGTH = 0x000E
WM_CLOSE = 0x0010
WM_COMMAND = 0x0111
WM_LBUTTONDOWN = 0x0201
WM_LBUTTONUP = 0x0202
MK_LBUTTON = 0x0001
BM_CLICK = 0x00F5
SMTO_ABORTIFHUNG = 0x0002
CF_TEXT = 1
CF_UNICODETEXT = 13
SEND_TIMEOUT_MS = 5000
COMMAND_TIMEOUT_MS = 2000  # a navigation command the client has not handled by then is left to finish
CTRL_HOLD = 0.1  # seconds Ctrl stays down after the letter of a chord (GetAsyncKeyState; see type_keys)
_CTRL_CHORD = re.compile(r"\^([a-z])")
TVM_SELECTITEM = 0x110B
TVGN_CARET = 0x0009
SW_RESTORE = 9


class Win32Driver(win32_tree.MenuTreeReader):  # + tree_paths: the menu tree item by item
    """One attached client process. Handles are HWNDs."""

    def __init__(self) -> None:
        self._pw = _import_pywinauto()
        self._app: Any = None
        self._tree_items: dict[tuple[int, tuple[str, ...]], int] = {}

    # --- process ---------------------------------------------------------------------------------
    def start(self, exe_path: str) -> None:
        application = self._pw["application"]
        with _win32_errors("启动客户端"):
            app = application.Application(backend="win32")
            app.start(f'"{exe_path}"', wait_for_idle=False, work_dir=os.path.dirname(exe_path) or None)
        self._app = app

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        """Attach to the client by its process: exe path → pid → that process's windows.

        By exe path: the one process whose image path is that exe (``win32_process``); two from one
        path are refused (two accounts must not share a client folder). By title only when exactly
        one process shows it: several xiadan.exe all show 网上股票交易系统5.0.
        """
        application, findwindows = self._pw["application"], self._pw["findwindows"]
        pids: list[int] = []
        try:
            if exe_path is not None:
                if not os.path.exists(exe_path):
                    return False
                pids = win32_process.pids_of(exe_path)
                refusal = SAME_EXE.format(count=len(pids), path=exe_path, pids="、".join(map(str, pids)))
            elif title_re is not None:
                found = findwindows.find_elements(
                    title_re=title_re, top_level_only=True, visible_only=True, backend="win32"
                )
                pids = sorted({e.process_id for e in found})
                refusal = SAME_TITLE.format(count=len(pids), pids="、".join(map(str, pids)))
            else:
                return False
        except Exception:
            return False
        if len(pids) > 1:
            raise BrokerUnavailable(refusal)
        if not pids:
            return False
        try:
            app = application.Application(backend="win32").connect(process=pids[0])
        except Exception:
            return False  # gone meanwhile
        self._app = app
        return True

    def is_alive(self) -> bool:
        if self._app is None:
            return False
        try:
            return bool(self._app.is_process_running())
        except Exception:
            return False

    def process_id(self) -> int | None:
        """The attached client's pid (``client.restarted`` compares it); None when none is attached."""
        return int(self._app.process) if self._app is not None and self.is_alive() else None

    def session_locked(self) -> str | None:
        return desktop_lock_reason()

    def kill(self) -> None:
        if self._app is None:
            return
        with _win32_errors("结束客户端进程"):
            self._app.kill(soft=False)

    # --- windows and controls --------------------------------------------------------------------
    def top_windows(self) -> list[WindowInfo]:
        if not self.is_alive():
            return []
        with _win32_errors("列出窗口"):
            # GetWindowText reads another process's caption without sending it WM_GETTEXT, so a client
            # whose GUI thread is busy still shows its title (and its main window is never taken for a
            # nameless pop-up and closed); no message at all is sent to list the windows.
            return [
                WindowInfo(
                    h,
                    user32.caption(h),
                    user32.class_name(h),
                    owner=user32.owner(h),
                    minimised=user32.iconic(h),
                )
                for h in user32.top_level(self._app.process)
            ]

    def find_control(
        self,
        parent: int,
        *,
        control_id: int | None = None,
        class_name: str | None = None,
        title: str | None = None,
    ) -> int | None:
        text = self._pw["handleprops"].text
        with _win32_errors("查找控件"):
            for h in user32.descendants(parent):
                if control_id is not None and user32.control_id(h) != control_id:
                    continue
                if class_name is not None and user32.class_name(h) != class_name:
                    continue
                if title is not None and (text(h) or "") != title:
                    continue
                return h
        return None

    def children(self, parent: int) -> list[ControlInfo]:
        text = self._pw["handleprops"].text
        with _win32_errors("列出控件"):
            return [
                ControlInfo(
                    h, user32.control_id(h), user32.class_name(h), text(h) or "", True, user32.enabled(h)
                )
                for h in user32.descendants(parent)
            ]

    def child(self, parent: int, control_id: int) -> int | None:
        with _win32_errors("查找子窗口"):
            return user32.dlg_item(parent, control_id) or None

    def get_text(self, handle: int) -> str:
        handleprops = self._pw["handleprops"]
        with _win32_errors("读取文字"):
            return handleprops.text(handle) or ""

    def text_length(self, handle: int) -> int:
        with _win32_errors("读取文字长度"):
            return _send(handle, WM_GETTEXTLENGTH, 0, 0)

    def set_text(self, handle: int, text: str) -> None:
        buffer = ctypes.create_unicode_buffer(text)
        with _win32_errors("写入文字"):
            _send(handle, WM_SETTEXT, 0, ctypes.addressof(buffer))

    def type_keys(self, handle: int, keys: str) -> None:
        """Keys to ``handle``: window forward, the control given keyboard focus, then the keys.

        pywinauto 0.6.9's ``set_focus`` only brings the top-level window forward (and sleeps 60 ms each
        time); keys then go to whichever child had focus. So the window is brought forward only when it
        is not already, and the control gets the focus by ``AttachThreadInput`` + ``SetFocus`` only when
        its thread's focus is elsewhere; all the keys of one call go out in one ``send_keys``.
        A lone Ctrl chord (``^c``) holds Ctrl down for ``CTRL_HOLD`` after the letter: the client reads
        Ctrl with GetAsyncKeyState, and a chord released at once is lost (xiadan-gateway holds it
        0.1 s, position_service.py:101-109). That hold is a modelled key timing, not a wait.
        """
        keyboard = self._pw["keyboard"]
        refuse_keys_if_locked()  # a locked or disconnected desktop swallows every key (win32_session.py)
        with _win32_errors("发送按键"):
            self._focus(handle)
            chord = _CTRL_CHORD.fullmatch(keys)
            if chord is None:
                keyboard.send_keys(keys, pause=0, with_spaces=True)
                return
            keyboard.send_keys("{VK_CONTROL down}", pause=0)
            try:
                # vk_packet=False: the letter as its virtual key ('C' = 0x43). A lone letter is otherwise
                # sent as VK_PACKET, whose WM_KEYDOWN carries 0xE7, never 'C': no Ctrl+C reaches the grid.
                keyboard.send_keys(chord.group(1), pause=0, vk_packet=False)
                time.sleep(CTRL_HOLD)
            finally:
                keyboard.send_keys("{VK_CONTROL up}", pause=0)

    def _focus(self, handle: int) -> None:
        top = user32.root(handle)
        if not user32.bring_forward(top):
            # pywinauto's way (the mouse moved off screen lifts the foreground lock); a window that
            # cannot come forward at all (locked desktop) still gets the keys sent to its focus.
            with suppress(Exception):
                self._pw["hwndwrapper"].HwndWrapper(top).set_focus()
        if top != handle and user32.focused_control(handle) != handle:
            user32.give_focus(handle)

    def click(self, handle: int) -> None:
        win32gui = self._pw["win32gui"]
        with _win32_errors("点击"):
            if win32gui.GetClassName(handle) == "Button":
                win32gui.PostMessage(handle, BM_CLICK, 0, 0)
                return
            # Not a button (e.g. the captcha image): a click in the middle of the control, in the
            # control's own client coordinates (never screen coordinates).
            left, top, right, bottom = win32gui.GetClientRect(handle)
        self.click_at(handle, (right - left) // 2, (bottom - top) // 2)

    def click_at(self, handle: int, x: int, y: int) -> None:
        win32gui = self._pw["win32gui"]
        with _win32_errors("点击"):
            point = ((y & 0xFFFF) << 16) | (x & 0xFFFF)
            win32gui.PostMessage(handle, WM_LBUTTONDOWN, MK_LBUTTON, point)
            win32gui.PostMessage(handle, WM_LBUTTONUP, 0, point)

    def send_command(self, window: int, command_id: int) -> None:
        """WM_COMMAND: *sent* to a top-level window, *posted* to a control.

        Navigation (to the main window) goes by SendMessageTimeout, so it returns once the client has
        handled the command; a posted one returns before the page changes. A client that opens a modal
        box from the handler does not answer in time: that is no error (the caller waits for the page
        and closes the box). A copy command (0xE122) to the grid is posted: it may open the captcha.
        """
        win32gui = self._pw["win32gui"]
        with _win32_errors("发送菜单命令"):
            if user32.is_child(window):
                win32gui.PostMessage(window, WM_COMMAND, command_id, 0)
                return
            with suppress(ClientBusy):
                _send(window, WM_COMMAND, command_id, 0, timeout_ms=COMMAND_TIMEOUT_MS)

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        """Select a menu-tree item by its path: TVM_SELECTITEM with the item's handle, sent.

        Finding the item reads the tree's texts from the client's memory (pywinauto, ~200 ms under
        Wine); the item handles live as long as the tree, so they are kept per (tree, path) and a
        later selection is one message. A kept handle the tree refuses is looked up again.
        """
        key = (tree, tuple(path))
        for cached in (True, False):
            item = self._tree_items.get(key) if cached else None
            if item is None:
                cached = False
                try:
                    item = self._pw["common_controls"].TreeViewWrapper(tree).get_item(list(path)).elem
                except Exception as exc:
                    raise BrokerUnavailable(f"菜单中没有“{'/'.join(path)}”（{exc}）") from exc
                self._tree_items[key] = item
            with _win32_errors("选择菜单"):
                self._focus(tree)  # a tree without the focus can ignore TVM_SELECTITEM
                if user32.send(tree, TVM_SELECTITEM, TVGN_CARET, item, SEND_TIMEOUT_MS):
                    return
            self._tree_items.pop(key, None)
            if not cached:
                break
        raise BrokerUnavailable(f"菜单项“{'/'.join(path)}”无法选中")

    def combo_items(self, combo: int) -> list[str]:
        combo_box = self._pw["win32_controls"].ComboBoxWrapper
        with _win32_errors("读取下拉框"):
            return list(combo_box(combo).item_texts())

    def select_combo(self, combo: int, index: int) -> None:
        combo_box = self._pw["win32_controls"].ComboBoxWrapper
        with _win32_errors("选择下拉项"):
            combo_box(combo).select(index)

    def close_window(self, handle: int) -> None:
        win32gui = self._pw["win32gui"]
        with _win32_errors("关闭窗口"):
            win32gui.PostMessage(handle, WM_CLOSE, 0, 0)

    def restore(self, handle: int) -> None:
        win32gui = self._pw["win32gui"]
        with _win32_errors("恢复窗口"):
            win32gui.ShowWindow(handle, SW_RESTORE)

    # --- clipboard and images --------------------------------------------------------------------
    def get_clipboard(self) -> str:
        clip = self._pw["win32clipboard"]
        with self._clipboard():
            if clip.IsClipboardFormatAvailable(CF_UNICODETEXT):
                return clip.GetClipboardData(CF_UNICODETEXT) or ""
            if clip.IsClipboardFormatAvailable(CF_TEXT):
                data = clip.GetClipboardData(CF_TEXT) or b""
                return data.decode("gb18030", errors="replace") if isinstance(data, bytes) else str(data)
            return ""

    def clear_clipboard(self) -> None:
        with self._clipboard():
            self._pw["win32clipboard"].EmptyClipboard()

    def capture_image(self, handle: int) -> bytes:
        """The captcha from the control's own DC; the screen only when that gives nothing (win32_capture)."""
        from . import win32_capture  # ctypes.windll: Windows only

        wrapper = self._pw["hwndwrapper"].HwndWrapper
        with _win32_errors("截取验证码图片"):
            return win32_capture.capture_png(handle, lambda: wrapper(handle).capture_as_image())

    @contextmanager
    def _clipboard(self) -> Iterator[None]:
        """Open the clipboard, which another program may hold for a moment: retried until a deadline."""
        clip = self._pw["win32clipboard"]

        def opened() -> bool:
            try:
                clip.OpenClipboard()
            except Exception:
                return False
            return True

        wait_until(opened, timeout=2.0, what="打开剪贴板")
        try:
            yield
        finally:
            clip.CloseClipboard()


def _import_pywinauto() -> dict[str, Any]:
    try:
        import win32clipboard
        import win32gui
        from pywinauto import application, findwindows, handleprops, keyboard
        from pywinauto.controls import common_controls, hwndwrapper, win32_controls
    except ImportError as exc:
        raise BrokerUnavailable(
            f"真实客户端驱动需要Windows上的pywinauto和pywin32（{exc}）；在其他系统上请使用 xiadan-fake"
        ) from exc
    return {
        "application": application,
        "findwindows": findwindows,
        "handleprops": handleprops,
        "keyboard": keyboard,
        "hwndwrapper": hwndwrapper,
        "common_controls": common_controls,
        "win32_controls": win32_controls,
        "win32gui": win32gui,
        "win32clipboard": win32clipboard,
    }


def _send(handle: int, message: int, wparam: int, lparam: int, *, timeout_ms: int = SEND_TIMEOUT_MS) -> int:
    result = user32.send(handle, message, wparam, lparam, timeout_ms)
    if result is None:
        raise ClientBusy("客户端没有响应（消息超时）")
    return result


@contextmanager
def _win32_errors(what: str) -> Iterator[None]:
    try:
        yield
    except GatewayError:
        raise
    except Exception as exc:
        raise BrokerUnavailable(f"Windows操作失败（{what}）：{exc}") from exc
