"""The fake client's windows and controls: a tiny retained widget tree with handles like HWNDs.

Why "shown_at" instead of sleeping: a real client's control or dialog appears some milliseconds after
the action that causes it. The fake records the moment it becomes visible and answers every query as
of "now", so latency is modelled without a single blocking sleep and the caller's polling is what is
exercised.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass(eq=False)
class Widget:
    handle: int
    class_name: str
    control_id: int = 0
    text: str = ""
    role: str = ""  # the fake's own name for it ("code", "submit", "captcha_image", ...)
    page: str | None = None  # main-window controls belong to one page and show only on it
    parent: Widget | None = None
    children: list[Widget] = field(default_factory=list)
    shown_at: float = 0.0
    owner: int = 0  # a top-level window's owner (GW_OWNER): dialogs are owned by the main/login window
    hidden: bool = False
    enabled: bool = True
    password: bool = False  # ES_PASSWORD: another process reads "" (Windows refuses WM_GETTEXT)
    items: list[str] = field(default_factory=list)  # combobox entries
    selected: int = -1
    select_all: bool = False  # an edit whose whole text is selected: typing replaces it
    caret_home: bool = False  # an edit's caret is before its first character ({HOME}); else at the end
    on_click: Callable[[], None] | None = None
    image: bytes | None = None
    # Bookkeeping for misuse detection on order fields.
    written_ctx: int | None = None
    source: str = ""  # "user" or "client": who put the current text there

    def walk(self) -> Iterator[Widget]:
        for child in self.children:
            yield child
            yield from child.walk()

    def add(self, child: Widget) -> Widget:
        child.parent = self
        self.children.append(child)
        return child


class WidgetFactory:
    """Hands out HWND-like handles and remembers every live widget by handle."""

    def __init__(self) -> None:
        self._ids = itertools.count(0x10010, 0x10)
        self.by_handle: dict[int, Widget] = {}

    def make(self, class_name: str, control_id: int = 0, text: str = "", **kw: object) -> Widget:
        widget = Widget(next(self._ids), class_name, control_id, text, **kw)  # type: ignore[arg-type]
        self.by_handle[widget.handle] = widget
        return widget

    def forget(self, root: Widget) -> None:
        self.by_handle.pop(root.handle, None)
        for w in root.walk():
            self.by_handle.pop(w.handle, None)

    def clear(self) -> None:
        self.by_handle.clear()


def root_of(w: Widget) -> Widget:
    """The top-level window a control lives in."""
    while w.parent is not None:
        w = w.parent
    return w


def read_text(w: Widget) -> str:
    """WM_GETTEXT as another process sees it: a password edit reads empty."""
    return "" if w.password else w.text


def title_of(window: Widget) -> str:
    """A window's title: its caption, else the static 1365 some builds draw it in."""
    if window.text:
        return window.text
    for c in window.children:
        if c.control_id == 1365:
            return c.text
    return ""


def visible_windows(windows: list[Widget], now: float, minimised: Widget | None) -> list[Widget]:
    """The top-level windows shown at ``now``, bottom → top; a minimised window's dialogs are hidden."""
    hidden_owner = minimised.handle if minimised is not None else None
    return [
        w
        for w in windows
        if not w.hidden and w.shown_at <= now and (hidden_owner is None or w.owner != hidden_owner)
    ]


def is_visible(w: Widget, now: float, windows: list[Widget], page: str | None) -> bool:
    """Whether ``w`` is shown at ``now``: it and every parent shown, on the page shown, in a live window."""
    node: Widget | None = w
    while node is not None:
        if node.hidden or node.shown_at > now:
            return False
        if node.page is not None and node.page != page:
            return False
        if node.parent is None and node not in windows:
            return False
        node = node.parent
    return True
