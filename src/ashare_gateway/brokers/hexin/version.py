"""Which 同花顺 is running: the version in its main window's title, ``同花顺(v8.90.73) - 首页``.

Why from the title: it is the one place every build shows its version without reading the process's
files, and it is what the user sees too. 8.x and 9.x differ in what they can do (see layouts); 10.x and
later are treated as 9.x, older builds are refused with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...domain.errors import BrokerUnavailable
from . import texts
from .layouts import LAYOUTS, HexinLayout

TITLE_RE = re.compile(r"^同花顺\s*\(v(?P<version>\d+(?:\.\d+)*)\)")


@dataclass(frozen=True, slots=True)
class HexinVersion:
    text: str  # "8.90.73"

    @property
    def major(self) -> int:
        return int(self.text.split(".")[0])


def parse_title(title: str) -> HexinVersion | None:
    """The version in a main-window title, or None when the title is not 同花顺's."""
    match = TITLE_RE.match(title.strip())
    return HexinVersion(match.group("version")) if match else None


def layout_for(version: HexinVersion) -> HexinLayout:
    if version.major < 8:
        raise BrokerUnavailable(texts.OLD_VERSION.format(version=version.text))
    return LAYOUTS[8] if version.major == 8 else LAYOUTS[9]
