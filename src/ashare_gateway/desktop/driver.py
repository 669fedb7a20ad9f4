"""The desktop-driver protocol: Win32 primitives, nothing about brokers.

Handles are opaque ints (HWNDs on Windows). Implementations: ``win32.Win32Driver`` (pywinauto, win32
backend; imported lazily, Windows only) and the fake clients in ``simulators`` for tests on Linux.
Every method returns promptly: waiting for a condition is the caller's job, through
:func:`ashare_gateway.desktop.waiting.wait_until`, never a fixed sleep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class WindowInfo:
    """A top-level window of the client's process (the main window or a dialog)."""

    handle: int
    title: str
    class_name: str
    visible: bool = True
    # GetWindow(GW_OWNER): the window that owns this one (0 = none). Only dialogs owned by the client's
    # main window are its pop-ups; the floating toolbar, 条件单 tips and toasts are owned by nobody.
    owner: int = 0
    minimised: bool = False  # IsIconic: its owned dialogs are hidden until it is restored


@dataclass(frozen=True, slots=True)
class ControlInfo:
    handle: int
    control_id: int
    class_name: str
    text: str
    visible: bool = True
    enabled: bool = True


_KEY_SYNTAX = set("+^%~(){}[]")


def literal_keys(text: str) -> str:
    """``text`` as pywinauto ``type_keys`` input that types exactly these characters.

    Why: ``+ ^ % ~ ( ) { }`` are key syntax (Shift, Ctrl, Alt, Enter, grouping); a password or any
    typed value holding one would otherwise press a modifier instead. Each is sent braced (``{+}``).
    """
    return "".join(f"{{{ch}}}" if ch in _KEY_SYNTAX else ch for ch in text)


@runtime_checkable
class DesktopDriver(Protocol):
    # --- process -------------------------------------------------------------------------------
    def start(self, exe_path: str) -> None:
        """Start the client program (returns once the process exists, not when it is ready)."""
        ...

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        """Attach to a running client by exe path or main-window title; False if none is running."""
        ...

    def is_alive(self) -> bool: ...

    def kill(self) -> None: ...

    # --- windows and controls ------------------------------------------------------------------
    def top_windows(self) -> list[WindowInfo]:
        """Visible top-level windows of the attached process, topmost first."""
        ...

    def find_control(
        self,
        parent: int,
        *,
        control_id: int | None = None,
        class_name: str | None = None,
        title: str | None = None,
    ) -> int | None:
        """First visible descendant of ``parent`` matching every given criterion, or None."""
        ...

    def children(self, parent: int) -> list[ControlInfo]:
        """Visible descendants of ``parent``, in Z/tab order."""
        ...

    def child(self, parent: int, control_id: int) -> int | None:
        """``GetDlgItem``: the direct child of ``parent`` with this id, shown or not; None if none.

        How the client's active pane is reached (``GetDlgItem(GetDlgItem(main, 0xE900), 0xE901)``):
        only the page on screen carries the pane id, while the other pages keep the same control ids.
        """
        ...

    def get_text(self, handle: int) -> str: ...

    def text_length(self, handle: int) -> int:
        """How many characters an edit holds (WM_GETTEXTLENGTH). A password edit refuses its text to
        other processes but says its length: how a typed password is known to have arrived."""
        ...

    def set_text(self, handle: int, text: str) -> None:
        """Replace an edit's whole text (WM_SETTEXT semantics: never appends)."""
        ...

    def type_keys(self, handle: int, keys: str) -> None:
        """Send keystrokes to a control (pywinauto ``type_keys`` syntax: ``^a``, ``{ENTER}``, ``{F5}``)."""
        ...

    def click(self, handle: int) -> None:
        """Click a button (BM_CLICK) or a control, without screen coordinates."""
        ...

    def click_at(self, handle: int, x: int, y: int) -> None:
        """Click at (x, y) of the control's own client area, by posted mouse messages (never the
        screen): a grid row's check cell on 批量新股申购, as pywinauto's ``click(coords=…)`` does."""
        ...

    def send_command(self, window: int, command_id: int) -> None:
        """Post ``WM_COMMAND`` with ``command_id`` to ``window`` (menu navigation without clicks)."""
        ...

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        """Select the SysTreeView32 item at ``path`` (e.g. ``["查询[F4]", "资金股票"]``)."""
        ...

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        """Every item path of the SysTreeView32 ``tree``, top items first, each followed by its children.

        What the connect-time fingerprint compares with the layout's menu paths (a build that renames
        ``撤单[F3]`` is refused cancels at connect, not when a cancel comes). A driver of a client
        without a menu tree raises ``BrokerUnavailable``.
        """
        ...

    def combo_items(self, combo: int) -> list[str]: ...

    def select_combo(self, combo: int, index: int) -> None: ...

    def close_window(self, handle: int) -> None:
        """Close a window (WM_CLOSE)."""
        ...

    def restore(self, handle: int) -> None:
        """Show a minimised window again (SW_RESTORE): while it is minimised its dialogs are hidden."""
        ...

    # --- clipboard and images ------------------------------------------------------------------
    def get_clipboard(self) -> str: ...

    def clear_clipboard(self) -> None: ...

    def capture_image(self, handle: int) -> bytes:
        """PNG bytes of what the control shows (for the captcha)."""
        ...


@runtime_checkable
class VirtualKeyDriver(DesktopDriver, Protocol):
    """A driver that can also send keys as virtual-key codes and name its process's exe.

    Why apart from ``type_keys``: pywinauto sends a plain character as VK_PACKET (a WM_KEYDOWN whose
    code is 0xE7, the character only in the WM_CHAR after it). An edit takes that; 同花顺's 键盘精灵
    reads the virtual-key code of each WM_KEYDOWN, so quick codes such as ``21`` must go as '2'
    (0x32) and '1' (0x31), as keybd_event sends them (THSAutoTrader window_service.py:163-185).
    """

    def press_keys(self, handle: int, keys: str) -> None:
        """Like ``type_keys``, but every character goes as its virtual-key code (never VK_PACKET)."""
        ...

    def process_exe(self) -> str | None:
        """The attached process's exe path (its image name), or None when none is attached."""
        ...
