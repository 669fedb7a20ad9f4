"""The keyboard focus and the client thread's input queue: typed keys land late, where the focus is then.

Why: pywinauto's ``type_keys`` gives the control the focus (``SetFocus``, at once) and sends the keys as
input (``SendInput``). Windows queues input for the client's thread and assigns each key message to the
window that has the focus *when the thread takes it from the queue*; sent messages (``WM_GETTEXT``: every
read-back) and posted ones (``BM_CLICK``) are answered first. So a busy client shows the old text to a
read-back while the keys are still queued, and keys typed for one field land in the next one once the
adapter has given that the focus. A modal dialog that opened meanwhile takes the keys (they are lost to
the page). Both fake clients share this part; each says how late its keys land (``lag`` per call).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .keys import Key
from .widgets import Widget, root_of, title_of


class FocusHost(Protocol):
    """What the input queue reads and calls on the desktop that holds it."""

    def _later(self, delay: float, action: Callable[[], None]) -> None: ...
    def _visible_windows(self) -> list[Widget]: ...
    def _visible(self, w: Widget) -> bool: ...
    def _record(self, kind: str, detail: str) -> None: ...
    def _misuse(self, what: str, detail: str) -> None: ...


class InputQueue:
    """The focus (the control keys were last aimed at) and the keys still queued for the client."""

    def __init__(self, host: FocusHost) -> None:
        self.host = host
        self.focus: Widget | None = None

    def type(
        self, w: Widget, keys: list[Key], lag: float, deliver: Callable[[Widget, list[Key]], None]
    ) -> None:
        """``w`` takes the focus now; ``keys`` reach the focused control ``lag`` seconds later."""
        self.focus = w
        if lag <= 0:
            deliver(w, keys)
            return
        self.host._later(lag, lambda: self._land(w, keys, deliver))

    def _land(self, aimed: Widget, keys: list[Key], deliver: Callable[[Widget, list[Key]], None]) -> None:
        target = self.focus
        lost = "grid_keys_lost" if aimed.role == "grid" else "edit_keys_lost"
        top = self.host._visible_windows()
        if top and top[-1].role == "dialog" and (target is None or root_of(target) is not top[-1]):
            blocker = title_of(top[-1])
            self.host._record(lost, f"{len(keys)}个按键在对话框“{blocker}”出现后才到达")
            return
        if target is None or not self.host._visible(target):
            self.host._record(lost, f"{len(keys)}个按键到达时焦点控件已不可见")
            return
        if target is not aimed:
            typed = "".join(k.name for k in keys if k.is_char)
            self.host._misuse(
                "keys_misdirected",
                f"为控件{aimed.control_id}（{aimed.role}）键入的“{typed}”排队到达时，"
                f"焦点已在控件{target.control_id}（{target.role}）",
            )
        deliver(target, keys)
