"""The client's life: find and attach, start and log in, keep it unlocked and awake, restart it when it dies.

Why apart from the adapter: these concerns cut across every operation. Before each one the adapter
calls :meth:`ClientSession.ensure_ready`, which restarts a dead client (and logs in again with the
stored credentials), closes stray pop-ups, answers the idle-timeout notice and unlocks the lock screen
with the stored trade password. ``keepalive.KeepAlive`` sends a harmless key now and then so the client
never reaches its idle lock in the first place.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable

from ...desktop.driver import DesktopDriver
from ...domain import messages as msg
from ...domain.errors import (
    BrokerUnavailable,
    GatewayError,
    InvalidParameter,
    NotConnected,
    OperationTimeout,
)
from ..base import ConnectInfo, Credentials
from ..client_state import driver_state, require_input
from .dialogs import DialogKind
from .layouts import DATA_PAGES, Layout
from .login import LoginWindow, button_label
from .pageproof import active_pane, page_shown
from .popups import Popup, Popups
from .timeouts import Timeouts

__all__ = ["ClientSession", "answer_one", "button_label", "settle"]

log = logging.getLogger(__name__)

SETTLE_LIMIT = 12  # more stray pop-ups in a row than this means something is wrong


def settle(popups: Popups, answer: Callable[[Popup], None], stuck: str) -> None:
    """Read, note and answer stray pop-ups one at a time until none is left; ``stuck`` if they keep coming.

    Shared with the hexin adapter, whose client pops up the same family of message boxes: only how a
    pop-up is answered differs (xiadan unlocks its lock screen), so that is the caller's ``answer``.
    """
    for _ in range(SETTLE_LIMIT):
        if not answer_one(popups, answer):
            return
    raise BrokerUnavailable(stuck)


def answer_one(popups: Popups, answer: Callable[[Popup], None]) -> bool:
    """Read, note and answer the topmost stray pop-up (``close_pop_dialog``); False if there is none."""
    handles = popups.handles()
    if not handles:
        return False
    popup = popups.read(handles[0])
    popups.note(popup.classified)
    answer(popup)
    return True


class ClientSession:
    def __init__(
        self,
        driver: DesktopDriver,
        layout: Layout,
        timeouts: Timeouts,
        *,
        path_exists: Callable[[str], bool] = os.path.exists,
    ) -> None:
        self.driver = driver
        self.layout = layout
        self.timeouts = timeouts
        self.path_exists = path_exists
        self.main: int | None = None
        self.main_title = layout.main_title
        self.exe_path: str | None = None
        self.credentials: Credentials | None = None
        self.page: str | None = None
        self.restarts = 0
        self.unlocks = 0
        self.last_input = time.monotonic()
        self._login_window: int | None = None
        # The captcha recogniser (the adapter shares the grid reader's): for a login captcha.
        self.recognizer: Callable[[], object] | None = None
        self.page_guard: Callable[[str], None] = lambda page: None  # refuses a page (fingerprint.py)
        # Called once a dead client is restarted and logged in (the adapter takes its fingerprint again).
        self.after_restart: Callable[[], None] = lambda: None
        self.popups = Popups(driver, layout, timeouts, self._not_popups)

    def _not_popups(self) -> set[int]:
        return {h for h in (self.main, self._login_window) if h is not None}

    # --- finding the client ------------------------------------------------------------------------
    def candidates(self, exe_path: str | None) -> list[str]:
        """The given path, else the layout's usual folders that hold a xiadan.exe."""
        if exe_path:
            return [exe_path]
        return [p for p in self.layout.exe_paths if self.path_exists(p)]

    def find_main(self) -> int | None:
        pattern = re.compile(self.layout.main_title_re)
        for w in self.driver.top_windows():
            if w.class_name != "#32770" and pattern.search(w.title):
                self.main_title = w.title
                return w.handle
        return None

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        found = next((p for p in self.candidates(exe_path) if self.driver.attach(exe_path=p)), None)
        if found is None and not exe_path and self.driver.attach(title_re=self.layout.main_title_re):
            found = ""
        if found is None and exe_path:  # the path names the client: say what is wrong with it
            text = msg.NO_CLIENT_AT if self.path_exists(exe_path) else msg.EXE_MISSING
            raise BrokerUnavailable(text.format(path=exe_path))
        if found is None:
            raise BrokerUnavailable(msg.CONNECT_FAILED)
        main = self.find_main()
        if main is None:
            raise BrokerUnavailable("客户端已启动但尚未登录，请调用登录接口")
        self.main, self.exe_path, self.page = main, found, None
        self.settle_popups()
        return ConnectInfo(
            exe_path=found,
            account=self.credentials.user if self.credentials else "",
            main_window_title=self.main_title,
        )

    # --- login -------------------------------------------------------------------------------------
    def login(self, credentials: Credentials) -> ConnectInfo:
        if self.layout.requires_comm_password and not credentials.comm_password:
            raise InvalidParameter(msg.MISSING_PARAM.format(name="comm_password"))
        exe = next(iter(self.candidates(credentials.exe_path)), None)
        if exe is None:
            raise BrokerUnavailable(msg.CONNECT_FAILED)
        attached = self.driver.attach(exe_path=exe)
        main = self.find_main() if attached else None
        if main is None:
            if not attached:
                self.driver.start(exe)
            main = LoginWindow(self, self.recognizer).run(credentials)
        self.main, self.exe_path, self.credentials, self.page = main, exe, credentials, None
        self.settle_popups()
        self.last_input = time.monotonic()
        return ConnectInfo(exe_path=exe, account=credentials.user, main_window_title=self.main_title)

    # --- keeping it usable -------------------------------------------------------------------------
    def require_input(self, action: str) -> None:
        """Refuse ``action`` (an order, a cancel: flows that type keys) while the Windows desktop takes
        no input (``client_state.require_input``); reads and 全部撤单 work by messages and are not
        refused (docs/clients.md row 35)."""
        require_input(self.driver, action)

    def ensure_ready(self) -> int:
        """The main window, ready for input: restarted if dead, unlocked, with no pop-up in the way."""
        if self.main is None:
            raise NotConnected(msg.NOT_CONNECTED)
        if not self.driver.is_alive():
            self.restart("客户端已退出")
        self.restore_if_minimised()
        self.settle_popups()
        return self.main  # type: ignore[return-value]

    def restore_if_minimised(self) -> None:
        """A minimised main window hides the dialogs it owns (a captcha, a confirm) and loses keys."""
        main = self.main
        if any(w.handle == main and w.minimised for w in self.driver.top_windows()):
            log.info("the main window is minimised: restoring it")
            self.driver.restore(main)  # type: ignore[arg-type]
            self.timeouts.wait(
                lambda: not any(w.handle == main and w.minimised for w in self.driver.top_windows()),
                self.timeouts.control,
                "主窗口从最小化恢复",
            )

    def restart(self, why: str) -> None:
        if self.credentials is None:
            self.main = None
            raise BrokerUnavailable(f"{why}，且没有保存的登录信息，无法自动重启，请重新登录")
        log.warning("%s: restarting the client and logging in again", why)
        self.restarts += 1
        if self.driver.is_alive():
            self.driver.kill()
        self.main = None
        credentials = self.credentials
        if not credentials.exe_path and self.exe_path:  # start it again from where it was found
            credentials = Credentials(
                credentials.user, credentials.password, credentials.comm_password, self.exe_path
            )
        self.login(credentials)
        self.after_restart()

    def settle_popups(self) -> None:
        """Close every stray pop-up, recovering from the idle timeout and the lock screen."""
        settle(self.popups, self.answer_stray, "客户端弹出的对话框无法全部关闭")

    def answer_stray(self, popup: Popup) -> None:
        """Dismiss a stray pop-up, or unlock the client when it is the lock screen."""
        if popup.kind is DialogKind.LOCK:
            self.unlock(popup)
        else:
            self.popups.dismiss(popup)

    def unlock(self, popup: Popup) -> None:
        if self.credentials is None:
            raise BrokerUnavailable("客户端已锁定，请重新登录以便自动解锁")
        d = self.layout.dialogs
        edit = self.driver.find_control(popup.handle, control_id=d.lock_password)
        if edit is None or d.ok not in popup.buttons:
            raise BrokerUnavailable("锁屏窗口中找不到密码框")
        self.driver.set_text(edit, self.credentials.password)
        self.driver.click(popup.buttons[d.ok])
        outcome = self.timeouts.wait(
            lambda: (
                "ok"
                if popup.handle not in self.popups.handles()
                else ("wrong" if any("错误" in c.text for c in self.driver.children(popup.handle)) else None)
            ),
            self.timeouts.dialog_close,
            "解锁",
        )
        if outcome == "wrong":
            raise BrokerUnavailable("客户端已锁定，保存的交易密码无法解锁")
        self.unlocks += 1
        log.info("unlocked the client")

    def keep_alive(self) -> None:
        """One harmless key (F5) so the client's idle timer starts over; none while the desktop takes
        no keys (locked, disconnected: the key would go nowhere, and the driver refuses to send it)."""
        if self.main is None or not self.driver.is_alive() or driver_state(self.driver).locked is not None:
            return
        if self.popups.handles():
            self.settle_popups()
        self.driver.type_keys(self.main, self.layout.keys.keep_alive)
        self.last_input = time.monotonic()

    # --- navigation --------------------------------------------------------------------------------
    def navigate(self, page: str, ready_id: int) -> int:
        """Show ``page`` and return the handle of its ``ready_id`` control once visible.

        A page already on screen is not switched to again, by menu command or tree alike: the client
        handles a switch asynchronously, and one to the page shown can never be seen landing (the page
        proof holds before and after), so it lands on whatever comes next, its reload putting the
        grid's selection back on the first row between a cancel's selection keys and its 撤单 (issue
        14, clients.md row 14). A data page already shown is refreshed with F5 instead (easytrader
        ``refresh_strategies.py:42-43``): a key, queued ahead of the keys typed after it. (Re-selecting
        the tree item already selected does nothing in a real tree view anyway.)
        While the desktop takes no keys (``client_state``: locked, disconnected) a data page shown is
        refreshed by going to another data page and back instead, all by messages (F5 would be swallowed).
        The page's gate is asked after ``ensure_ready``: a client restarted there has been checked
        again (``after_restart``), and its check, not the dead client's, decides.
        """
        main = self.ensure_ready()
        self.page_guard(page)
        layout = self.layout
        if page == self.page and page_shown(page, layout, self.find, self.driver.get_text):
            if page in DATA_PAGES:
                if driver_state(self.driver).locked is not None:
                    # A locked or disconnected desktop swallows F5: the grid would stay as it was (stale,
                    # and read as if fresh). Shown afresh by messages instead, through another data page.
                    self.navigate("trades" if page != "trades" else "entrusts", layout.grid_id)
                    return self.navigate(page, ready_id)
                self.driver.type_keys(main, layout.keys.refresh)
        elif layout.navigation == "command" and page in layout.commands:
            self.driver.send_command(main, layout.commands[page])
        else:
            tree = self.timeouts.wait(
                lambda: self.driver.find_control(main, control_id=layout.tree_id),
                self.timeouts.control,
                "左侧菜单树出现",
            )
            self.driver.select_tree_item(tree, list(layout.menu[page]))
        self.page = page
        self.last_input = time.monotonic()
        try:
            handle = self.timeouts.wait(
                lambda: page_shown(page, layout, self.find, self.driver.get_text) and self.find(ready_id),
                self.timeouts.control,
                f"页面“{'/'.join(layout.menu.get(page, (page,)))}”的控件{ready_id}出现",
            )
        except OperationTimeout:
            self.page = None
            raise
        self.settle_popups()
        return handle

    def find(self, control_id: int) -> int | None:
        """The visible control ``control_id`` of the active pane (``pageproof.active_pane``), or None."""
        if self.main is None:
            raise NotConnected(msg.NOT_CONNECTED)
        pane = active_pane(self.driver, self.main, self.layout.pane_path)
        if pane is None:
            return None
        cls = self.layout.grid_class if control_id == self.layout.grid_id else None
        return self.driver.find_control(pane, control_id=control_id, class_name=cls)

    def control(self, control_id: int, what: str, timeout: float | None = None) -> int:
        return self.timeouts.wait(
            lambda: self.find(control_id),
            self.timeouts.control if timeout is None else timeout,
            what,
        )

    # --- exit --------------------------------------------------------------------------------------
    def exit(self) -> None:
        """Close the main window, confirm 退出, and kill the process if it is still there at the deadline."""
        if self.main is None:
            self.credentials = None
            return
        try:
            if self.driver.is_alive():
                self.driver.close_window(self.main)
                for _ in range(SETTLE_LIMIT):
                    found = self.timeouts.wait(
                        lambda: (
                            "gone" if not self.driver.is_alive() else next(iter(self.popups.handles()), None)
                        ),
                        self.timeouts.exit,
                        "客户端退出",
                    )
                    if found == "gone":
                        break
                    popup = self.popups.read(found)
                    if popup.kind is DialogKind.EXIT_CONFIRM:
                        self.popups.accept(popup)
                    else:
                        self.popups.dismiss(popup)
        except (GatewayError, OperationTimeout):
            log.warning("the client did not close by itself: killing it", exc_info=True)
        finally:
            if self.driver.is_alive():
                self.driver.kill()
            self.main, self.credentials, self.page = None, None, None
