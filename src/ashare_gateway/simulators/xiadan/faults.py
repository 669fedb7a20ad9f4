"""Latencies and faults a test can inject into the fake client (all off by default).

Each one mirrors a failure users report with the real clients (client-automation.md §6): slow and
missing controls, captchas on copy/save, the IME eating the first Ctrl+C, GBK text in the clipboard,
pop-ups at random, lock screen and idle timeout, a client that dies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .grid_race import GridChange


@dataclass
class Latency:
    """Seconds until something the client does becomes visible (modelled, never slept)."""

    page: float = 0.0  # a page's controls after navigation
    # A navigation (WM_COMMAND or the menu tree) lands this late: the old page stays on screen until
    # then, with the same control IDs (buy and sell share 1032/1033/1034/1006).
    switch: float = 0.0
    lookup: float = 0.0  # stock name, price, 可买/可卖 after a code is entered
    dialog: float = 0.0  # a confirm/result dialog after a click
    query: float = 0.0  # a grid or the balance statics after navigation or F5
    start: float = 0.0  # the login window after the exe is started
    login: float = 0.0  # the main window after 确定 on the login window
    copy: float = 0.0  # the clipboard after Ctrl+C
    # Keys typed into the grid are queued input: the client handles them this late, and a click posted
    # meanwhile (BM_CLICK, a posted message) is handled first; keys landing under a modal dialog are lost.
    grid_keys: float = 0.0
    # Keys typed into an edit are queued the same way (``desktop/focus.py``): a read-back meanwhile sees
    # the old text, and keys still queued when the adapter gives another control the focus land there.
    edit_keys: float = 0.0


@dataclass
class Faults:
    latency: Latency = field(default_factory=Latency)
    control_delay: dict[int, float] = field(default_factory=dict)  # control id → extra seconds
    missing_controls: frozenset[int] = frozenset()  # these IDs never appear
    captcha_on_copy: bool = False
    captcha_on_save: bool = False
    captcha_rejects: int = 0  # the next N captcha answers are refused whatever they are
    login_captcha_rejects: int = 0  # the next N login captcha answers are refused whatever they are
    ime_eats_copy: int = 0  # the next N Ctrl+C keystrokes are swallowed
    copy_command_ignored: bool = False  # WM_COMMAND 0xE122 (ID_EDIT_COPY) posted to the grid does nothing
    copy_refused: bool = False  # neither 0xE122 nor Ctrl+C copies (builds that refuse copy): save-as only
    vista_save_dialog: bool = False  # the Vista-style save dialog: no 1152 edit (easytrader takes Edit1)
    clipboard_mojibake: bool = False  # CF_TEXT only: GBK bytes read as a Western code page
    confirm_dialog: bool = True  # 委托确认 shown (设置→快速交易 not turned off)
    # The 提示 after an order or cancel is a client setting (easytrader #275, #457): off, nothing shows
    # after the confirm unless the broker refuses.
    result_popups: bool = True
    # The page just left stays alive and shown (off screen, first in Z order) with the same control ids
    # until the next switch; only the page on screen is the pane 0xE901 (GetDlgItem(frame, 0xE901)).
    stale_page: bool = False
    # Keys aimed at the grid are lost: it has no keyboard focus (pywinauto's set_focus brings only the
    # window forward), so the selection stays on the first row whatever the adapter sends.
    grid_keys_lost: bool = False
    # The client's price auto-fill lands after the typed price was read back, just before the submit:
    # the order would go at the quote's price, and only the confirm dialog shows it.
    late_price_fill: bool = False
    risk_codes: frozenset[str] = frozenset()  # codes that raise a 风险提示 before the confirm
    # Login fields the client shows filled when its login window opens, in editable edits (记住账号, a
    # saved password the build keeps editable): field name ("user", "password", ...) → the text.
    saved_login: dict[str, str] = field(default_factory=dict)
    agreement_on_login: bool = False  # 网上交易用户协议 after login
    lock_after_idle: float | None = None  # seconds without input before the lock screen
    idle_timeout_after: float | None = None  # seconds without input before "请求已超时"
    popup_rate: float = 0.0  # chance per navigation of an unexpected pop-up
    seed: int = 7
    no_market_orders: bool = False  # the market-order combobox says 不支持市价委托
    exit_confirm: bool = True  # closing the main window asks 是否退出
    crash_on_submit: int = 0  # the next N clicks on 买入/卖出 kill the client
    crash_after_send: int = 0  # the next N orders reach the broker, then the client dies before its result
    # The 可撤 grid changes while the selection keys are handled: one change per coming selection on
    # the 撤单 grid, applied as its {HOME} lands (grid_race.py; clients.md row 32).
    cancel_race: list[GridChange] = field(default_factory=list)
    cancel_race_at_click: list[GridChange] = field(default_factory=list)  # … as the 撤单 click lands
    compact_mode: bool = False  # 精简模式 at start: no menu tree, menu commands ignored (modes.py)
