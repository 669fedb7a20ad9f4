"""Entry point when the stand-in runs as ``C:\\htzqzyb2\\xiadan.exe`` (a copy of pythonw.exe).

The exe folder's ``Lib\\site-packages\\zz_standin.pth`` calls :func:`main` while Python starts up; the
configuration is ``standin.json`` beside the exe (written by ``standin.install``), or the file named by
``ASHARE_STANDIN_CONFIG``, so one exe can run twice with two control ports. The process ends here
(``os._exit``), so Python never goes on to its interactive prompt.
"""

from __future__ import annotations

import os
import sys

CONFIG_ENV = "ASHARE_STANDIN_CONFIG"  # another standin.json than the one beside the exe


def main() -> None:
    exe_dir = os.path.dirname(os.path.abspath(sys.executable))
    # A second instance of one exe (a user who opens the client twice) reads its own settings file.
    config = os.environ.get(CONFIG_ENV) or os.path.join(exe_dir, "standin.json")
    rc = 2
    try:
        if os.path.basename(sys.executable).lower() == "hexin.exe":  # the hexin stand-in (hexin_install.py)
            from .hexin_app import run_file

            rc = run_file(os.path.join(exe_dir, "hexin.json"))
            return
        from .app import Config, run

        rc = run(Config.load(config))
    except BaseException:
        import traceback

        with open(os.path.join(exe_dir, "standin-crash.log"), "a", encoding="utf-8") as f:
            traceback.print_exc(file=f)
    finally:
        os._exit(rc)
