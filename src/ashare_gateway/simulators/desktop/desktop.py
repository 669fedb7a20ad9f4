"""The Win32 model both fake clients (xiadan.exe, hexin.exe) stand on: windows, controls, time.

Composed of parts, each in its own module: ``inputs`` (the input rules and misuse), ``session`` (the
Windows-session lock), ``popups`` (dialogs and messages). Why one base: the two fakes must answer the
DesktopDriver protocol as Windows does for *any* client — handles that die with the process, controls
that are not there until shown, input lost under a modal pop-up, WM_GETTEXT reading "" from a password
edit — and flag the same misuse. Kept in one place, a fix reaches both fakes; what differs (pages,
keys, dialogs, the process start) stays in each client through the hooks of :class:`FakeDesktop`.

Time: every latency is "not visible until T" (``Widget.shown_at``) or a pending action due at T,
settled lazily on the next driver call (``_tick``), so a fake never sleeps and the adapter's polling
is what is exercised. Thread-safe (one RLock), because an adapter's keep-alive thread may call in too.
"""

from __future__ import annotations

import ntpath
import re
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from ...brokers.base import Broker
from ...desktop.driver import ControlInfo, WindowInfo
from ...domain.errors import BrokerUnavailable
from ...domain.models import OrderAck, OrderRequest
from .events import DialogFaults, Event
from .inputs import InputRules
from .keys import Key, parse_keys
from .popups import Popups
from .session import DEFAULT_REASON, SessionSwitch
from .timeline import Timeline
from .widgets import Widget, WidgetFactory, is_visible, read_text, title_of, visible_windows


