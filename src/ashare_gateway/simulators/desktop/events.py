"""What a fake client records, and what the desktop model reads from a client's faults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Event:
    """Something a fake saw: ``misuse`` (the adapter did wrong), ``dialog``, ``popup``, ``order``..."""

    kind: str
    detail: str


class _DialogLatency(Protocol):
    dialog: float


class DialogFaults(Protocol):
    """What the base reads from a client's faults: how long a pop-up takes to show."""

    @property
    def latency(self) -> _DialogLatency: ...


# Windows that are no pop-up of the client's (class, title, text): the adapter must leave them alone.
# toolbar: the 悬浮工具栏 (not a dialog, ignores WM_CLOSE); tip: a 条件单 tip, an unowned #32770 that
# ignores WM_CLOSE; toast: a 成交回报 toast, an unowned #32770 that closes itself after a while.
STRAY_WINDOWS = {
    "toolbar": ("AfxWnd42s", "悬浮工具栏", ""),
    "tip": ("#32770", "条件单", "条件单已触发，请及时查看"),
    "toast": ("#32770", "成交回报", "您的委托已有成交"),
}
