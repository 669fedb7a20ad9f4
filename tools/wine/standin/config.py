"""The stand-in's settings: ``standin.json`` beside the exe, changed at run time by the ``set`` hook."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Config:
    db: str
    flavour: str = "ht"
    accounts: list[dict] = field(
        default_factory=lambda: [{"user": "demo", "password": "demo", "comm_password": "demo"}]
    )
    logged_in: bool = False  # skip the login window: log in as the first account
    clock: str = "2026-11-20 10:00:00"  # a fixed market time ("system" = wall clock, always open)
    captcha: str = "off"  # off | always | once: a captcha before every (or the first) grid copy
    captcha_rejects: int = 0  # the next N captcha answers are refused whatever they are
    confirm: bool = True  # 委托确认 shown (设置→快速交易 not turned off)
    exit_confirm: bool = True
    risk_codes: list[str] = field(default_factory=list)
    lookup_delay_ms: int = 0  # the code lookup (name, price, 可买) arrives this late
    control_port: int = 0
    log: str | None = None
    seed: int = 7
    title: str | None = None  # main window title (default: the build's)
    # --- how unkind the client is (issue 14; docs/wine.md "The unkind stand-in") ---------------------
    # 撤单确认 as the real client shows it: code/price/amount in statics 0x412/0x413/0x414, the tip in
    # 0x6E8, no 合同编号 (easyths order_cancel.py:63-68); "text": the old kind one-text dialog with it.
    cancel_confirm: str = "real"
    result_popups: bool = True  # the 提示 after an order/cancel (a client setting, easytrader #275/#457)
    settext_ignored: bool | None = None  # order edits ignore WM_SETTEXT/EM_REPLACESEL (None: the build's)
    edit_ctrl_a: bool | None = None  # Ctrl+A selects all in an Edit (None: the build's)
    grid_nesting: bool = False  # page → 1047 container → HexinScrollWnd 200 → CVirtualGridCtrl 1047
    ctrl_lag_ms: int = 0  # Ctrl read like GetAsyncKeyState: Ctrl+A/C within N ms of Ctrl-down is lost
    copy_refused: bool = False  # the grid refuses to copy (keys and 0xE122); Ctrl+S (save as) works
    copy_command_ignored: bool = False  # WM_COMMAND 0xE122 posted to the grid does nothing; keys still copy
    # The IME eats the next N Ctrl+C keystrokes sent to the grid (xiadan-gateway position_service.py:46-115
    # sends Ctrl+C twice for it): counted in stats ime_ate_copy.
    ime_eats_copy: int = 0
    async_switch_ms: int = 0  # a WM_COMMAND page switch lands this much later (SendMessage returns first)
    stale_pages: bool = False  # the page left stays shown (off screen, first in Z order): panes.py
    login_button: str = "确定"  # the login button's text: 确定, 确定(Y), 登录(Y)
    login_captcha: bool = False  # 国金/广发: a captcha on the login window (image 0x5db, Edit 0x3eb)
    login_captcha_rejects: int = 0  # the next N login captcha answers are refused whatever they are
    login_saved_password: bool = False  # the password edit shows the saved password, disabled
    captcha_covered: bool = False  # a topmost 悬浮工具栏 over every captcha image (captcha_cover.py)
    compact: bool = False  # 精简模式: the menu tree hidden, a small window (compact.py)
    menu_rename: dict[str, str] = field(default_factory=dict)  # a build's menu names (menu_rename.py)
    menu_lazy: bool = False  # the tree's children inserted only on TVN_ITEMEXPANDING (menu_lazy.py)
    cancel_reorder: int = 0  # the next N cancel selections see a new order inserted on top (reorder.py)
    # one reorder.ClickChange ("twin" | "other") per coming 撤单 click, inserted on top as it lands
    cancel_reorder_at_click: list[str] = field(default_factory=list)
    # A busy client: the order edits and the login edits take this long over every key, so typed keys
    # queue for real and a read-back (a sent message) is answered between them (clients.md row 34).
    key_lag_ms: int = 0
    # The Windows session as the OS reports it: "" active, "locked", "disconnected" (session_lock.py):
    # typed keys and mouse input go nowhere, the screen is black, messages still work.
    session_lock: str = ""
    # The same lock landing mid-flow, once (session_lock.py): {"state": "locked", "after": N} after the
    # N-th key-down from now; "locked" / "disconnected" as the next 委托确认 comes up, or the next 撤单确认.
    session_lock_after_keys: dict = field(default_factory=dict)
    session_lock_at_confirm: str = ""
    session_lock_at_cancel_confirm: str = ""
    login_saved: dict[str, str] = field(default_factory=dict)  # login edits filled at start (editable)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Config:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
