"""The fake xiadan.exe's plug-in registration: the whole GUI path on Linux, trading on the paper exchange."""

from __future__ import annotations

from ..brokers.xiadan.plugin import XiadanOptions
from ..registry import BrokerKind, BrokerPlugin, Capability, ProviderContext


def _provider(ctx: ProviderContext):
    from .xiadan_factory import FakeXiadanProvider

    return FakeXiadanProvider(ctx.exchange, flavour=ctx.account.options.flavour.value)


PLUGIN = BrokerPlugin(
    kind=BrokerKind.XIADAN_FAKE,
    help="the fake xiadan.exe over the paper exchange (tests, demos)",
    factory=_provider,
    options=XiadanOptions,
    capabilities=frozenset({Capability.DESKTOP_CLIENT, Capability.PAPER_MONEY}),
)
