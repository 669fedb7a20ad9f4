"""The hexin stand-in's settings: ``hexin.json`` beside ``hexin.exe``, changed at run time by ``set``.

The build (8 or 9) comes from the Linux fake's description of the real ones
(``ashare_gateway.simulators.hexin.builds``): title, quick codes, the flash dialog's caption and IDs.
``None`` for a knob means "as the build says".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class HexinConfig:
    db: str
    version: str = "8"  # "8" → 同花顺(v8.90.73), "9" → 同花顺(v9.20.40)
    accounts: list[dict] = field(default_factory=lambda: [{"user": "demo", "password": "demo"}])
    clock: str = "2026-11-20 10:00:00"
    control_port: int = 0
    log: str | None = None
    confirm: bool = True  # 委托确认 before a flash order (快速交易 "下单前确认")
    result_popups: bool = True  # the 提示 with the 合同编号 after an order
    close_after_order: bool = True  # the flash dialog closes itself after a successful order
    lookup_delay_ms: int = 0  # the code lookup (name, default price) lands this late
    flash_caption: bool | None = None  # the dialog's caption 闪电买入/闪电卖出 (9.x: empty)
    vk_only: bool | None = None  # the 键盘精灵 ignores VK_PACKET characters (both builds: True)
    # A locked / disconnected session, and the same lock landing mid-order, as the xiadan stand-in's
    # (session_lock.py): "" active, "locked", "disconnected"; {"state": "locked", "after": N} after the
    # N-th key-down; at_confirm: as the flash order's 委托确认 comes up.
    session_lock: str = ""
    session_lock_after_keys: dict = field(default_factory=dict)
    session_lock_at_confirm: str = ""

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> HexinConfig:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
