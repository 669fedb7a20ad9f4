"""同花顺 hexin.exe's plug-in registration (see :mod:`ashare_gateway.registry`)."""

from __future__ import annotations

from ...registry import BrokerKind, BrokerPlugin, Capability, ProviderContext


def _provider(ctx: ProviderContext):
    from .provider import HexinProvider

    return HexinProvider(exe_path=ctx.account.exe_path)


PLUGIN = BrokerPlugin(
    kind=BrokerKind.HEXIN,
    help="同花顺 hexin.exe and its trading client",
    factory=_provider,
    capabilities=frozenset({Capability.DESKTOP_CLIENT}),
)
