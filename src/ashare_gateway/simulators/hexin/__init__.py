"""A fake 同花顺 hexin.exe (8.x and 9.x) implementing the DesktopDriver protocol, for tests and demos."""

from ..desktop.events import Event
from .builds import BUILDS, HEXIN_8, HEXIN_9, FakeHexinBuild
from .client import FakeHexin
from .faults import HexinFaults, HexinLatency

__all__ = [
    "BUILDS",
    "HEXIN_8",
    "HEXIN_9",
    "Event",
    "FakeHexin",
    "FakeHexinBuild",
    "HexinFaults",
    "HexinLatency",
]
