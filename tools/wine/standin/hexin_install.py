"""Install the hexin stand-in as ``C:\\同花顺软件\\同花顺\\hexin.exe`` with its trading client beside it.

The folder is the one the xiadan stand-in's ``install`` makes (a copy of ``pythonw.exe``, its ``._pth``
and the boot hook), holding ``xiadan.exe`` (the universal xiadan stand-in, ``standin.json``) and
``hexin.exe`` (another copy of ``pythonw.exe``, ``hexin.json``): ``standin.boot`` runs the hexin app when
the exe is called hexin.exe. So the hexin adapter meets what a real 同花顺 install has: hexin.exe and
its xiadan.exe in one folder, each its own process.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from winenv import wine_home

from .install import install

FOLDER = ("同花顺软件", "同花顺")  # C:\同花顺软件\同花顺 (layouts.HexinLayout.exe_paths' first)


def install_hexin(
    hexin_config: dict, trading_config: dict, *, home: Path | None = None
) -> tuple[str, str, Path]:
    """Write both exes and their configs; return (hexin.exe, xiadan.exe) as Windows paths and the folder."""
    home = Path(home) if home else wine_home()
    _, target = install(trading_config, home=home, folder="/".join(FOLDER))
    exe = target / "hexin.exe"
    source = target / "xiadan.exe"
    if not exe.exists() or exe.stat().st_size != source.stat().st_size:
        shutil.copy2(source, exe)
    (target / "hexin.json").write_text(
        json.dumps(hexin_config, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    windows = "C:\\" + "\\".join(FOLDER)
    return windows + "\\hexin.exe", windows + "\\xiadan.exe", target
