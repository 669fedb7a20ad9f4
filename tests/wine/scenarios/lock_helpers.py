"""What the lock scenarios share (imported INSIDE Windows Python under Wine): the lock's reasons, how many
key-downs a key string costs, an order that rests, the black screen, and the unlock.

Used by lock_mid_order_scenario.py, lock_mid_cancel_scenario.py and hexin_lock_scenario.py; the lock
itself is the stand-in's (tools/wine/standin/session_lock.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

from standin.control import Client

from ashare_gateway.desktop.waiting import wait_until
from ashare_gateway.domain.models import OrderRequest, Side

REASONS = {"locked": "工作站已锁定（锁屏）", "disconnected": "远程会话已断开（连接状态 4）"}
# Every mid-flow trigger of the stand-in; each is used once, and all are cleared by an unlock.
TRIGGERS = ("session_lock_after_keys", "session_lock_at_confirm", "session_lock_at_cancel_confirm")


def key_downs(keys: str) -> int:
    """The key-downs pywinauto sends for ``keys``: one per key ({NAME} or a character), one per modifier."""
    return len(re.findall(r"\{[^}]+\}|.", keys))


def resting_buy(ctl: Client, code: str = "600000") -> OrderRequest:
    """5 ticks under the last price: it rests, and differs from the price the client fills in itself."""
    q = ctl.call("quote", code=code)
    return OrderRequest(code, Side.BUY, 100, Decimal(q["last"]) - Decimal("0.05"))


def screen_black(main: int) -> int:
    """Wait until a screen grab of the window ``main`` is black (the whole lock landed, not only the OS
    switch); the grabs it took. A window the driver activated can come over the black one for a moment
    (no window manager); the stand-in puts it back on top every 50 ms."""
    from pywinauto.controls.hwndwrapper import HwndWrapper

    grabs: list[tuple] = []

    def black() -> bool:
        grabs.append(HwndWrapper(main).capture_as_image().convert("RGB").getextrema())
        return grabs[-1] == ((0, 0), (0, 0), (0, 0))

    wait_until(black, timeout=5, what="主窗口的屏幕截图全黑")
    return len(grabs)


def unlock(ctl: Client, triggers: tuple[str, ...] = TRIGGERS) -> None:
    """Back to an active session, every trigger (of those this stand-in has) disarmed."""
    ctl.call("set", session_lock="", **{name: {} if name.endswith("_keys") else "" for name in triggers})
    session = ctl.call("state")["session"]
    assert session == "", session
