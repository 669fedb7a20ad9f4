"""The pywinauto driver on a machine without pywinauto: importable, complete, and clear when it cannot run.

Running it for real needs Windows (or Windows Python under Wine, see tools/wine); here we check what
can be checked on Linux.
"""

from __future__ import annotations

import importlib.util
import inspect

import pytest

from ashare_gateway.desktop import win32
from ashare_gateway.desktop.driver import DesktopDriver
from ashare_gateway.domain.errors import BrokerUnavailable


def _members(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_it_implements_every_driver_method_with_the_same_signature() -> None:
    protocol = _members(DesktopDriver)
    driver = _members(win32.Win32Driver)
    assert protocol.keys() <= driver.keys()
    for name, signature in protocol.items():
        assert list(driver[name].parameters) == list(signature.parameters), name


@pytest.mark.skipif(importlib.util.find_spec("pywinauto") is not None, reason="pywinauto is installed")
def test_without_pywinauto_it_says_what_to_use_instead() -> None:
    with pytest.raises(BrokerUnavailable, match="xiadan-fake"):
        win32.Win32Driver()
