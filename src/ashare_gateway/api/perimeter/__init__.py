"""The HTTP perimeter every listener, dialect and page shares (threat model: docs/security.md)."""

from __future__ import annotations

from .access import MIN_TOKEN_LENGTH, BadToken, check_token
from .gate import AccessGate, BrowserGate, PerimeterPolicy
from .hosts import is_loopback

__all__ = [
    "MIN_TOKEN_LENGTH",
    "AccessGate",
    "BadToken",
    "BrowserGate",
    "PerimeterPolicy",
    "check_token",
    "is_loopback",
]
