"""How a stand-in process runs one app (xiadan ``App`` or hexin ``HexinApp``): its log, its crash, its end.

Both stand-ins log to the file their config names (else stderr, which a windowed exe may not have),
report a crash with its traceback instead of dying silently (the tests read the log to explain a failed
run), and close their control port on the way out so that a test waiting for it to go sees it go.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from typing import Protocol

from . import control

log = logging.getLogger("standin")


class StandinApp(Protocol):
    server: control.Server | None

    def run(self) -> int: ...


def setup_logging(path: str | None, tag: str) -> None:
    """INFO lines tagged ``tag`` (``standin``, ``hexin``) into ``path``, or stderr when there is none."""
    handlers: list[logging.Handler] = []
    if path:
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    elif sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.INFO,
        handlers=handlers,
        datefmt="%H:%M:%S",
        format=f"%(asctime)s.%(msecs)03d {tag} %(levelname)s %(message)s",
    )


def run_app(app: StandinApp, name: str) -> int:
    """``app.run()``'s exit code; 1 with the traceback logged when it raised (``name`` says whose)."""
    t0 = time.perf_counter()
    try:
        return app.run()
    except Exception:
        log.error("%s crashed after %.1fs:\n%s", name, time.perf_counter() - t0, traceback.format_exc())
        return 1
    finally:
        if app.server:
            app.server.stop()
        logging.shutdown()
