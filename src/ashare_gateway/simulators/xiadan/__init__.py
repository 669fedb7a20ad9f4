"""A fake 同花顺 xiadan.exe implementing the DesktopDriver protocol, for tests and demos on Linux."""

from ..desktop.events import Event
from .builds import BUILDS, HT_BUILD, UNIVERSAL_BUILD, UNIVERSAL_NEW_BUILD, FakeBuild
from .client import FakeXiadan
from .faults import Faults, Latency

__all__ = [
    "BUILDS",
    "HT_BUILD",
    "UNIVERSAL_BUILD",
    "UNIVERSAL_NEW_BUILD",
    "Event",
    "FakeBuild",
    "FakeXiadan",
    "Faults",
    "Latency",
]
