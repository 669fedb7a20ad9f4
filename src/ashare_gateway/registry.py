"""The broker plug-ins: each flavour of client declares itself once, and config, CLI and gateway read that.

Like vnpy's gateways declare ``default_name``/``default_setting``/``exchanges``, a flavour declares a
:class:`BrokerPlugin`: its kind (the ``--broker`` value and a ``config.ini`` account's ``broker =``), the
pydantic model of the account keys it reads besides the common ones (``user``, ``password``,
``comm_password``, ``exe_path``), a factory that builds its provider, its capabilities and a help line.
Adding a flavour is one folder with a ``plugin.py`` plus its module path in :data:`BUILTIN_PLUGINS`; a
package outside this repository registers through the ``ashare_gateway.brokers`` entry point group.

Why the plug-in modules are imported lazily and are kept light (their factories import the heavy parts):
``ashare-gateway --help`` lists the kinds, and must not load SQLAlchemy or the GUI automation for it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from .serve_choices import BrokerKind as BrokerKind  # defined stdlib-only, for serve --help


class Capability(StrEnum):
    """What a flavour is, as the gateway needs to know it before any client is reached."""

    DESKTOP_CLIENT = "desktop_client"  # a GUI client: quotes only from the source the user chose
    SIMULATED_CLOCK = "simulated_clock"  # ``--start-at`` may run its market on a simulated clock
    PAPER_MONEY = "paper_money"  # trades on the built-in paper exchange, never real money


class NoOptions(BaseModel):
    """A flavour that reads no account keys of its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a factory may use: the paper exchange (the fakes trade on it), the gateway's settings and the
    account being built (its validated options are ``account.options``)."""

    exchange: Any  # brokers.sim.SimExchange
    settings: Any  # config.Settings (not imported: the brokers layer must not reach the service's modules)
    account: Any  # accounts_config.AccountConfig


@dataclass(frozen=True, slots=True)
class BrokerPlugin:
    kind: str
    help: str  # one line, shown by ``serve --help`` and in docs
    factory: Callable[[ProviderContext], Any]  # returns a service.clients.BrokerProvider
    options: type[BaseModel] = NoOptions  # the account keys this flavour reads (config.ini, CLI)
    capabilities: frozenset[Capability] = frozenset()

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities


# One line per flavour shipped here: the module holding its ``PLUGIN``.
BUILTIN_PLUGINS = (
    "ashare_gateway.brokers.sim.plugin",
    "ashare_gateway.simulators.xiadan_plugin",  # the fakes register from the simulators' side
    "ashare_gateway.brokers.xiadan.plugin",
    "ashare_gateway.simulators.hexin_plugin",
    "ashare_gateway.brokers.hexin.plugin",
)
ENTRY_POINT_GROUP = "ashare_gateway.brokers"

_lock = threading.Lock()
_plugins: dict[str, BrokerPlugin] = {}
_loaded = False


def register(plugin: BrokerPlugin) -> BrokerPlugin:
    """Add a flavour; registering a kind twice is a programming error, said at once."""
    with _lock:
        existing = _plugins.get(plugin.kind)
        if existing is not None and existing is not plugin:
            raise ValueError(f"broker kind registered twice: {plugin.kind}")
        _plugins[plugin.kind] = plugin
    return plugin


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for name in BUILTIN_PLUGINS:
        register(importlib.import_module(name).PLUGIN)
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        register(entry.load())
    _loaded = True


def plugins() -> list[BrokerPlugin]:
    _load()
    with _lock:
        return list(_plugins.values())


def kinds() -> list[str]:
    return [p.kind for p in plugins()]


def get(kind: str) -> BrokerPlugin:
    """The plug-in of ``kind``; an unknown kind is a clear Chinese error listing the choices."""
    _load()
    with _lock:
        plugin = _plugins.get(kind)
    if plugin is None:
        from .domain.errors import InvalidParameter

        raise InvalidParameter(f"未知的 broker：{kind}（可选：{', '.join(kinds())}）")
    return plugin
