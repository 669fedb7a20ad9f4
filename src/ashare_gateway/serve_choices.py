"""The names and defaults ``serve`` offers: the built-in broker kinds, the xiadan flavours, host and port.

Standard library only, and a module of its own, because both sides read them: ``config.Settings``
(pydantic) and the plug-in ``registry`` at run time, and ``ashare-gateway serve --help``, which must
not import pydantic or the plug-ins just to print them (the CLI's ≤ 0.3 s start-up, docs/benchmarks/cli.md).
"""

from __future__ import annotations

from enum import StrEnum


class BrokerKind(StrEnum):
    """The flavours shipped with the gateway (a third-party plug-in may use any other name)."""

    SIM = "sim"
    XIADAN_FAKE = "xiadan-fake"
    XIADAN = "xiadan"
    HEXIN_FAKE = "hexin-fake"
    HEXIN = "hexin"


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
# The built-in kinds, for --help without loading the plug-ins; serve checks the value against the registry.
BROKER_KINDS = tuple(BrokerKind)
FLAVOURS = ("ht", "universal")
