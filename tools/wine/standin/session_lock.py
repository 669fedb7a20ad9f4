"""A locked workstation or a disconnected RDP session (knob ``session_lock``; issue 14 "Window state").

On Windows, once the workstation is locked (Win+L, a screen saver) the secure desktop has the input, and
once the RDP client is gone the session's desktop has none: keys and mouse input sent with
``SendInput`` / ``keybd_event`` (pywinauto ``type_keys``/``send_keys``) never reach the client, and a
grab of the screen (pywinauto ``capture_as_image``, ``ImageGrab``) is black. Messages still reach the
client's windows, the desktop being locked or not: ``WM_SETTEXT`` (where the build honours it),
``WM_COMMAND`` (0xE122 copy), ``BM_CLICK``, list/grid messages, ``WM_PRINT`` of a control's DC.

While the knob is ``locked`` or ``disconnected`` the stand-in does the same:

* **the OS's report**: ``session_shim.lock(state)`` holds the named switch that the shimmed
  ``OpenInputDesktop`` / ``WTSQuerySessionInformationW`` of every process read
  (``tools/wine/session_shim.py``);
* **input goes nowhere**: a low-level keyboard hook and a low-level mouse hook (``WH_KEYBOARD_LL``,
  ``WH_MOUSE_LL``) on a thread of their own swallow every input event (counted in ``keys_lost`` /
  ``mouse_lost``). Why hooks and not a filter of ``WM_KEYDOWN``/``WM_CHAR`` in the stand-in's windows: the
  hooks see exactly what a lock takes away — the system's input stream, for every window and every
  modal loop alike — and nothing else; a key message *sent* to a control (``SendMessage``) or posted to
  it does not pass them, as it does not pass the secure desktop on Windows;
* **the screen is black**: a black, topmost, never-activated window over the whole virtual screen (on the
  same thread, re-stacked every 50 ms as the captcha cover is), so a screen grab reads black pixels while
  ``PrintWindow`` of a control still gets the control's own drawing. It belongs to the stand-in's process
  (the real lock screen belongs to winlogon): the driver sees one more stray window, which it leaves alone.

Back to ``""`` (active) everything is undone: hooks removed, the black window gone, the switch closed.

**A lock that lands mid-flow** (issue 14; the Linux fake's ``lock_desktop(after_inputs=…, at_dialog=…)``),
switched on from inside the stand-in as a real one arrives, not by the test between two calls:

* ``session_lock_after_keys = {"state": "locked", "after": N}``: the same keyboard hook is set while the
  session is still active and lets input through, counting key-downs (``keys_before_lock``); right after
  the N-th has passed, the whole lock is on — the switch, the swallowing, the black screen. The key-up of
  a key pressed before the lock still passes (Windows releases held keys as the secure desktop takes
  over), nothing else does. ``after`` 0: at once;
* ``session_lock_at_confirm = "locked"``: the lock is on as the next 委托确认 comes up (its
  ``WM_INITDIALOG``, ``dialogs.py``), before the caller can see the dialog — the order page's, or in the
  hexin stand-in (``hexin_app.py``, same knobs) the flash order's;
* ``session_lock_at_cancel_confirm = "locked"``: the same at the next 撤单确认 (a cancel by 合同编号 or
  全撤): the cancel's keys have all passed, its 撤单 click has landed, and the caller finds the desktop
  locked as the confirm comes up (``tests/wine/scenarios/lock_mid_cancel_scenario.py``). A knob of its
  own, so an order placed while it is armed (the twins of that scenario) is not the one that locks.

Each is used once: as the lock lands the knob reads as ``session_lock`` = the state and every trigger
is cleared, so ``set(session_lock="")`` unlocks as after any lock.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from ctypes import wintypes
from typing import TYPE_CHECKING

import session_shim
import win32api
import win32con
import win32gui
from session_shim import SessionState

from ashare_gateway.simulators.xiadan import texts

from . import win as w

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("standin")

WH_KEYBOARD_LL, WH_MOUSE_LL = 13, 14
HC_ACTION = 0
WM_KEYDOWN, WM_KEYUP, WM_SYSKEYDOWN, WM_SYSKEYUP = 0x100, 0x101, 0x104, 0x105
WM_APP_SCREEN = win32con.WM_APP + 21  # the hook thread's black window: show yourself (the lock landed)
SCREEN_CLASS = "AshareSessionScreen"
RESTACK_TIMER = 12
RESTACK_MS = 50
WS_EX_NOACTIVATE = 0x08000000
SM_XVIRTUALSCREEN, SM_YVIRTUALSCREEN, SM_CXVIRTUALSCREEN, SM_CYVIRTUALSCREEN = 76, 77, 78, 79
_FLAGS = win32con.SWP_NOACTIVATE | win32con.SWP_SHOWWINDOW
_KEEP = win32con.SWP_NOMOVE | win32con.SWP_NOSIZE

HOOKPROC = ctypes.WINFUNCTYPE(ctypes.c_ssize_t, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM)
user32 = ctypes.WinDLL("user32", use_last_error=True)
kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
user32.SetWindowsHookExW.argtypes = [ctypes.c_int, HOOKPROC, wintypes.HINSTANCE, wintypes.DWORD]
user32.SetWindowsHookExW.restype = wintypes.HHOOK
user32.UnhookWindowsHookEx.argtypes = [wintypes.HHOOK]
user32.CallNextHookEx.argtypes = [wintypes.HHOOK, ctypes.c_int, wintypes.WPARAM, wintypes.LPARAM]
user32.CallNextHookEx.restype = ctypes.c_ssize_t
user32.PostThreadMessageW.argtypes = [wintypes.DWORD, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]
kernel32.GetModuleHandleW.argtypes = [wintypes.LPCWSTR]
kernel32.GetModuleHandleW.restype = wintypes.HMODULE  # 64-bit: the default c_int would truncate it

_registered = False
# The dialog each at-confirm knob lands at (``SessionLock.dialog_shown``).
AT_DIALOG = {
    texts.CONFIRM_TITLE: "session_lock_at_confirm",
    texts.CANCEL_TITLE: "session_lock_at_cancel_confirm",
}


class KBDLLHOOKSTRUCT(ctypes.Structure):
    _fields_ = [
        ("vkCode", wintypes.DWORD),
        ("scanCode", wintypes.DWORD),
        ("flags", wintypes.DWORD),
        ("time", wintypes.DWORD),
        ("dwExtraInfo", ctypes.c_size_t),
    ]


def _after_keys(knob: object) -> tuple[SessionState, int] | None:
    """``{"state": "locked", "after": N}`` as (state, N); None when unset."""
    if not isinstance(knob, dict) or not knob:
        return None
    return SessionState(knob.get("state") or SessionState.LOCKED), int(knob.get("after", 0))


class SessionLock:
    """The knob's state on the stand-in's side; ``apply`` follows ``config.session_lock`` and the
    mid-flow triggers (``session_lock_after_keys``, ``session_lock_at_confirm``,
    ``session_lock_at_cancel_confirm``)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.state = SessionState.ACTIVE
        self._after: tuple[SessionState, int] | None = None  # the armed trigger, as the knob gave it
        self._left = 0  # key-downs still to pass before it lands
        self._held: set[tuple[int, int]] = set()  # keys down that passed (their key-up passes too)
        self._thread: threading.Thread | None = None
        self._thread_id = 0
        self._screen = 0
        # Kept alive as long as the hooks are set: ctypes frees a callback whose object goes away.
        self._keyboard = HOOKPROC(self._key_event)
        self._mouse = HOOKPROC(self._mouse_event)

    def apply(self) -> None:
        """Lock, disconnect, unlock or arm a trigger to match the knobs (a hook call, on the GUI thread)."""
        config = self.app.config
        wanted = SessionState(config.session_lock or "")
        after = _after_keys(config.session_lock_after_keys)
        if after is not None and after[1] <= 0:  # after no key at all: now
            wanted, after = after[0], None
            config.session_lock, config.session_lock_after_keys = wanted.value, {}
        if wanted is self.state and after == self._after:
            return
        self._stop()
        self._switch(wanted)
        self._after, self._left, self._held = after, (after[1] if after else 0), set()
        if wanted is not SessionState.ACTIVE or after is not None:
            ready = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(ready,), name="session-lock", daemon=True)
            self._thread.start()
            ready.wait(10)
        armed = f", locking after {after[1]} keys" if after else ""
        log.info("session %s%s", wanted.value or "active", armed)

    def dialog_shown(self, title: str) -> None:
        """A modal came up (``Dialogs.run``, on the GUI thread): an at-confirm lock lands at its dialog,
        ``session_lock_at_confirm`` at a 委托确认, ``session_lock_at_cancel_confirm`` at a 撤单确认."""
        config = self.app.config
        knob = AT_DIALOG.get(title)
        state = getattr(config, knob, "") if knob else ""  # hexin's config has no cancel knob
        if not state:
            return
        config.session_lock = state
        config.session_lock_at_confirm = config.session_lock_at_cancel_confirm = ""
        config.session_lock_after_keys = {}
        log.info("session lock lands at the %s", title)
        self.apply()

    def _switch(self, state: SessionState) -> None:
        session_shim.lock(state)  # ACTIVE: the switch closed
        self.state = state
        self.app.config.session_lock = state.value

    def _land(self) -> None:
        """The armed lock lands (on the hook thread, inside the key-down's hook call): the switch first, so
        the key that passed is delivered only once the OS reports the lock; the black screen follows."""
        state, after = self._after
        self._switch(state)
        self._after = None
        self.app.config.session_lock_after_keys = {}
        win32gui.PostMessage(self._screen, WM_APP_SCREEN, 0, 0)
        log.info("session %s after %d keys", state.value, after)

    def _stop(self) -> None:
        if self._thread is None:
            return
        user32.PostThreadMessageW(self._thread_id, win32con.WM_QUIT, 0, 0)
        self._thread.join(10)
        self._thread = None

    def _key_event(self, code: int, wparam: int, lparam: int) -> int:
        if code == HC_ACTION and not self._key_passes(wparam, lparam):
            self.app.stats["keys_lost"] = self.app.stats.get("keys_lost", 0) + 1
            return 1  # the event goes nowhere, as into a locked or disconnected desktop
        return user32.CallNextHookEx(None, code, wparam, lparam)

    def _key_passes(self, wparam: int, lparam: int) -> bool:
        event = KBDLLHOOKSTRUCT.from_address(lparam)
        key = (event.vkCode, event.scanCode)  # VK_PACKET keys differ by their character (scanCode)
        if self.state is not SessionState.ACTIVE:
            if wparam in (WM_KEYUP, WM_SYSKEYUP) and key in self._held:
                self._held.discard(key)
                return True  # released from before the lock
            return False
        if wparam in (WM_KEYDOWN, WM_SYSKEYDOWN) and self._after is not None:
            self._held.add(key)
            self.app.stats["keys_before_lock"] = self.app.stats.get("keys_before_lock", 0) + 1
            self._left -= 1
            if self._left <= 0:
                self._land()
        elif wparam in (WM_KEYUP, WM_SYSKEYUP):
            self._held.discard(key)
        return True

    def _mouse_event(self, code: int, wparam: int, lparam: int) -> int:
        if code == HC_ACTION and self.state is not SessionState.ACTIVE:
            self.app.stats["mouse_lost"] = self.app.stats.get("mouse_lost", 0) + 1
            return 1
        return user32.CallNextHookEx(None, code, wparam, lparam)

    def _run(self, ready: threading.Event) -> None:
        """The lock's thread: the two hooks and the black screen (shown once locked), and their loop."""
        self._thread_id = kernel32.GetCurrentThreadId()
        module = kernel32.GetModuleHandleW(None)
        hooks = [
            user32.SetWindowsHookExW(WH_KEYBOARD_LL, self._keyboard, module, 0),
            user32.SetWindowsHookExW(WH_MOUSE_LL, self._mouse, module, 0),
        ]
        if not all(hooks):
            log.error("low-level hooks not set: %s (error %d)", hooks, ctypes.get_last_error())
        self._screen = screen = _black_screen(shown=self.state is not SessionState.ACTIVE)
        ready.set()
        try:
            win32gui.PumpMessages()  # until WM_QUIT from _stop
        finally:
            w.kill_timer(screen, RESTACK_TIMER)
            win32gui.DestroyWindow(screen)
            self._screen = 0
            for hook in hooks:
                if hook:
                    user32.UnhookWindowsHookEx(hook)


