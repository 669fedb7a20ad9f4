"""Latencies and faults a test can give the fake hexin (all off by default)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HexinLatency:
    """Seconds until something the client does becomes visible (modelled, never slept)."""

    dialog: float = 0.0  # the flash dialog after the quick keys; a pop-up after a click
    lookup: float = 0.0  # name and default price after a code is typed
    refresh: float = 0.0  # 可用 in the amount field after 刷新


@dataclass
class HexinFaults:
    latency: HexinLatency = field(default_factory=HexinLatency)
    confirm_dialog: bool = True  # 委托确认 shown (快速交易 setting "下单前确认")
    close_after_order: bool = True  # the flash dialog closes itself after a successful order
    quick_keys_work: bool = True  # False: the 键盘精灵 ignores 21/23 (e.g. a build that remapped them)
