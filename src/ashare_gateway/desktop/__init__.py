"""The desktop driver: the only code that touches Win32. Everything above it runs on Linux too."""

from .driver import ControlInfo, DesktopDriver, WindowInfo
from .waiting import wait_until

__all__ = ["ControlInfo", "DesktopDriver", "WindowInfo", "wait_until"]
