"""The fake 同花顺's plug-in registration: hexin's whole path on Linux, trading on the paper exchange."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ..registry import BrokerKind, BrokerPlugin, Capability, ProviderContext


class HexinVersion(StrEnum):
    V8 = "8"
    V9 = "9"  # 9.x has no position page


class FakeHexinOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: HexinVersion = HexinVersion.V8


def _provider(ctx: ProviderContext):
    from .hexin_factory import FakeHexinProvider

    return FakeHexinProvider(ctx.exchange, version=ctx.account.options.version.value)


PLUGIN = BrokerPlugin(
    kind=BrokerKind.HEXIN_FAKE,
    help="the fake 同花顺 hexin.exe over the paper exchange (tests, demos)",
    factory=_provider,
    options=FakeHexinOptions,
    capabilities=frozenset({Capability.DESKTOP_CLIENT, Capability.PAPER_MONEY}),
)
