"""The paper exchange's plug-in registration (see :mod:`ashare_gateway.registry`)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from ...registry import BrokerKind, BrokerPlugin, Capability, ProviderContext


class SimOptions(BaseModel):
    """``opening_cash``: the cash a paper account opened by its first login starts with."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    opening_cash: Decimal = Field(Decimal("1000000"), gt=0, le=Decimal("1e12"))


def _provider(ctx: ProviderContext):
    from .provider import SimProvider

    return SimProvider(ctx.exchange, opening_cash=ctx.account.options.opening_cash)


PLUGIN = BrokerPlugin(
    kind=BrokerKind.SIM,
    help="the built-in paper exchange",
    factory=_provider,
    options=SimOptions,
    capabilities=frozenset({Capability.SIMULATED_CLOCK, Capability.PAPER_MONEY}),
)
