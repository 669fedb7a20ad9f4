"""``VirtualKeyWin32Driver``: ``Win32Driver`` plus keys as virtual-key codes and the process's exe path.

Why a subclass: only 同花顺 hexin.exe needs them (its 键盘精灵 ignores VK_PACKET characters; its trading
client is the xiadan.exe in its own folder), and ``win32.py`` is kept to one job per change. Windows
only, imported lazily like ``win32``.
"""

from __future__ import annotations

from . import win32_process
from .win32 import Win32Driver, _win32_errors
from .win32_session import refuse_keys_if_locked


class VirtualKeyWin32Driver(Win32Driver):
    def press_keys(self, handle: int, keys: str) -> None:
        """``type_keys`` with ``vk_packet=False``: '2' goes as VK 0x32 (SendInput wVk), not VK_PACKET."""
        keyboard = self._pw["keyboard"]
        refuse_keys_if_locked()  # the same last line as type_keys (win32_session.py)
        with _win32_errors("发送按键"):
            self._focus(handle)
            keyboard.send_keys(keys, pause=0, with_spaces=True, vk_packet=False)

    def process_exe(self) -> str | None:
        """QueryFullProcessImageNameW of the attached process (what Windows and Wine both answer)."""
        pid = self.process_id()
        return None if pid is None else win32_process.image_path(pid)
