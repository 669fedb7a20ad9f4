"""The fake desktop's processes: several fake clients at once, each a pid with its own exe and windows.

Several xiadan.exe on one desktop show the same main-window title ("网上股票交易系统5.0"), so a client is
found by its process: exe path → pid → that process's top-level windows, as ``desktop/win32.py`` does
with pywinauto (``connect(path=...)``, then windows filtered by ``process``). A lookup by title alone is
allowed only when it is unambiguous: with two clients showing the title, it is refused with their pids,
never answered with whichever came first. One table per paper exchange: every fake of one gateway
trades on it, and two gateways (two tests) never see each other's clients.
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from ..domain.errors import BrokerUnavailable

SAME_TITLE = (
    "找到{count}个标题相同的客户端窗口（进程 {pids}）：无法按标题区分，请为每个账户指定各自的 exe_path"
)
SAME_EXE = "找到{count}个从 {path} 启动的客户端（进程 {pids}）：每个账户请使用各自的客户端目录"
FIRST_PID = 4100


class FakeProcesses:
    """pid → fake client (a :class:`~.desktop.desktop.FakeDesktop` subclass) for one fake machine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: dict[int, Any] = {}
        self._next = FIRST_PID

    def spawn(self, fake: Any) -> int:
        with self._lock:
            pid, self._next = self._next, self._next + 4
            self._procs[pid] = fake
            return pid

    def get(self, pid: int) -> Any:
        with self._lock:
            return self._procs[pid]

    def running(self) -> dict[int, Any]:
        with self._lock:
            procs = dict(self._procs)
        return {pid: fake for pid, fake in procs.items() if fake.is_alive()}

    def by_exe(self, exe_path: str) -> list[int]:
        return [pid for pid, fake in self.running().items() if fake.file_exists(exe_path)]

    def by_title(self, title_re: str) -> list[int]:
        pattern = re.compile(title_re)
        return [
            pid
            for pid, fake in self.running().items()
            if any(pattern.search(w.title) for w in fake.top_windows())
        ]


_TABLES: weakref.WeakKeyDictionary[Any, FakeProcesses] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def processes_of(exchange: Any) -> FakeProcesses:
    """The fake machine of one paper exchange (created at first use)."""
    with _TABLES_LOCK:
        table = _TABLES.get(exchange)
        if table is None:
            table = _TABLES[exchange] = FakeProcesses()
        return table


class ProcessDriver:
    """A desktop driver that finds its client in the process table, then drives only that process.

    ``pid`` given: the driver already holds that process (the provider started it), as a Win32Driver
    holds the Application it connected to. Without one, ``attach`` looks it up: by exe path, else by
    title when exactly one process shows it. Everything else is the attached fake client's own.
    """

    def __init__(self, table: FakeProcesses, pid: int | None = None) -> None:
        self.table = table
        self.pid = pid

    @property
    def process(self) -> Any:
        if self.pid is None:
            raise BrokerUnavailable("未连接到客户端进程")
        return self.table.get(self.pid)

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        if self.pid is None or not self.process.is_alive():
            if exe_path is not None:
                pids = self.table.by_exe(exe_path)
                text = SAME_EXE.format(count=len(pids), path=exe_path, pids="、".join(map(str, pids)))
            elif title_re is not None:
                pids = self.table.by_title(title_re)
                text = SAME_TITLE.format(count=len(pids), pids="、".join(map(str, pids)))
            else:
                return False
            if not pids:
                return False
            if len(pids) > 1:
                raise BrokerUnavailable(text)
            self.pid = pids[0]
        return self.process.attach(exe_path=exe_path, title_re=title_re)

    def is_alive(self) -> bool:
        return self.pid is not None and self.process.is_alive()

    def __getattr__(self, name: str) -> Any:  # the rest of DesktopDriver, and the fake's events/misuse
        if name in ("table", "pid"):
            raise AttributeError(name)
        return getattr(self.process, name)
