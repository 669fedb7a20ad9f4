"""What a real 同花顺 hexin.exe build looks like, as the fake reproduces it: title, keys, dialog IDs.

Deliberately separate from the adapter's ``brokers.hexin.layouts`` (see ``simulators.xiadan.builds`` for why):
this file models the outside world, that one is the adapter's belief about it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeHexinBuild:
    version: str  # as the title shows it: "8.90.73"
    main_class: str = "Afx:00400000:8:00010003:00000000:0001001f"
    home_page: str = "首页"
    # Quick codes typed into the 键盘精灵 (then Enter) → which flash dialog they open.
    quick_codes: dict[str, str] = field(default_factory=lambda: {"21": "buy", "23": "sell"})
    flash_titles: dict[str, str] = field(default_factory=lambda: {"buy": "闪电买入", "sell": "闪电卖出"})
    flash_ids: dict[str, int] = field(
        default_factory=lambda: {
            "code": 1032,
            "price": 1033,
            "amount": 1034,
            "name": 1036,
            "refresh": 1528,
            "submit": 1006,
            "cancel": 2,
            "full": 12092,
            "half": 12093,
            "third": 12094,
            "quarter": 12095,
        }
    )
    # 系统设置 → 快速交易: the price the dialog fills in after the code lookup ("对手价" or "最新价").
    default_price: str = "对手价"
    # The flash dialog's caption. Empty on the current 同花顺: THSAutoTrader finds it as
    # {'class_name': '#32770', 'title': ''} (src/service/flask_service.py:223, :304); 8.x builds as
    # client-automation.md recorded them show 闪电买入/闪电卖出. Unverified which 8.x builds do which.
    flash_caption: bool = True
    # The 键盘精灵 reads WM_KEYDOWN virtual-key codes ('2' = 0x32): a digit sent as VK_PACKET (what
    # pywinauto sends for a plain character) reaches it as 0xE7 and is not a quick code. THSAutoTrader
    # sends each digit with keybd_event(ord(ch)) (src/service/window_service.py:163-185).
    sprite_virtual_keys_only: bool = True

    @property
    def main_title_prefix(self) -> str:
        return f"同花顺(v{self.version})"

    def with_changes(self, **changes: object) -> FakeHexinBuild:
        return dataclasses.replace(self, **changes)


HEXIN_8 = FakeHexinBuild(version="8.90.73")
HEXIN_9 = FakeHexinBuild(version="9.20.40", flash_caption=False)
BUILDS = {"8": HEXIN_8, "9": HEXIN_9}
