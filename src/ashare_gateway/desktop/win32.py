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
import io
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from ..domain.errors import BrokerUnavailable, ClientBusy, GatewayError
from ..domain.messages import SAME_TITLE
from .driver import ControlInfo, WindowInfo
from .waiting import wait_until

WM_SETTEXT = 0x000C
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
GW_OWNER = 4
SW_RESTORE = 9


class Win32Driver:
    """One attached client process. Handles are HWNDs."""

    def __init__(self) -> None:
        self._pw = _import_pywinauto()
        self._app: Any = None

    # --- process ---------------------------------------------------------------------------------
    def start(self, exe_path: str) -> None:
        application = self._pw["application"]
        with _win32_errors("启动客户端"):
            app = application.Application(backend="win32")
            app.start(f'"{exe_path}"', wait_for_idle=False, work_dir=os.path.dirname(exe_path) or None)
        self._app = app

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        application, findwindows = self._pw["application"], self._pw["findwindows"]
        app = application.Application(backend="win32")
        pids: list[int] = []
        try:
            if exe_path is not None:
                if not os.path.exists(exe_path):
                    return False
                app.connect(path=exe_path)
            elif title_re is not None:
                found = findwindows.find_elements(
                    title_re=title_re, top_level_only=True, visible_only=True, backend="win32"
                )
                if not found:
                    return False
                # Several xiadan.exe show the same title: by title alone only when one process shows it.
                pids = sorted({e.process_id for e in found})
                if len(pids) == 1:
                    app.connect(handle=found[0].handle)
            else:
                return False
        except Exception:
            return False
        if len(pids) > 1:
            raise BrokerUnavailable(SAME_TITLE.format(count=len(pids), pids="、".join(map(str, pids))))
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
        from .win32_session import desktop_lock_reason  # ctypes.windll: Windows only

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
        findwindows = self._pw["findwindows"]
        with _win32_errors("列出窗口"):
            elements = findwindows.find_elements(
                process=self._app.process, top_level_only=True, visible_only=True, backend="win32"
            )
            # GetWindowText reads another process's caption without sending it WM_GETTEXT, so a client
            # whose GUI thread is busy still shows its title (and its main window is never taken for a
            # nameless pop-up and closed).
            win32gui = self._pw["win32gui"]
            return [
                WindowInfo(
                    e.handle,
                    win32gui.GetWindowText(e.handle) or e.name or "",
                    e.class_name or "",
                    owner=_owner(e.handle),
                    minimised=_iconic(e.handle),
                )
                for e in elements
            ]

    def find_control(
        self,
        parent: int,
        *,
        control_id: int | None = None,
        class_name: str | None = None,
        title: str | None = None,
    ) -> int | None:
        findwindows = self._pw["findwindows"]
        with _win32_errors("查找控件"):
            elements = findwindows.find_elements(
                parent=parent,
                top_level_only=False,
                visible_only=True,
                control_id=control_id,
                class_name=class_name,
                title=title,
                backend="win32",
            )
        return elements[0].handle if elements else None

    def children(self, parent: int) -> list[ControlInfo]:
        findwindows = self._pw["findwindows"]
        with _win32_errors("列出控件"):
            elements = findwindows.find_elements(
                parent=parent, top_level_only=False, visible_only=True, backend="win32"
            )
            return [
                ControlInfo(
                    e.handle, e.control_id or 0, e.class_name or "", e.name or "", True, bool(e.enabled)
                )
                for e in elements
            ]

    def get_text(self, handle: int) -> str:
        handleprops = self._pw["handleprops"]
        with _win32_errors("读取文字"):
            return handleprops.text(handle) or ""

    def set_text(self, handle: int, text: str) -> None:
        buffer = ctypes.create_unicode_buffer(text)
        with _win32_errors("写入文字"):
            _send(handle, WM_SETTEXT, 0, ctypes.addressof(buffer))

    def type_keys(self, handle: int, keys: str) -> None:
        """Keys to ``handle``: window forward, the control given keyboard focus, then the keys.

        pywinauto 0.6.9's ``set_focus`` only brings the top-level window forward; keys then go to
        whichever child had focus. So the control gets it by ``AttachThreadInput`` + ``SetFocus``.
        A lone Ctrl chord (``^c``) holds Ctrl down for ``CTRL_HOLD`` after the letter: the client reads
        Ctrl with GetAsyncKeyState, and a chord released at once is lost (xiadan-gateway holds it
        0.1 s, position_service.py:101-109). That hold is a modelled key timing, not a wait.
        """
        wrapper = self._pw["hwndwrapper"].HwndWrapper(handle)
        keyboard = self._pw["keyboard"]
        with _win32_errors("发送按键"):
            with suppress(Exception):  # a window that cannot come forward (locked desktop) still gets keys
                wrapper.set_focus()
            _give_focus(handle)
            chord = _CTRL_CHORD.fullmatch(keys)
            if chord is None:
                wrapper.type_keys(keys, pause=0, with_spaces=True, set_foreground=False)
                return
            keyboard.send_keys("{VK_CONTROL down}", pause=0)
            try:
                # vk_packet=False: the letter as its virtual key ('C' = 0x43). A lone letter is otherwise
                # sent as VK_PACKET, whose WM_KEYDOWN carries 0xE7, never 'C': no Ctrl+C reaches the grid.
                keyboard.send_keys(chord.group(1), pause=0, vk_packet=False)
                time.sleep(CTRL_HOLD)
            finally:
                keyboard.send_keys("{VK_CONTROL up}", pause=0)

    def click(self, handle: int) -> None:
        win32gui = self._pw["win32gui"]
        with _win32_errors("点击"):
            if win32gui.GetClassName(handle) == "Button":
                win32gui.PostMessage(handle, BM_CLICK, 0, 0)
                return
            # Not a button (e.g. the captcha image): a click in the middle of the control, in the
            # control's own client coordinates (never screen coordinates).
            left, top, right, bottom = win32gui.GetClientRect(handle)
            point = ((bottom - top) // 2 << 16) | ((right - left) // 2 & 0xFFFF)
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
            if _is_child(window):
                win32gui.PostMessage(window, WM_COMMAND, command_id, 0)
                return
            with suppress(ClientBusy):
                _send(window, WM_COMMAND, command_id, 0, timeout_ms=COMMAND_TIMEOUT_MS)

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        tree_view = self._pw["common_controls"].TreeViewWrapper
        try:
            item = tree_view(tree).get_item(list(path))
            item.select()
        except GatewayError:
            raise
        except Exception as exc:
            raise BrokerUnavailable(f"菜单中没有“{'/'.join(path)}”（{exc}）") from exc

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
        wrapper = self._pw["hwndwrapper"].HwndWrapper
        with _win32_errors("截取验证码图片"):
            image = wrapper(handle).capture_as_image()
            if image is None:
                raise BrokerUnavailable("无法截取控件图像（窗口是否最小化或被遮挡？）")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()

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


def _owner(handle: int) -> int:
    """GetWindow(GW_OWNER) through ctypes: 0 for an unowned or vanished window, never an exception
    (pywin32's wrapper raises on a NULL result with a stale last-error, e.g. after a dialog closed)."""
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    user32.GetWindow.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    user32.GetWindow.restype = ctypes.c_void_p
    return int(user32.GetWindow(handle, GW_OWNER) or 0)


def _iconic(handle: int) -> bool:
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    user32.IsIconic.argtypes = [ctypes.c_void_p]
    return bool(user32.IsIconic(handle))


def _is_child(handle: int) -> bool:
    """WS_CHILD windows (controls) have a parent; GetParent through ctypes never raises."""
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    user32.GetParent.argtypes = [ctypes.c_void_p]
    user32.GetParent.restype = ctypes.c_void_p
    user32.GetWindow.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    user32.GetWindow.restype = ctypes.c_void_p
    parent = user32.GetParent(handle)
    # GetParent also returns the *owner* of a top-level window: a child only if it is not the owner.
    return bool(parent) and parent != user32.GetWindow(handle, GW_OWNER)


def _give_focus(handle: int) -> None:
    """Keyboard focus to a control of another process: attach to its input thread, SetFocus, detach."""
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    user32.GetWindowThreadProcessId.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    user32.GetWindowThreadProcessId.restype = ctypes.c_uint32
    user32.AttachThreadInput.argtypes = [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_int]
    user32.SetFocus.argtypes = [ctypes.c_void_p]
    target = user32.GetWindowThreadProcessId(handle, None)
    ours = kernel32.GetCurrentThreadId()
    attached = bool(target) and target != ours and bool(user32.AttachThreadInput(ours, target, 1))
    try:
        user32.SetFocus(handle)
    finally:
        if attached:
            user32.AttachThreadInput(ours, target, 0)


def _send(handle: int, message: int, wparam: int, lparam: int, *, timeout_ms: int = SEND_TIMEOUT_MS) -> int:
    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    result = ctypes.c_size_t()
    user32.SendMessageTimeoutW.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint,
        ctypes.c_size_t,
        ctypes.c_ssize_t,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.POINTER(ctypes.c_size_t),
    ]
    ok = user32.SendMessageTimeoutW(
        handle, message, wparam, lparam, SMTO_ABORTIFHUNG, timeout_ms, ctypes.byref(result)
    )
    if not ok:
        raise ClientBusy("客户端没有响应（消息超时）")
    return result.value


@contextmanager
def _win32_errors(what: str) -> Iterator[None]:
    try:
        yield
    except GatewayError:
        raise
    except Exception as exc:
        raise BrokerUnavailable(f"Windows操作失败（{what}）：{exc}") from exc
