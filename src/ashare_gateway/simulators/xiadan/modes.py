"""The fake client's window modes and files: 精简模式 (compact mode), the menu tree as a list, xiadan.ini,
and a broker's update waiting to be installed on the next start (another build after a restart).

Why in the fake: the connect-time fingerprint (``brokers/ths/fingerprint.py``) must be shown to refuse a
client in 精简模式 and to read the client's settings file, and both have to exist somewhere to be
found. 精简模式 is the client's small order-only window: no menu tree on the left (easytrader
docs/install.md: "客户端不能最小化也不能处于精简模式"), the order panel only; a menu command sent to it
does nothing. The user leaves it with the window's 专业 button (xiadan-gateway's pop-up text filter
lists "专业"/"精简" among the main window's labels, ``src/core/trader.py:636``), modelled as
:meth:`Modes.set_compact` (``False``).

A broker's client updates itself: the new build is downloaded while it runs and installed when it starts
again (the 同花顺 family's own updater; no peer documents its timing). The adapter restarts a dead client
by itself (``ClientSession.restart``), so what comes up can be another build than the one it checked at
connect: :meth:`Modes.update_on_restart` holds it until :meth:`Modes.installed` is asked at the start.
"""

from __future__ import annotations

import ntpath
import threading
from typing import Protocol

from ..desktop.widgets import Widget
from .builds import FakeBuild


class ModesHost(Protocol):
    """What the modes read and call on the client that holds them."""

    exe_path: str
    _lock: threading.RLock
    _main: Widget | None

    def _record(self, kind: str, detail: str) -> None: ...
    def _tick(self) -> None: ...
    def _get(self, handle: int) -> Widget: ...


class Modes:
    """A part ``FakeXiadan`` holds (``client.modes``): 精简模式 and the files on the fake machine."""

    def __init__(self, host: ModesHost, *, compact: bool) -> None:
        self.host = host
        self.compact = compact  # 精简模式, from ``faults.compact_mode`` at start
        self.files: dict[str, bytes] = {}  # Windows path → content (xiadan.ini beside the exe)
        self.pending_update: FakeBuild | None = None  # installed by the next start

    def update_on_restart(self, build: FakeBuild) -> None:
        """A broker's update downloaded: the client runs ``build`` from its next start on."""
        self.pending_update = build

    def installed(self, running: FakeBuild) -> FakeBuild:
        """The build a start brings up: the pending update (installed once), else ``running``."""
        build, self.pending_update = self.pending_update or running, None
        if build is not running:
            self.host._record("update", "启动时安装了新版本")
        return build

    def set_compact(self, on: bool) -> None:
        """The user switches 精简模式 on or off (the 精简 / 专业 button)."""
        with self.host._lock:
            self.compact = on
            self.host._record("compact", "精简" if on else "专业")
            self.apply()

    def apply(self) -> None:
        """The main window's tree is hidden in 精简模式 and shown otherwise."""
        main = self.host._main
        if main is None:
            return
        for w in main.children:
            if w.role == "tree":
                w.hidden = self.compact

    def ignores(self, command_id: int) -> bool:
        """A menu command to the main window in 精简模式 does nothing (there is no menu to run it)."""
        if self.compact:
            self.host._record("compact_ignored", hex(command_id))
        return self.compact

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        """Every item path of the menu tree (what a driver reads walking TVM_GETNEXTITEM)."""
        with self.host._lock:
            self.host._tick()
            return [tuple(item.split("/")) for item in self.host._get(tree).items]

    def client_file(self, path: str) -> bytes | None:
        """A file on the fake machine, by Windows path (case and separators as Windows compares them)."""
        wanted = ntpath.normcase(ntpath.normpath(path))
        found = (data for p, data in self.files.items() if ntpath.normcase(ntpath.normpath(p)) == wanted)
        return next(found, None)

    def write_ini(self, entries: dict[str, str]) -> str:
        """Write ``xiadan.ini`` beside the exe with these ``[SYSTEM_SET]`` values (puppet's layout: the
        4th and 5th ``;`` fields are the setting's name and value); returns its path."""
        lines = ["[SYSTEM_SET]"] + [f"{key}=0;0;0;{key};{value}" for key, value in entries.items()]
        path = ntpath.join(ntpath.dirname(self.host.exe_path), "xiadan.ini")
        self.files = {**self.files, path: "\r\n".join(lines).encode("gb18030")}
        return path