def _black_screen(*, shown: bool) -> int:
    global _registered
    if not _registered:
        wc = win32gui.WNDCLASS()
        wc.hInstance = w.HINST
        wc.lpszClassName = SCREEN_CLASS
        wc.lpfnWndProc = _proc
        wc.hbrBackground = win32gui.GetStockObject(win32con.BLACK_BRUSH)
        win32gui.RegisterClass(wc)
        _registered = True
    metric = win32api.GetSystemMetrics
    hwnd = win32gui.CreateWindowEx(
        win32con.WS_EX_TOPMOST | win32con.WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE,
        SCREEN_CLASS,
        "",
        win32con.WS_POPUP,
        metric(SM_XVIRTUALSCREEN),
        metric(SM_YVIRTUALSCREEN),
        metric(SM_CXVIRTUALSCREEN),
        metric(SM_CYVIRTUALSCREEN),
        0,  # no owner: not one of the client's pop-ups
        0,
        w.HINST,
        None,
    )
    if shown:
        _show(hwnd)
    return hwnd


def _show(hwnd: int) -> None:
    _restack(hwnd)
    w.set_timer(hwnd, RESTACK_TIMER, RESTACK_MS)


def _restack(hwnd: int) -> None:
    # Out of the topmost band and back in, as captcha_cover does: under Wine without a window manager an
    # activated window is raised above topmost ones on the X screen.
    win32gui.SetWindowPos(hwnd, win32con.HWND_NOTOPMOST, 0, 0, 0, 0, _FLAGS | _KEEP)
    win32gui.SetWindowPos(hwnd, win32con.HWND_TOPMOST, 0, 0, 0, 0, _FLAGS | _KEEP)


def _proc(hwnd: int, msg: int, wparam: int, lparam: int) -> int:
    if msg == WM_APP_SCREEN:
        _show(hwnd)
        return 0
    if msg == win32con.WM_TIMER and wparam == RESTACK_TIMER:
        _restack(hwnd)
        return 0
    if msg == win32con.WM_MOUSEACTIVATE:
        return win32con.MA_NOACTIVATE
    return win32gui.DefWindowProc(hwnd, msg, wparam, lparam)
