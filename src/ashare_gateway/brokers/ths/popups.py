"""Find, read, answer and close the client's pop-ups through the driver.

Why a separate piece: every flow (order, cancel, IPO, query, login) must cope with pop-ups it did not
ask for, and must never wait on one forever. ``Popups`` reads a dialog into a :class:`Popup` (title
from the caption or Static 1365, text from its statics), answers it with a button by ID, and waits —
with a deadline — until it is gone, so the next read never sees the same dialog twice.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ...desktop.driver import DesktopDriver
from ...domain.errors import BrokerUnavailable
from ..client_state import input_lost
from .dialogs import Classified, DialogKind, classify
from .layouts import Layout
from .timeouts import Timeouts

log = logging.getLogger(__name__)

DIALOG_CLASS = "#32770"  # the Win32 dialog-box class: message boxes, confirms, the captcha, save-as


class ClientGone(BrokerUnavailable):
    """The client process ended while a pop-up was awaited."""


@dataclass(frozen=True, slots=True)
class Popup:
    handle: int
    classified: Classified
    buttons: dict[int, int]  # control id → handle
    statics: dict[int, str] = field(default_factory=dict)  # control id → text (the first of each id)

    @property
    def kind(self) -> DialogKind:
        return self.classified.kind


class Popups:
    """Pop-ups of one client. ``main`` returns the handles that are not pop-ups (main and login windows)."""

    def __init__(
        self,
        driver: DesktopDriver,
        layout: Layout,
        timeouts: Timeouts,
        not_popups: Callable[[], set[int]],
    ) -> None:
        self.driver = driver
        self.layout = layout
        self.timeouts = timeouts
        self._not_popups = not_popups
        self.seen: deque[Classified] = deque(maxlen=200)  # every pop-up met, for diagnosis
        self._strays: set[int] = set()  # windows already logged as no pop-up
        self.noted = 0  # pop-ups met so far (``seen`` keeps only the last 200)

    def note(self, classified: Classified) -> None:
        self.seen.append(classified)
        self.noted += 1

    def since(self, mark: int) -> list[Classified]:
        """The pop-ups met since ``noted`` was ``mark`` (as far as ``seen`` still holds them)."""
        count = min(self.noted - mark, len(self.seen))
        return list(self.seen)[len(self.seen) - count :] if count > 0 else []

    def handles(self) -> list[int]:
        """Visible pop-ups, topmost first: dialog boxes owned by the main (or login) window.

        Anything else the client shows — the 悬浮工具栏, 条件单 tips, 成交回报 toasts that close
        themselves, windows that ignore WM_CLOSE — is no pop-up of a flow: logged once, never answered,
        never waited on.
        """
        skip = self._not_popups()
        found = []
        for w in self.driver.top_windows():
            if w.handle in skip:
                continue
            if w.class_name == DIALOG_CLASS and w.owner in skip:
                found.append(w.handle)
            elif w.handle not in self._strays:
                self._strays.add(w.handle)
                log.info(
                    "ignoring a window that is no pop-up: %s “%s” (owner %#x)", w.class_name, w.title, w.owner
                )
        return found

    def read(self, handle: int) -> Popup:
        ids = self.layout.dialogs
        caption = next((w.title for w in self.driver.top_windows() if w.handle == handle), "")
        title = caption
        texts: list[str] = []
        buttons: dict[int, int] = {}
        statics: dict[int, str] = {}
        controls = self.driver.children(handle)
        for c in controls:
            if c.class_name == "Button":
                buttons[c.control_id] = c.handle
            elif c.control_id == ids.title:
                title = title or c.text
            elif c.class_name == "Static" and c.control_id != ids.captcha_status and c.text:
                texts.append(c.text)
                statics.setdefault(c.control_id, c.text)
        has = {c.control_id for c in controls}
        classified = classify(title, "\n".join(texts))
        # Controls say more than words: a captcha or lock screen may draw its text as an image.
        if ids.captcha_image in has and ids.captcha_edit in has:
            classified = Classified(DialogKind.CAPTCHA, title, classified.text)
        elif ids.lock_password in has:
            classified = Classified(DialogKind.LOCK, title, classified.text)
        elif ids.save_filename in has:
            classified = Classified(DialogKind.SAVE_AS, title, classified.text)
        elif self.layout.cancel_confirm.code in has and self.layout.cancel_confirm.amount in has:
            classified = Classified(DialogKind.CANCEL_CONFIRM, title, classified.text)
        return Popup(handle, classified, buttons, statics)

    def next(self, timeout: float, what: str) -> Popup:
        """Wait for the topmost pop-up and read it; a client that dies meanwhile ends the wait at once."""

        def probe() -> int | None:
            handle = next(iter(self.handles()), None)
            if handle is None and not self.driver.is_alive():
                raise ClientGone(f"客户端已退出（{what}）")
            return handle

        handle = self.timeouts.wait(probe, timeout, what)
        popup = self.read(handle)
        self.note(popup.classified)
        return popup

    def press(self, popup: Popup, *choices: int) -> None:
        """Click the first of ``choices`` the dialog has (else close it) and wait until it is gone."""
        for cid in choices:
            if cid in popup.buttons:
                self.driver.click(popup.buttons[cid])
                break
        else:
            self.driver.close_window(popup.handle)
        self.wait_gone(popup.handle)

    def wait_gone(self, handle: int) -> None:
        self.timeouts.wait(lambda: handle not in self.handles(), self.timeouts.dialog_close, "对话框关闭")

    def accept(self, popup: Popup) -> None:
        d = self.layout.dialogs
        self.press(popup, d.yes, d.ok)

    def decline(self, popup: Popup) -> None:
        d = self.layout.dialogs
        self.press(popup, d.no, d.cancel, d.ok)

    def decline_if_input_lost(self, popup: Popup) -> None:
        """A confirm up while the desktop takes no input is answered 否 and the flow stops
        (``client_state.input_lost``): the user never saw the order or cancel complete."""
        lost = input_lost(self.driver)
        if lost is not None:
            self.decline(popup)
            raise lost

    def acknowledge(self, popup: Popup) -> None:
        """Close a message: OK if it has one, else 否/取消, else WM_CLOSE."""
        d = self.layout.dialogs
        self.press(popup, d.ok, d.no, d.cancel)

    def dismiss(self, popup: Popup) -> None:
        """Answer a pop-up that no flow asked for, the safe way: never confirm what we did not start."""
        kind = popup.kind
        log.info("closing pop-up %s: %s", kind.value, popup.classified.message[:120])
        if kind in (
            DialogKind.CONFIRM,
            DialogKind.CANCEL_CONFIRM,
            DialogKind.EXIT_CONFIRM,
            DialogKind.CAPTCHA,
            DialogKind.SAVE_AS,
        ):
            self.decline(popup)
        elif kind in (DialogKind.RISK, DialogKind.AGREEMENT):
            self.accept(popup)
        else:
            self.acknowledge(popup)
