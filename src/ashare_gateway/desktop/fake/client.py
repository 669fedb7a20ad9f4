"""An in-memory 同花顺 xiadan.exe that implements the DesktopDriver protocol, trading on a paper broker.

Why a fake this detailed: the adapter's correctness is all in how it copes with the client — pages
whose controls appear late, a code lookup that overwrites the price, confirm and result dialogs with
the real texts, grids that copy with quirks, captchas, the lock screen, pop-ups nobody asked for, a
process that dies. The fake reproduces those behaviours and also *detects misuse a real client would
punish silently* (typing into the wrong field, appending to a field, input while a modal dialog is up,
fields of two orders mixed): each is recorded as a ``misuse`` event that tests assert stays empty.

Time: every latency is "not visible until T" (``Widget.shown_at``) or a pending action due at T,
settled lazily on the next driver call, so the fake never sleeps and the adapter's polling is real.
Thread-safe (one RLock), because the adapter's keep-alive thread may call in too.

This file holds the driver surface, time and visibility, the input rules, and the windows (login,
main, dialogs, lock screen). The pages and their grids are in ``pages.py``, order entry, cancel and
IPO in ``trading.py`` (mixins of :class:`FakeXiadan`).
"""

from __future__ import annotations

import heapq
import io
import itertools
import ntpath
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...brokers.base import Broker, Credentials
from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable, GatewayError
from ...domain.models import OrderRequest
from ..driver import ControlInfo, WindowInfo
from . import texts as tx
from .builds import HT_BUILD, FakeBuild
from .faults import Faults
from .keys import Key, parse_keys
from .pages import DATA_PAGES, ORDER_PAGES, PagesMixin
from .trading import PageState, TradingMixin
from .widgets import Widget, WidgetFactory


@dataclass(frozen=True, slots=True)
class Event:
    """Something the fake saw: ``misuse`` (the adapter did wrong), ``dialog``, ``popup``, ``lock``..."""

    kind: str
    detail: str


