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

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Config:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
