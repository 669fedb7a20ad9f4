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

    @property
    def main_title_prefix(self) -> str:
        return f"同花顺(v{self.version})"

    def with_changes(self, **changes: object) -> FakeHexinBuild:
        return dataclasses.replace(self, **changes)


HEXIN_8 = FakeHexinBuild(version="8.90.73")
HEXIN_9 = FakeHexinBuild(version="9.20.40")
BUILDS = {"8": HEXIN_8, "9": HEXIN_9}
