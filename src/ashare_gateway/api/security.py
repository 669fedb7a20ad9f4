"""The HTTP perimeter, installed on one app: see :mod:`ashare_gateway.api.perimeter`.

Order, outermost first: the fault guard (errors.py), :class:`BrowserGate` (Host, cross-site pages,
security headers), CORS when ``--cors-origin`` is given (so a configured page's preflight needs no
token), :class:`AccessGate` (allow-list, token, rate limit, body size, JSON-only state changes).
Binding anything but loopback requires a token (checked by the CLI before it starts). Rejections use
the envelope of the path's dialect, like every other error.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ..config import read_token_file
from .errors import PathRenderer
from .perimeter import AccessGate, BrowserGate, PerimeterPolicy, check_token, is_loopback

SecurityPolicy = PerimeterPolicy  # the name the rest of the project knows

__all__ = ["SecurityPolicy", "check_token", "install", "is_loopback", "read_token_file"]


def install(app: FastAPI, policy: PerimeterPolicy, render: PathRenderer) -> None:
    """Add the perimeter's middlewares (Starlette runs the last added first)."""
    app.add_middleware(AccessGate, policy=policy, render=render)
    if policy.cors_origins:  # no CORS unless configured: a page elsewhere cannot drive the account
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(policy.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )
    app.add_middleware(BrowserGate, policy=policy, render=render)
