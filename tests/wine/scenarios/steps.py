"""How every Wine scenario runs and records a step (imported INSIDE Windows Python under Wine).

Why one module: each scenario prints ``{"steps": {name: {ok, ms, detail}}}`` for its pytest side to read
(tests/wine/conftest.py ``run_scenario``), and a failed step must say the same things everywhere: the
exception's class, the gateway's own Chinese message when it has one, and the end of the traceback.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any

TRACE_TAIL = 2500  # characters of the traceback kept in a failed step's detail


def run_step(steps: dict[str, dict], name: str, fn: Callable[[], Any]) -> bool:
    """Run ``fn`` as step ``name``, record it in ``steps`` (its result is the detail); True if it passed."""
    t0 = time.perf_counter()
    try:
        detail, ok = fn(), True
    except Exception as exc:
        message = getattr(exc, "message", None) or repr(exc)  # GatewayError carries the text users see
        detail, ok = f"{type(exc).__name__}: {message}\n{traceback.format_exc()[-TRACE_TAIL:]}", False
    steps[name] = {"ok": ok, "ms": round((time.perf_counter() - t0) * 1000, 1), "detail": detail}
    return ok


def recorder(steps: dict[str, dict]) -> Callable[[str], Callable]:
    """``@step("name")``: run the decorated function at once as that step (the scenarios' idiom)."""

    def step(name: str) -> Callable:
        def deco(fn: Callable[[], Any]) -> Callable[[], Any]:
            run_step(steps, name, fn)
            return fn

        return deco

    return step
