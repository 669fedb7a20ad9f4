"""The browser page at ``/``: a small dashboard over the same ``/api/trader`` API a script uses."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def dashboard_html() -> str:
    return resources.files(__package__).joinpath("static/dashboard.html").read_text(encoding="utf-8")