class FakeXiadan(PagesMixin, TradingMixin):
    """The fake client. Construct it running and logged in (attach/connect) or stopped (start/login)."""

    def __init__(
        self,
        broker: Broker,
        *,
        build: FakeBuild = HT_BUILD,
        faults: Faults | None = None,
        exe_path: str = r"C:\htwt\xiadan.exe",
        running: bool = True,
        logged_in: bool = True,
        password: str = "",
        account: str = "A123456789",
        ipo_offers: Callable[[], list[dict[str, Any]]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.broker = broker
        self.build = build
        self.faults = faults or Faults()
        self.exe_path = exe_path
        self.account = account
        self.clock = clock
        self.events: list[Event] = []
        self.clipboard = ""
        self.starts = 0
        self.orders_sent: list[OrderRequest] = []
        self._ipo_offers = ipo_offers or (lambda: [])
        self._password = password
        self._lock = threading.RLock()
        self._w = WidgetFactory()
        self._windows: list[Widget] = []  # bottom → top
        self._on_close: dict[int, Callable[[], None]] = {}
        self._pending: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._rng = random.Random(self.faults.seed)
        self._main: Widget | None = None
        self._page: str | None = None
        self._controls: dict[str, dict[str, Widget]] = {}
        self._state: dict[str, PageState] = {}
        self._grid_data: dict[str, tuple[list[str], list[list[str]], list[Any]]] = {}
        self.running = False
        self.logged_in = False
        self.locked = False
        self._last_input = clock()
        if running:
            self.running = True
            self.starts = 1
            if logged_in:
                self._open_main()
            else:
                self._open_login(0.0)

    # =========================================================== test-facing API

    @property
    def misuse(self) -> list[Event]:
        return [e for e in self.events if e.kind == "misuse"]

    def file_exists(self, path: str) -> bool:
        """The fake machine's file system, as far as finding xiadan.exe goes."""
        return _norm(path) == _norm(self.exe_path)

    @property
    def page(self) -> str | None:
        return self._page

    def lock(self) -> None:
        """Show the lock screen now (what the client does after its idle minutes)."""
        with self._lock:
            if not self.logged_in or self.locked:
                return
            self.locked = True
            self._record("lock", tx.LOCK)
            dialog = self._dialog("", tx.LOCK, [], delay=0.0, closable=False)
            edit = dialog.add(
                self._w.make("Edit", self.build.lock_edit_id, password=True, role="lock_password")
            )
            status = dialog.add(self._w.make("Static", 1041, "", role="lock_status"))

            def unlock() -> None:
                if edit.text == self._password:
                    self._close(dialog)
                    self.locked = False
                    self._record("unlock", "")
                else:
                    status.text = tx.LOCK_WRONG
                    edit.text = ""

            button = dialog.add(self._w.make("Button", 1, "确定", role="ok"))
            button.on_click = unlock

    def idle_timeout(self) -> None:
        """Show the idle-timeout notice now; answering it leads to the lock screen."""
        with self._lock:
            if not self.logged_in or self.locked:
                return
            self.locked = True  # no second notice while this one is up
            self._record("idle_timeout", tx.IDLE_TIMEOUT)

            def then() -> None:
                self.locked = False
                self.lock()

            self._message(tx.RESULT_TITLE, tx.IDLE_TIMEOUT, delay=0.0, then=then)

    def crash(self) -> None:
        """The client process dies (every handle becomes invalid)."""
        with self._lock:
            self._record("crash", "")
            self._exit_process()

    def popup(self, title: str, text: str) -> int:
        """Inject an unexpected pop-up with an OK button; returns its handle."""
        with self._lock:
            return self._message(title, text, delay=0.0).handle

    def dialog_titles(self) -> list[str]:
        with self._lock:
            self._tick()
            return [self._title_of(w) for w in self._visible_windows()]

    # =========================================================== DesktopDriver: process

    def start(self, exe_path: str) -> None:
        with self._lock:
            if not self.file_exists(exe_path):
                raise BrokerUnavailable(msg.CONNECT_FAILED)
            if self.running:
                return
            self.running = True
            self.starts += 1
            self._record("start", exe_path)
            self._open_login(self.faults.latency.start)

    def attach(self, exe_path: str | None = None, title_re: str | None = None) -> bool:
        with self._lock:
            self._tick()
            if not self.running:
                return False
            if exe_path is not None and not self.file_exists(exe_path):
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

    # =========================================================== DesktopDriver: windows

    def top_windows(self) -> list[WindowInfo]:
        with self._lock:
            self._tick()
            return [WindowInfo(w.handle, w.text, w.class_name) for w in reversed(self._visible_windows())]

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
            root = self._get(parent)
            for w in root.walk():
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
            root = self._get(parent)
            return [
                ControlInfo(w.handle, w.control_id, w.class_name, self._read(w), True, w.enabled)
                for w in root.walk()
                if self._visible(w)
            ]

    def get_text(self, handle: int) -> str:
        with self._lock:
            self._tick()
            return self._read(self._get(handle))

    def set_text(self, handle: int, text: str) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if not self._accept_input(w, "写入"):
                return
            if w.class_name != "Edit":
                self._misuse("wrong_field", f"向非输入框（{w.class_name} {w.control_id}）写入“{text}”")
                return
            self._check_value(w, text)
            w.text = text
            w.select_all = False
            self._edited(w, typed=False)

    def type_keys(self, handle: int, keys: str) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if not self._accept_input(w, "按键"):
                return
            parsed = parse_keys(keys)
            if w.class_name == "Edit":
                self._type_into_edit(w, parsed)
            elif w.role == "grid":
                self._grid_keys(w, parsed)
            else:
                for key in parsed:
                    self._global_key(key, w)

    def click(self, handle: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if not self._accept_input(w, "点击"):
                return
            if w.enabled and w.on_click is not None:
                w.on_click()

    def send_command(self, window: int, command_id: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(window)
            if not self._accept_input(w, "菜单命令"):
                return
            page = self.build.commands.get(command_id)
            if page is not None and w is self._main and page in self._controls:
                self._navigate(page)

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        with self._lock:
            self._tick()
            w = self._get(tree)
            if not self._accept_input(w, "选择菜单"):
                return
            page = self.build.tree.get(tuple(path))
            if page is None:
                raise BrokerUnavailable(f"菜单中没有“{'/'.join(path)}”")
            self._navigate(page)

    def combo_items(self, combo: int) -> list[str]:
        with self._lock:
            self._tick()
            return list(self._get(combo).items)

    def select_combo(self, combo: int, index: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(combo)
            if not self._accept_input(w, "选择下拉项"):
                return
            if not 0 <= index < len(w.items):
                raise BrokerUnavailable(f"下拉框没有第{index}项")
            w.selected = index
            w.text = w.items[index]

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

    # =========================================================== DesktopDriver: clipboard, images

    def get_clipboard(self) -> str:
        with self._lock:
            self._tick()
            return self.clipboard

    def clear_clipboard(self) -> None:
        with self._lock:
            self.clipboard = ""

    def capture_image(self, handle: int) -> bytes:
        with self._lock:
            self._tick()
            w = self._get(handle)
            if w.image is not None:
                return w.image
            from PIL import Image

            buf = io.BytesIO()
            Image.new("RGB", (92, 38), "white").save(buf, format="PNG")
            return buf.getvalue()

    # =========================================================== time and visibility

    def _tick(self) -> None:
        now = self.clock()
        while self._pending and self._pending[0][0] <= now:
            _, _, action = heapq.heappop(self._pending)
            if self.running:
                action()
        if self.running and self.logged_in and not self.locked:
            idle = now - self._last_input
            if self.faults.idle_timeout_after is not None and idle >= self.faults.idle_timeout_after:
                self.idle_timeout()
            elif self.faults.lock_after_idle is not None and idle >= self.faults.lock_after_idle:
                self.lock()

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        if delay <= 0:
            action()
            return
        heapq.heappush(self._pending, (self.clock() + delay, next(self._seq), action))

    def _visible_windows(self) -> list[Widget]:
        now = self.clock()
        return [w for w in self._windows if not w.hidden and w.shown_at <= now]

    def _visible(self, w: Widget) -> bool:
        now = self.clock()
        node: Widget | None = w
        while node is not None:
            if node.hidden or node.shown_at > now:
                return False
            if node.page is not None and node.page != self._page:
                return False
            if node.parent is None and node not in self._windows:
                return False
            node = node.parent
        return True

    def _get(self, handle: int) -> Widget:
        w = self._w.by_handle.get(handle)
        if w is None or not self.running:
            raise BrokerUnavailable("客户端窗口已不存在（客户端可能已退出）")
        return w

    def _root(self, w: Widget) -> Widget:
        while w.parent is not None:
            w = w.parent
        return w

    def _read(self, w: Widget) -> str:
        if w.password:
            return ""
        return w.text

    def _title_of(self, window: Widget) -> str:
        if window.text:
            return window.text
        for c in window.children:
            if c.control_id == 1365:
                return c.text
        return ""

    # =========================================================== input rules (misuse detection)

    def _accept_input(self, w: Widget, action: str) -> bool:
        """Real input goes to the topmost modal window: anything aimed below it is lost."""
        self._last_input = self.clock()
        visible = self._visible_windows()
        root = self._root(w)
        if visible and visible[-1] is not root and visible[-1].role == "dialog":
            self._misuse(
                "input_while_modal",
                f"{action}“{self._title_of(root)}”的控件{w.control_id}时，对话框“{self._title_of(visible[-1])}”挡在前面",
            )
            return False
        if not self._visible(w):
            self._misuse("invisible_control", f"{action}不可见的控件{w.control_id}（{w.role}）")
            return False
        return True

    def _misuse(self, what: str, detail: str) -> None:
        self._record("misuse", f"{what}: {detail}")

    def _record(self, kind: str, detail: str) -> None:
        self.events.append(Event(kind, detail))

    def _check_value(self, w: Widget, text: str) -> None:
        checks = {
            "code": (r"\d{6}", "证券代码"),
            "price": (r"\d+(\.\d+)?", "价格"),
            "protect_price": (r"\d+(\.\d+)?", "保护限价"),
            "amount": (r"[1-9]\d*", "数量"),
        }
        if w.role in checks:
            pattern, label = checks[w.role]
            if not re.fullmatch(pattern, text):
                self._misuse("wrong_field", f"{label}框（{w.control_id}）收到“{text}”")

    def _type_into_edit(self, w: Widget, keys: list[Key]) -> None:
        typed = False
        changed = False
        for key in keys:
            if key.mods == {"ctrl"} and key.name == "a":
                w.select_all = True
            elif key.name in ("BACKSPACE", "BS", "DELETE", "DEL"):
                w.text = "" if w.select_all else w.text[:-1]
                w.select_all = False
                changed = True
            elif key.is_char:
                if w.select_all:
                    w.text = key.name
                    w.select_all = False
                else:
                    if not typed and w.text:
                        self._misuse("appended", f"向已有内容“{w.text}”的输入框{w.control_id}追加输入")
                    w.text += key.name
                typed = changed = True
            else:
                self._global_key(key, w)
        if changed:
            self._check_value(w, w.text)
            self._edited(w, typed=True)

    def _global_key(self, key: Key, w: Widget) -> None:
        if key.name == "F5" and not key.mods:
            if self._page in DATA_PAGES:
                self._load_page(self._page)
        elif key.name == "ENTER" and w.role == "dialog":
            for b in w.children:
                if b.class_name == "Button" and b.on_click is not None:
                    b.on_click()
                    return

    # =========================================================== windows: main, login, dialogs

    def _open_login(self, delay: float) -> None:
        self.logged_in = False
        window = self._w.make("#32770", 0, self.build.login_title, role="login")
        window.shown_at = self.clock() + delay
        edits = {}
        for i, field in enumerate(self.build.login_fields):
            edits[field] = window.add(
                self._w.make("Edit", 1011 + i, password=field != "user", role=f"login_{field}")
            )
        ok = window.add(self._w.make("Button", 1006, "确定", role="login_ok"))
        window.add(self._w.make("Button", 2, "取消", role="login_cancel"))
        self._windows.append(window)

        def submit() -> None:
            comm = edits["comm_password"].text if "comm_password" in edits else None
            if "comm_password" in edits and not comm:
                self._message(tx.RESULT_TITLE, tx.NEED_COMM)
                return
            creds = Credentials(edits["user"].text, edits["password"].text, comm)
            try:
                self.broker.login(creds)
            except GatewayError as exc:
                self._message(tx.RESULT_TITLE, tx.LOGIN_FAILED.format(reason=exc.message))
                return
            self._password = creds.password

            def enter() -> None:
                self._close(window)
                self._open_main()
                if self.faults.agreement_on_login:
                    self._dialog(tx.AGREEMENT_TITLE, tx.AGREEMENT,
                                 [(6, "同意", None), (7, "不同意", self._exit_process)])

            self._later(self.faults.latency.login, enter)

        ok.on_click = submit

    def _open_main(self) -> None:
        main = self._w.make(self.build.main_class, 0, self.build.main_title, role="main")
        self._main = main
        self._windows.insert(0, main)
        self.logged_in = True
        self.locked = False
        self._last_input = self.clock()
        tree = main.add(self._w.make("SysTreeView32", 129, role="tree"))
        tree.items = ["/".join(p) for p in self.build.tree]
        self._controls = {}
        self._state = {}
        for page in (*ORDER_PAGES, *DATA_PAGES):
            self._controls[page] = self._build_page(main, page)
            self._state[page] = PageState()
        self._page = "buy"

    def _dialog(
        self,
        title: str,
        text: str,
        buttons: list[tuple[int, str, Callable[[], None] | None]],
        *,
        delay: float | None = None,
        text_id: int = 1004,
        closable: bool = True,
        caption: str | None = None,
    ) -> Widget:
        """A modal pop-up; clicking any button closes it, then runs that button's action."""
        in_static = self.build.caption_in_static and caption is None
        window = self._w.make("#32770", 0, caption if caption is not None else ("" if in_static else title),
                              role="dialog")
        window.shown_at = self.clock() + (self.faults.latency.dialog if delay is None else delay)
        if in_static:
            window.add(self._w.make("Static", 1365, title, role="title"))
        window.add(self._w.make("Static", text_id, text, role="text"))
        for cid, label, action in buttons:
            button = window.add(self._w.make("Button", cid, label))
            button.on_click = self._closing(window, action)
        if closable:
            # WM_CLOSE acts like OK on a one-button message, like 否/取消 (no action) otherwise.
            fallback = buttons[0][2] if len(buttons) == 1 else None
            self._on_close[window.handle] = self._closing(window, fallback)
        self._windows.append(window)
        self._record("dialog", f"{title}：{text}")
        return window

    def _closing(self, window: Widget, action: Callable[[], None] | None) -> Callable[[], None]:
        def run() -> None:
            self._close(window)
            if action is not None:
                action()

        return run

    def _message(self, title: str, text: str, *, delay: float | None = None,
                 then: Callable[[], None] | None = None) -> Widget:
        text_id = 1040 if title == "提示信息" else 1004
        return self._dialog(title, text, [(1, "确定", then)], delay=delay, text_id=text_id)

    def _close(self, window: Widget) -> None:
        if window in self._windows:
            self._windows.remove(window)
        self._on_close.pop(window.handle, None)
        self._w.forget(window)

    def _close_main(self) -> None:
        if self.faults.exit_confirm:
            buttons = [(6, "是(&Y)", self._exit_process), (7, "否(&N)", None)]
            self._dialog(tx.RESULT_TITLE, tx.EXIT, buttons, delay=0.0)
        else:
            self._exit_process()

    def _exit_process(self) -> None:
        self.running = False
        self.logged_in = False
        self.locked = False
        self._windows.clear()
        self._on_close.clear()
        self._pending.clear()
        self._w.clear()
        self._main = None
        self._page = None



def _norm(path: str) -> str:
    return ntpath.normcase(ntpath.normpath(path))
