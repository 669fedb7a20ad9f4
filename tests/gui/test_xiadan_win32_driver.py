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


# --- the process lookup (desktop/win32_process.py): exe path → pid, compared as Windows compares paths --
def test_an_exe_path_matches_its_process_whatever_the_spelling() -> None:
    from ashare_gateway.desktop.win32_process import matching

    images = {
        4100: r"C:\htzqzyb2_A\xiadan.exe",
        4104: r"C:\htzqzyb2_B\xiadan.exe",
        4108: r"\\?\C:\gjzq\xiadan.exe",  # a long-path image name
        4112: "",  # a process that would not tell
    }
    assert matching(images, r"C:\htzqzyb2_A\xiadan.exe") == [4100]
    assert matching(images, "c:/HTZQZYB2_b/Xiadan.EXE") == [4104]
    assert matching(images, r'"C:\htzqzyb2_A\..\htzqzyb2_B\.\xiadan.exe"') == [4104]
    assert matching(images, r"C:\gjzq\xiadan.exe") == [4108]


def test_a_path_is_never_matched_by_a_part_of_it() -> None:
    """pywinauto's connect(path=) takes any process whose path *contains* the text: not here."""
    from ashare_gateway.desktop.win32_process import matching

    images = {4100: r"C:\htzqzyb2_A\xiadan.exe", 4104: r"C:\htzqzyb2_A\xiadan.exe.old\xiadan.exe"}
    assert matching(images, "xiadan.exe") == []
    assert matching(images, r"C:\htzqzyb2\xiadan.exe") == []
    assert matching(images, r"C:\htzqzyb2_A\xiadan.exe") == [4100]


def test_two_processes_from_one_folder_are_both_found() -> None:
    from ashare_gateway.desktop.win32_process import matching

    images = {4108: r"C:\ht\xiadan.exe", 4100: r"C:\HT\xiadan.exe", 4104: r"C:\other\xiadan.exe"}
    assert matching(images, r"C:\ht\xiadan.exe") == [4100, 4108]  # the driver refuses these (SAME_EXE)
