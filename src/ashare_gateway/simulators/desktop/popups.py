"""The fake desktop's pop-ups: modal dialogs with buttons, one-button messages, stray windows, and an
order's outcome (a rejection is a message with the broker's text).

A part the :class:`~.desktop.FakeDesktop` holds (``desktop.popups``), not a base class. It builds the
windows the way the 同花顺 clients do (the text in static 1004 or a build's own id, the title in the
caption or, on builds that draw it, in static 1365; WM_CLOSE acting as OK on a one-button message) and
puts them on the desktop's window stack; what it needs of the desktop is :class:`PopupHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ...brokers.base import Broker
from ...domain.errors import GatewayError
from ...domain.models import OrderAck, OrderRequest
from .events import STRAY_WINDOWS
from .session import SessionSwitch
from .widgets import Widget, WidgetFactory

Action = Callable[[], None]


class PopupHost(Protocol):
    """What the pop-ups read and call on the desktop that holds them."""

    clock: Callable[[], float]
    broker: Broker
    orders_sent: list[OrderRequest]
    faults: Any  # the client's faults: ``latency.dialog`` is when a dialog shows
    MESSAGE_TEXT_IDS: dict[str, int]
    _w: WidgetFactory
    _windows: list[Widget]
    _on_close: dict[int, Action]
    session: SessionSwitch

    def _owner_handle(self) -> int: ...
    def _caption_in_static(self) -> bool: ...
    def _record(self, kind: str, detail: str) -> None: ...
    def _close(self, window: Widget) -> None: ...
    def _later(self, delay: float, action: Action) -> None: ...


class Popups:
    def __init__(self, host: PopupHost) -> None:
        self.host = host

    def dialog(
        self,
        title: str,
        text: str,
        buttons: list[tuple[int, str, Action | None]],
        *,
        delay: float | None = None,
        text_id: int = 1004,
        closable: bool = True,
        caption: str | None = None,
    ) -> Widget:
        """A modal pop-up; clicking any button closes it, then runs that button's action."""
        host = self.host
        in_static = host._caption_in_static() and caption is None
        window = host._w.make(
            "#32770", 0, caption if caption is not None else ("" if in_static else title), role="dialog"
        )
        window.shown_at = host.clock() + (host.faults.latency.dialog if delay is None else delay)
        window.owner = host._owner_handle()
        if in_static:
            window.add(host._w.make("Static", 1365, title, role="title"))
        window.add(host._w.make("Static", text_id, text, role="text"))
        for cid, label, action in buttons:
            button = window.add(host._w.make("Button", cid, label))
            button.on_click = self.closing(window, action, answer=f"{title}：{label}")
        if closable:
            # WM_CLOSE acts like OK on a one-button message, like 否/取消 (no action) otherwise.
            fallback = buttons[0][2] if len(buttons) == 1 else None
            host._on_close[window.handle] = self.closing(window, fallback)
        host._windows.append(window)
        host._record("dialog", f"{title}：{text}")
        host.session.dialog_shown(title)  # a lock set to land at this dialog does (``session.py``)
        return window

    def closing(self, window: Widget, action: Action | None, *, answer: str | None = None) -> Action:
        """What a button (or WM_CLOSE) does: close ``window``, then run ``action``. A button's click is
        recorded as an ``answer`` event ("委托确认：是(&Y)"), so a test can tell which answer a dialog got."""

        def run() -> None:
            if answer is not None:
                self.host._record("answer", answer)
            self.host._close(window)
            if action is not None:
                action()

        return run

    def message(
        self, title: str, text: str, *, delay: float | None = None, then: Action | None = None
    ) -> Widget:
        text_id = self.host.MESSAGE_TEXT_IDS.get(title, 1004)
        return self.dialog(title, text, [(1, "确定", then)], delay=delay, text_id=text_id)

    @staticmethod
    def press_default(window: Widget) -> None:
        """Enter on a dialog presses its first button."""
        for b in window.children:
            if b.class_name == "Button" and b.on_click is not None:
                b.on_click()
                return

    def order(self, request: OrderRequest, result_title: str) -> OrderAck | None:
        """Send an order to the paper broker; a rejection pops up as the client shows it (its own text)."""
        host = self.host
        try:
            ack = host.broker.place_order(request)
        except GatewayError as exc:
            self.message(result_title, exc.message)
            return None
        host.orders_sent.append(request)
        return ack

    def stray(self, kind: str, lifetime: float) -> Widget:
        """A window that is no pop-up of the client's (``events.STRAY_WINDOWS``): never waited on."""
        host = self.host
        cls, title, text = STRAY_WINDOWS[kind]
        window = host._w.make(cls, 0, title, role="stray")
        window.shown_at = host.clock()
        if text:
            window.add(host._w.make("Static", 1004, text))
        host._windows.append(window)
        host._record("stray", title)
        if kind == "toast":
            host._later(lifetime, lambda: host._close(window))
        return window