class FakeDesktop:
    """The driver surface and Windows rules shared by the fake clients; subclasses add the client.

    Hooks a subclass provides: ``_keys`` (what keystrokes do to a control that accepted them),
    ``_edited`` (an edit's text changed), ``_close_main`` (WM_CLOSE on the main window), and
    optionally ``_edit_key`` (a non-character key typed into an edit) and ``_after_tick``.
    """

    GONE: ClassVar[str] = "客户端窗口已不存在（客户端可能已退出）"  # what a dead handle raises
    # Input aimed under a modal dialog; formatted with action, window, control and blocker.
    BLOCKED: ClassVar[str] = "{action}“{window}”的控件{control}时，对话框“{blocker}”挡在前面"
    # Field role → (full-match pattern, label): a value that does not fit was typed into the wrong field.
    VALUE_RULES: ClassVar[dict[str, tuple[str, str]]] = {}
    # Message titles whose text static is not the usual 1004 (a build's habit the adapter must cope with).
    MESSAGE_TEXT_IDS: ClassVar[dict[str, int]] = {}

    faults: DialogFaults

    def __init__(self, broker: Broker, *, exe_path: str, clock: Callable[[], float]) -> None:
        self.broker = broker
        self.exe_path = exe_path
        self.clock = clock
        self.events: list[Event] = []
        self.clipboard = ""
        self.starts = 0
        self.orders_sent: list[OrderRequest] = []
        self.running = False
        self._lock = threading.RLock()
        self._w = WidgetFactory()
        self._windows: list[Widget] = []  # bottom → top
        self._on_close: dict[int, Callable[[], None]] = {}
        self._timeline = Timeline(clock)
        self._main: Widget | None = None
        self._minimised: Widget | None = None  # the main window while minimised
        self._page: str | None = None  # main-window controls tagged with another page are not shown
        self._last_input = clock()
        # The composed parts: the input rules (what input reaches, what is misuse), the session lock, the
        # pop-ups (dialogs and messages as the clients build them).
        self.inputs = InputRules(self, value_rules=self.VALUE_RULES, blocked=self.BLOCKED)
        self.session = SessionSwitch(self._lock, self._record)
        self.popups = Popups(self)

    # =========================================================== test-facing API

    @property
    def misuse(self) -> list[Event]:
        return [e for e in self.events if e.kind == "misuse"]

    def file_exists(self, path: str) -> bool:
        """The fake machine's file system, as far as finding the client's exe goes."""
        return _norm(path) == _norm(self.exe_path)

    def crash(self) -> None:
        """The client process dies (every handle becomes invalid)."""
        with self._lock:
            self._record("crash", "")
            self._exit_process()

    def popup(self, title: str, text: str) -> int:
        """Inject an unexpected pop-up with an OK button (news, an announcement); returns its handle."""
        with self._lock:
            return self._message(title, text, delay=0.0).handle

    def stray(self, kind: str, lifetime: float = 0.05) -> int:
        """Show a window that is no pop-up of the client's (``events.STRAY_WINDOWS``): never waited on."""
        with self._lock:
            return self.popups.stray(kind, lifetime).handle

    def minimise(self) -> None:
        """The user minimises the main window: the dialogs it owns are hidden until it is restored."""
        with self._lock:
            self._minimised = self._main
            self._record("minimise", "")

    def restore(self, handle: int) -> None:
        with self._lock:
            self._tick()
            if self._get(handle) is self._minimised:
                self._minimised = None
                self._record("restore", "")

    def dialog_titles(self) -> list[str]:
        with self._lock:
            self._tick()
            return [self._title_of(w) for w in self._visible_windows()]

    # =========================================================== DesktopDriver: process

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        with self._lock:
            self._tick()
            if not self.running or (exe_path is not None and not self.file_exists(exe_path)):
                return False
            if title_re is not None:
                pattern = re.compile(title_re)
                return any(pattern.search(w.text) for w in self._visible_windows())
            return True

    def is_alive(self) -> bool:
        with self._lock:
            return self.running

    def kill(self) -> None:
        with self._lock:
            self._record("kill", "")
            self._exit_process()

    def process_id(self) -> int | None:
        """Made up, but new with every start, as a restarted client's is."""
        with self._lock:
            return 4000 + 4 * self.starts if self.running else None

    def session_locked(self) -> str | None:
        return self.session.reason()

    def lock_desktop(
        self, reason: str = DEFAULT_REASON, *, after_inputs: int = 0, at_dialog: str = ""
    ) -> None:
        """Lock now, or mid-flow (``session.py``): right after the ``after_inputs``-th key string or
        WM_SETTEXT sent from now, or as the client shows a dialog titled ``at_dialog`` (the 委托确认)."""
        self.session.lock(reason, after_inputs=after_inputs, at_dialog=at_dialog)

    def unlock_desktop(self) -> None:
        self.session.unlock()

    # =========================================================== DesktopDriver: windows

    def top_windows(self) -> list[WindowInfo]:
        with self._lock:
            self._tick()
            return [
                WindowInfo(w.handle, w.text, w.class_name, owner=w.owner, minimised=w is self._minimised)
                for w in reversed(self._visible_windows())
            ]

    def find_control(
        self,
        parent: int,
        *,
        control_id: int | None = None,
        class_name: str | None = None,
        title: str | None = None,
    ) -> int | None:
        with self._lock:
            self._tick()
            for w in self._get(parent).walk():
                if (
                    (control_id is None or w.control_id == control_id)
                    and (class_name is None or w.class_name == class_name)
                    and (title is None or w.text == title)
                    and self._visible(w)
                ):
                    return w.handle
            return None

    def children(self, parent: int) -> list[ControlInfo]:
        with self._lock:
            self._tick()
            return [
                ControlInfo(w.handle, w.control_id, w.class_name, read_text(w), True, w.enabled)
                for w in self._get(parent).walk()
                if self._visible(w)
            ]

    def child(self, parent: int, control_id: int) -> int | None:
        """GetDlgItem: the first direct child with this id, shown or hidden."""
        with self._lock:
            self._tick()
            found = next((w for w in self._get(parent).children if w.control_id == control_id), None)
            return found.handle if found is not None else None

    def get_text(self, handle: int) -> str:
        with self._lock:
            self._tick()
            return read_text(self._get(handle))

    def text_length(self, handle: int) -> int:
        with self._lock:
            self._tick()
            return len(self._get(handle).text)

    def set_text(self, handle: int, text: str) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if not self._accept_input(w, "写入"):
                return
            if w.class_name != "Edit":
                self._misuse("wrong_field", f"向非输入框（{w.class_name} {w.control_id}）写入“{text}”")
                return
            if not self._accepts_settext(w):
                self._record("settext_ignored", f"控件{w.control_id}忽略了WM_SETTEXT（“{text}”）")
                return
            self.inputs.check_value(w, text)
            w.text = text
            w.select_all = False
            self._edited(w, typed=False)

    def type_keys(self, handle: int, keys: str) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if self._accept_input(w, "按键"):
                self._keys(w, parse_keys(keys))

    def click(self, handle: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if self._accept_input(w, "点击") and w.enabled and w.on_click is not None:
                w.on_click()

    def combo_items(self, combo: int) -> list[str]:
        with self._lock:
            self._tick()
            return list(self._get(combo).items)

    def close_window(self, handle: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            self._last_input = self.clock()
            if w is self._main:
                self._close_main()
                return
            on_close = self._on_close.get(w.handle)
            if on_close is None:
                self._record("ignored_close", self._title_of(w))
                return
            on_close()

    # =========================================================== DesktopDriver: clipboard

    def get_clipboard(self) -> str:
        with self._lock:
            self._tick()
            return self.clipboard

    def clear_clipboard(self) -> None:
        with self._lock:
            self.clipboard = ""

    # =========================================================== hooks

    def _keys(self, w: Widget, keys: list[Key]) -> None:
        """Keystrokes ``w`` accepted: what they do depends on the client."""
        raise NotImplementedError

    def _edited(self, w: Widget, *, typed: bool) -> None:
        """An edit's text changed (typed, or set with WM_SETTEXT): the client reacts, e.g. a code lookup."""
        raise NotImplementedError

    def _close_main(self) -> None:
        """WM_CLOSE reached the main window."""
        raise NotImplementedError

    def _edit_key(self, key: Key, w: Widget) -> None:
        """A key that is not a character, typed into an edit: ignored unless the client has a meaning."""

    def _accepts_settext(self, w: Widget) -> bool:
        """Whether WM_SETTEXT changes this edit (newer universal builds ignore it in the order edits)."""
        return True

    def _edit_ctrl_a(self) -> bool:
        """Whether Ctrl+A selects an edit's text (some builds' edits do nothing on it)."""
        return True

    def _after_tick(self, now: float) -> None:
        """Runs after due actions on every driver call: where a client notices, e.g., idle time."""

    def _caption_in_static(self) -> bool:
        """Whether a pop-up's title is drawn in a static (1365) instead of its caption."""
        return False

    def _owner_handle(self) -> int:
        """Who owns a new dialog: the main window, else the topmost other non-dialog window (login)."""
        if self._main is not None and self._main in self._windows:
            return self._main.handle
        roots = [w for w in self._windows if w.role not in ("dialog", "stray")]
        return roots[-1].handle if roots else 0

    # =========================================================== input, through the rules

    def _accept_input(self, w: Widget, action: str) -> bool:
        self._last_input = self.clock()
        accepted = self.inputs.accept(w, action)
        if action in ("按键", "写入"):  # what a mid-flow lock counts (``session.py``): this one still lands
            self.session.input_sent()
        return accepted

    def _misuse(self, what: str, detail: str) -> None:
        self.inputs.misuse(what, detail)

    # =========================================================== time and visibility

    def _tick(self) -> None:
        self.session.tick()
        now = self.clock()
        while (action := self._timeline.pop_due(now)) is not None:
            if self.running:
                action()
        self._after_tick(now)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        self._timeline.later(delay, action)

    def _visible_windows(self) -> list[Widget]:
        return visible_windows(self._windows, self.clock(), self._minimised)

    def _visible(self, w: Widget) -> bool:
        return is_visible(w, self.clock(), self._windows, self._page)

    def _get(self, handle: int) -> Widget:
        w = self._w.by_handle.get(handle)
        if w is None or not self.running:
            raise BrokerUnavailable(self.GONE)
        return w

    _title_of = staticmethod(title_of)

    def _record(self, kind: str, detail: str) -> None:
        self.events.append(Event(kind, detail))

    # =========================================================== pop-ups (``popups.py``) and the process

    def _dialog(self, title: str, text: str, buttons: list, **options: Any) -> Widget:
        return self.popups.dialog(title, text, buttons, **options)

    def _closing(self, window: Widget, action: Callable[[], None] | None) -> Callable[[], None]:
        return self.popups.closing(window, action)

    def _message(self, title: str, text: str, **options: Any) -> Widget:
        return self.popups.message(title, text, **options)

    def _place_order(self, request: OrderRequest, result_title: str) -> OrderAck | None:
        return self.popups.order(request, result_title)

    def _close(self, window: Widget) -> None:
        if window in self._windows:
            self._windows.remove(window)
        self._on_close.pop(window.handle, None)
        self._w.forget(window)

    def _exit_process(self) -> None:
        self.running = False
        self._windows.clear()
        self._on_close.clear()
        self._timeline.clear()
        self._w.clear()
        self._main = None
        self._minimised = None
        self._page = None


def _norm(path: str) -> str:
    return ntpath.normcase(ntpath.normpath(path))
