"""One gateway per data folder: an exclusive lock on ``<data_dir>/gateway.lock`` and who holds it.

Why: two gateways on one data folder share the paper exchange's and the journal's SQLite files but not
their in-memory state (lanes, idempotency locks, the kill switch), so they double-fill orders, fill
cancelled ones and give one Idempotency-Key several 合同编号. Several dialects on one gateway is what
``--listen`` is for. The lock is an OS lock (``filelock``: ``flock`` on POSIX, ``msvcrt`` on Windows), so
it dies with its process: a crashed gateway never blocks the next start.

The holder also writes ``<data_dir>/gateway.json`` (``pid``, ``url``, ``urls``, ``started``), removed on a
clean exit, so CLI commands (``kill-switch``, h16's quick commands) find the running gateway with
:func:`find_running` instead of guessing a URL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from filelock import FileLock, Timeout

LOCK_FILE = "gateway.lock"
INFO_FILE = "gateway.json"
# A starting gateway waits this long for the lock: long enough to outlast a CLI's probe of it
# (find_running takes the lock for an instant), short enough that a second gateway is refused at once.
ACQUIRE_SECONDS = 2.0

TEXTS = {
    "held": (
        "数据目录 {data_dir} 已被另一个网关使用（pid {pid}，端口 {port}）：一个数据目录只能运行一个网关，"
        "否则委托会重复成交；要同时提供多种接口方言，请在同一个网关上加 --listen（如 --listen 8888:ths）"
    ),
    "unknown": "未知",
}


@dataclass(frozen=True, slots=True)
class RunningGateway:
    """What ``gateway.json`` says about the gateway holding a data folder."""

    pid: int | None
    url: str | None
    urls: list[str]
    started: str | None

    @property
    def port(self) -> int | None:
        return urlsplit(self.url).port if self.url else None


class DataDirInUse(RuntimeError):
    """Another gateway holds the data folder's lock; ``str()`` is the one line to show the user."""

    def __init__(self, data_dir: Path, holder: RunningGateway | None) -> None:
        unknown = TEXTS["unknown"]
        pid = holder.pid if holder and holder.pid is not None else unknown
        port = holder.port if holder and holder.port is not None else unknown
        super().__init__(TEXTS["held"].format(data_dir=data_dir, pid=pid, port=port))
        self.holder = holder


def _lock(data_dir: Path, timeout: float) -> FileLock:
    return FileLock(str(data_dir / LOCK_FILE), timeout=timeout, thread_local=False)


def _read_info(data_dir: Path) -> RunningGateway | None:
    try:
        raw = json.loads((data_dir / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    pid = raw.get("pid")
    urls = raw.get("urls")
    return RunningGateway(
        pid=pid if isinstance(pid, int) else None,
        url=raw.get("url") if isinstance(raw.get("url"), str) else None,
        urls=[u for u in urls if isinstance(u, str)] if isinstance(urls, list) else [],
        started=raw.get("started") if isinstance(raw.get("started"), str) else None,
    )


def find_running(data_dir: Path) -> RunningGateway | None:
    """The gateway running on ``data_dir``, or None when its lock is free (a stale gateway.json is ignored).

    Probes the lock without waiting; a gateway starting at that very instant waits
    :data:`ACQUIRE_SECONDS` for it, so the probe never makes it fail.
    """
    data_dir = Path(data_dir)
    if not (data_dir / LOCK_FILE).exists():
        return None
    lock = _lock(data_dir, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return _read_info(data_dir) or RunningGateway(None, None, [], None)
    except OSError:  # an unreadable folder: nothing we can say runs there
        return None
    lock.release()
    return None


@contextlib.contextmanager
def hold_data_dir(data_dir: Path, urls: list[str]) -> Iterator[RunningGateway]:
    """Hold ``data_dir`` for this process until the block ends; raise :class:`DataDirInUse` if taken."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = _lock(data_dir, timeout=ACQUIRE_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise DataDirInUse(data_dir, _read_info(data_dir)) from None
    info_path = data_dir / INFO_FILE
    me = RunningGateway(
        pid=os.getpid(),
        url=urls[0] if urls else None,
        urls=list(urls),
        started=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    try:
        tmp = info_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(me), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, info_path)  # a reader never sees half a file
        yield me
    finally:
        with contextlib.suppress(OSError):
            info_path.unlink()
        lock.release()
