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

This file holds what is xiadan's own: the process start, the keys, the menu tree and commands, and the
windows (login, main, lock screen, idle timeout). The Win32 model under it (handles, visibility, time,
the input rules, pop-ups) is :class:`~.desktop.FakeDesktop`, shared with the fake hexin; the pages and
their grids are ``pages.py``, order entry, cancel and IPO ``trading.py``, 精简模式 and the machine's files
``modes.py``: parts the client holds (``self.pages``, ``self.trading``, ``self.modes``), each reaching
the client only through its own small host protocol, the way the desktop holds its inputs and pop-ups.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from typing import Any, ClassVar

from ...brokers.base import Broker, Credentials
from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable, GatewayError
from ..desktop.desktop import FakeDesktop
from ..desktop.focus import InputQueue
from ..desktop.keys import Key
from ..desktop.widgets import Widget
from . import texts as tx
from .builds import HT_BUILD, FakeBuild
from .faults import Faults
from .modes import Modes
from .pages import DATA_PAGES, FRAME_ID, ORDER_PAGES, Pages, captcha_png
from .trading import Trading


class FakeXiadan(FakeDesktop):
    """The fake client. Construct it running and logged in (attach/connect) or stopped (start/login)."""

    VALUE_RULES: ClassVar[dict[str, tuple[str, str]]] = {
        "code": (r"\d{6}", "证券代码"),
        "price": (r"\d+(\.\d+)?", "价格"),
        "protect_price": (r"\d+(\.\d+)?", "保护限价"),
        "amount": (r"[1-9]\d*", "数量"),
    }
    MESSAGE_TEXT_IDS: ClassVar[dict[str, int]] = {"提示信息": 1040}

    faults: Faults

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
        super().__init__(broker, exe_path=exe_path, clock=clock)
        self.build = build
        self.faults = faults or Faults()
        self.account = account
        self._ipo_offers = ipo_offers or (lambda: [])
        self._password = password
        self._rng = random.Random(self.faults.seed)
        # The composed parts: the pages and their grids, order entry and cancel, 精简模式 and the files.
        self.pages = Pages(self)
        self.trading = Trading(self, self.pages)
        self.modes = Modes(self, compact=self.faults.compact_mode)
        self.input_queue = InputQueue(self)  # the focus, and keys typed but not yet handled
        self.logged_in = False
        self.locked = False
        if running:
            self.running = True
            self.starts = 1
            if logged_in:
                self._open_main()
            else:
                self._open_login(0.0)

    # =========================================================== test-facing API

    @property
    def page(self) -> str | None:
        return self._page

    def set_compact(self, on: bool) -> None:
        """The user switches 精简模式 on or off (the 精简 / 专业 button)."""
        self.modes.set_compact(on)

    def update_on_restart(self, build: FakeBuild) -> None:
        """A broker's update is waiting: the next start brings up ``build`` (``modes.py``)."""
        self.modes.update_on_restart(build)

    def write_ini(self, entries: dict[str, str]) -> str:
        """Write ``xiadan.ini`` beside the exe (``modes.py``); returns its path."""
        return self.modes.write_ini(entries)

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

    # =========================================================== DesktopDriver: process

    def start(self, exe_path: str) -> None:
        with self._lock:
            if not self.file_exists(exe_path):
                raise BrokerUnavailable(msg.CONNECT_FAILED)
            if self.running:
                return
            self.running = True
            self.starts += 1
            self.build = self.modes.installed(self.build)
            self._record("start", exe_path)
            self._open_login(self.faults.latency.start)

    # =========================================================== DesktopDriver: menus, combos, images

    def send_command(self, window: int, command_id: int) -> None:
        with self._lock:
            self._tick()
            w = self._get(window)
            if not self._accept_input(w, "菜单命令"):
                return
            if w.role == "grid":
                self.pages.command(w, command_id)
                return
            page = self.build.commands.get(command_id)
            if w is self._main and self.modes.ignores(command_id):
                return
            if page is not None and w is self._main and page in self.pages.controls:
                self._switch(page)

    def select_tree_item(self, tree: int, path: list[str]) -> None:
        with self._lock:
            self._tick()
            w = self._get(tree)
            if not self._accept_input(w, "选择菜单"):
                return
            page = self.build.tree.get(tuple(path))
            if page is None:
                raise BrokerUnavailable(f"菜单中没有“{'/'.join(path)}”")
            self._switch(page)

    def _switch(self, page: str) -> None:
        """Switch pages, asynchronously as the real client does when ``latency.switch`` says so."""
        self._later(self.faults.latency.switch, lambda: self.pages.navigate(page))

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

    def click_at(self, handle: int, x: int, y: int) -> None:
        """A click at (x, y) of the control's client area: on a grid it picks the row under the point
        (toggling its tick when it lands in 批量新股申购's check cell); elsewhere a plain click."""
        with self._lock:
            self._tick()
            w = self._get(handle)
            if w.role != "grid":
                if self._accept_input(w, "点击") and w.enabled and w.on_click is not None:
                    w.on_click()
                return
            if self._accept_input(w, "点击"):
                self.pages.click(w, x, y)

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

    def tree_paths(self, tree: int) -> list[tuple[str, ...]]:
        return self.modes.tree_paths(tree)

    def client_file(self, path: str) -> bytes | None:
        return self.modes.client_file(path)

    # =========================================================== keys and idle time

    def _keys(self, w: Widget, keys: list[Key]) -> None:
        if not w.enabled:
            self._misuse("disabled_control", f"向已禁用的控件{w.control_id}（{w.role}）输入")
            return
        if w.class_name == "Edit":
            self.input_queue.type(w, keys, self.faults.latency.edit_keys, self._deliver_keys)
        elif w.role == "grid":
            self.input_queue.type(w, keys, self.faults.latency.grid_keys, self._deliver_keys)
        else:
            for key in keys:
                self._global_key(key, w)

    def _deliver_keys(self, w: Widget, keys: list[Key]) -> None:
        """Keys taken from the input queue by the focused control (``desktop/focus.py``)."""
        if w.class_name == "Edit":
            self.inputs.type_into_edit(w, keys)
        elif w.role == "grid":
            self.pages.keys(w, keys)

    def _edited(self, w: Widget, *, typed: bool) -> None:
        self.trading.edited(w, typed=typed)

    def _edit_key(self, key: Key, w: Widget) -> None:
        self._global_key(key, w)

    def _global_key(self, key: Key, w: Widget) -> None:
        if key.name == "F5" and not key.mods:
            if self._page in DATA_PAGES:
                self.pages.load(self._page)
        elif key.name == "ENTER" and w.role == "dialog":
            self.popups.press_default(w)

    def _after_tick(self, now: float) -> None:
        if self.running and self.logged_in and not self.locked:
            idle = now - self._last_input
            if self.faults.idle_timeout_after is not None and idle >= self.faults.idle_timeout_after:
                self.idle_timeout()
            elif self.faults.lock_after_idle is not None and idle >= self.faults.lock_after_idle:
                self.lock()

    def _caption_in_static(self) -> bool:
        return self.build.caption_in_static

    def _accepts_settext(self, w: Widget) -> bool:
        if not w.enabled:
            self._misuse("disabled_control", f"向已禁用的控件{w.control_id}（{w.role}）写入")
            return False
        if w.role.startswith("login_"):
            return not self.build.login_settext_ignored
        return not (self.build.settext_ignored and self.pages.page_of(w) in ORDER_PAGES)

    def _edit_ctrl_a(self) -> bool:
        return self.build.edit_ctrl_a

    # =========================================================== windows: main, login, exit

    def _open_login(self, delay: float) -> None:
        self.logged_in = False
        window = self._w.make("#32770", 0, self.build.login_title, role="login")
        window.shown_at = self.clock() + delay
        edits = {}
        for i, field in enumerate(self.build.login_fields):
            edits[field] = window.add(
                self._w.make("Edit", 1011 + i, password=field != "user", role=f"login_{field}")
            )
        for field, text in self.faults.saved_login.items():
            edits[field].text = text  # what the client remembers from the last login, still editable
        if self.build.login_saved_password and "password" in edits:
            edits["password"].text, edits["password"].enabled = self._password, False
        check_captcha = self._login_captcha(window) if self.build.login_captcha else None
        ok = window.add(self._w.make("Button", 1006, self.build.login_button, role="login_ok"))
        window.add(self._w.make("Button", 2, "取消", role="login_cancel"))
        self._windows.append(window)

        def submit() -> None:
            if check_captcha is not None and not check_captcha():
                self._message(tx.RESULT_TITLE, tx.LOGIN_CAPTCHA_WRONG)
                return
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
                    self._dialog(
                        tx.AGREEMENT_TITLE,
                        tx.AGREEMENT,
                        [(6, "同意", None), (7, "不同意", self._exit_process)],
                    )

            self._later(self.faults.latency.login, enter)

        ok.on_click = submit

    def _login_captcha(self, window: Widget) -> Callable[[], bool]:
        """The login captcha (image 0x5db, Edit 0x3eb); the returned check says whether the typed code
        is right, and draws a new image either way (a code is good for one try)."""
        image = window.add(self._w.make("Static", 0x5DB, role="login_captcha_image"))
        edit = window.add(self._w.make("Edit", 0x3EB, role="login_captcha"))
        answer = {"digits": ""}

        def new_image() -> None:
            answer["digits"], image.image = captcha_png(self._rng)

        def check() -> bool:
            right = edit.text == answer["digits"] and self.faults.login_captcha_rejects <= 0
            self.faults.login_captcha_rejects = max(0, self.faults.login_captcha_rejects - 1)
            self._record("login_captcha", "通过" if right else f"拒绝“{edit.text}”")
            edit.text = ""
            new_image()
            return right

        new_image()
        image.on_click = new_image
        return check

    def _open_main(self) -> None:
        main = self._w.make(self.build.main_class, 0, self.build.main_title, role="main")
        self._main = main
        self._windows.insert(0, main)
        self.logged_in = True
        self.locked = False
        self._last_input = self.clock()
        tree = main.add(self._w.make("SysTreeView32", 129, role="tree"))
        tree.items = ["/".join(p) for p in self.build.tree]
        frame = main.add(self._w.make("AfxMDIFrame42s", FRAME_ID, role="frame"))
        self.modes.apply()
        for page, controls in self.pages.build_all(frame).items():
            self.trading.wire(page, controls)
        self.trading.reset()
        self._page = None
        self.pages.show_pane("buy")

    def _close_main(self) -> None:
        if self.faults.exit_confirm:
            buttons = [(6, "是(&Y)", self._exit_process), (7, "否(&N)", None)]
            self._dialog(tx.RESULT_TITLE, tx.EXIT, buttons, delay=0.0)
        else:
            self._exit_process()

    def _exit_process(self) -> None:
        super()._exit_process()
        self.logged_in = False
        self.locked = False
