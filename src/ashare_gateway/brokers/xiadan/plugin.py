"""xiadan.exe's plug-in registration (see :mod:`ashare_gateway.registry`)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ...registry import BrokerKind, BrokerPlugin, Capability, ProviderContext


class Flavour(StrEnum):
    """Which xiadan layout: 华泰's (通讯密码 required) or the universal 同花顺 one other brokers ship."""

    HT = "ht"
    UNIVERSAL = "universal"


class XiadanOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    flavour: Flavour = Flavour.HT


def _provider(ctx: ProviderContext):
    from .provider import XiadanProvider

    return XiadanProvider(exe_path=ctx.account.exe_path, flavour=ctx.account.options.flavour.value)


PLUGIN = BrokerPlugin(
    kind=BrokerKind.XIADAN,
    help="a 华泰/同花顺 xiadan.exe on this Windows desktop",
    factory=_provider,
    options=XiadanOptions,
    capabilities=frozenset({Capability.DESKTOP_CLIENT}),
)
