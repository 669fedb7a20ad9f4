"""Install the stand-in as ``C:\\htzqzyb2\\xiadan.exe`` inside the WINEPREFIX (Linux side, stdlib only).

Why an exe and not ``python.exe app.py``: the adapter starts and attaches to the client by exe path
(``layouts.HT.exe_paths``), exactly as it would on Windows. ``xiadan.exe`` is a copy of the embeddable
``pythonw.exe`` (a GUI-subsystem program, like the real client) with its own ``._pth``; a ``.pth`` hook in
its folder runs ``standin.boot`` at start-up, which reads ``standin.json`` beside the exe.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from winenv import REPO, TOOLS, wine_home, winpath

DLLS = ("python312.dll", "python3.dll", "vcruntime140.dll", "vcruntime140_1.dll")


def install(config: dict, *, home: Path | None = None, folder: str = "htzqzyb2") -> tuple[str, Path]:
    """Write the exe folder and its standin.json; return (Windows exe path, Linux folder)."""
    home = Path(home) if home else wine_home()
    py = home / "python"
    target = home / "prefix" / "drive_c" / folder
    site = target / "Lib" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    exe = target / "xiadan.exe"
    if not exe.exists() or exe.stat().st_size != (py / "pythonw.exe").stat().st_size:
        shutil.copy2(py / "pythonw.exe", exe)
    for dll in DLLS:
        if not (target / dll).exists():
            shutil.copy2(py / dll, target / dll)
    (target / "python312._pth").write_text(
        "\r\n".join([winpath(py / "python312.zip"), winpath(py), ".", "import site", ""]), encoding="ascii"
    )
    (site / "ashare_link.pth").write_text(
        f"import site; site.addsitedir(r'{winpath(py / 'Lib' / 'site-packages')}')\n"
        # The stand-in is the outside world: always the repo's src/, even when ASHARE_WINE_SRC points the
        # driver side at another tree (this line puts it in front of that one).
        f"import sys; sys.path[:0] = [p for p in (r'{winpath(REPO / 'src')}', r'{winpath(TOOLS)}') "
        "if p not in sys.path]\n"
        # Cache bytecode outside the source tree (the ._pth's isolated mode would write none).
        f"import sys; sys.pycache_prefix = r'{winpath(home / 'pycache')}'; sys.dont_write_bytecode = False\n",
        encoding="utf-8",
    )
    (site / "zz_standin.pth").write_text("import standin.boot; standin.boot.main()\n", encoding="utf-8")
    (target / "standin.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    for stale in ("standin-crash.log",):
        (target / stale).unlink(missing_ok=True)
    return f"C:\\{folder}\\xiadan.exe", target
