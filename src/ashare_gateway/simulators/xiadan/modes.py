"""The fake client's window modes and files: 精简模式 (compact mode), the menu tree as a list, xiadan.ini.

Why in the fake: the connect-time fingerprint (``brokers/ths/fingerprint.py``) must be shown to refuse a
client in 精简模式 and to read the client's settings file, and both have to exist somewhere to be
found. 精简模式 is the client's small order-only window: no menu tree on the left (easytrader
docs/install.md: "客户端不能最小化也不能处于精简模式"), the order panel only; a menu command sent to it
does nothing. The user leaves it with the window's 专业 button (xiadan-gateway's pop-up text filter
lists "专业"/"精简" among the main window's labels, ``src/core/trader.py:636``), modelled as
:meth:`set_compact` (``False``).
"""

from __future__ import annotations

import ntpath


class ModesMixin:
    """Mixed into ``FakeXiadan``: ``faults.compact_mode`` at start, ``set_compact`` at run time."""

    compact: bool = False

    def set_compact(self, on: bool) -> None:
        """The user switches 精简模式 on or off (the 精简 / 专业 button)."""
        with self._lock:
            self.compact = on
            self._record("compact", "精简" if on else "专业")
            self._apply_compact()

    def _apply_compact(self) -> None:
        main = self._main
        if main is None:
            return
        for w in main.children:
            if w.role == "tree":
                w.hidden = self.compact

    def _compact_ignores(self, command_id: int) -> bool:
        """A menu command to the main window in 精简模式 does nothing (there is no menu to run it)."""
        if self.compact:
            self._record("compact_ignored", hex(command_id))
        return self.compact

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        """Every item path of the menu tree (what a driver reads walking TVM_GETNEXTITEM)."""
        with self._lock:
            self._tick()
            return [tuple(item.split("/")) for item in self._get(tree).items]

    def client_file(self, path: str) -> bytes | None:
        """A file on the fake machine (``client_files``, keyed by Windows path; xiadan.ini beside the exe)."""
        files = getattr(self, "client_files", {})
        wanted = ntpath.normcase(ntpath.normpath(path))
        found = (data for p, data in files.items() if ntpath.normcase(ntpath.normpath(p)) == wanted)
        return next(found, None)

    def write_ini(self, entries: dict[str, str]) -> str:
        """Write ``xiadan.ini`` beside the exe with these ``[SYSTEM_SET]`` values (puppet's layout: the
        4th and 5th ``;`` fields are the setting's name and value); returns its path."""
        lines = ["[SYSTEM_SET]"] + [f"{key}=0;0;0;{key};{value}" for key, value in entries.items()]
        path = ntpath.join(ntpath.dirname(self.exe_path), "xiadan.ini")
        self.client_files = {**getattr(self, "client_files", {}), path: "\r\n".join(lines).encode("gb18030")}
        return path
