"""Risk limits per account and the kill switch: checked before journalling, before any broker call.

Limits come from ``config.ini`` sections ``[Risk]`` (every account) and ``[Risk:<account>]``
(overrides). The kill switch lives in the journal database, so it holds across restarts and the CLI can
flip it while the gateway runs.
"""

from __future__ import annotations

import configparser
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..domain import repo
from ..domain.errors import GatewayError, InvalidParameter, RiskRefused
from ..domain.models import OrderRequest, Quote, Side
from ..domain.sessions import MarketState
from ..store.hot import HotConnection
from ..store.journal_tables import risk_state

KILL_SWITCH = "kill_switch"
# Limits that need a market price: the deviation always, the value ones for orders without a price.
QUOTE_LIMITS = ("max_order_value", "max_daily_turnover", "max_price_deviation")
# Built once: the global switch and every per-account one ("kill_switch:<account>").
_SWITCHES = select(risk_state.c.key, risk_state.c.value).where(risk_state.c.key.startswith(KILL_SWITCH))
_SWITCHES_SQL = "SELECT key, value FROM risk_state WHERE key LIKE ?"

TEXTS = {
    "kill": (
        "风控：紧急停止已开启，拒绝新委托"
        "（解除：ashare-gateway kill-switch off 或 POST /api/admin/kill-switch）"
    ),
    "value": "风控：单笔委托金额{value:.2f}超过上限{limit:.2f}",
    "amount": "风控：单笔委托数量{value}超过上限{limit}",
    "orders": "风控：当日委托笔数已达上限{limit}",
    "turnover": "风控：当日委托金额将达{value:.2f}，超过上限{limit:.2f}",
    "allow": "风控：{code}不在允许交易的证券列表中",
    "deny": "风控：{code}在禁止交易的证券列表中",
    "hours": "风控：非交易时段（{phase}），已开启交易时段保护",
    "deviation": "风控：委托价{price}偏离最新价{last}超过{limit:.1%}",
    "no_price": "风控：无法估算未指定价格的委托金额（取不到行情），已配置金额上限，拒绝委托",
    "no_deviation_quote": (
        "风控：已配置 max_price_deviation，但取不到{code}的行情，无法检查委托价偏离，拒绝委托"
        "（GUI 客户端请用 --quotes easyquotation:sina 或 mootdx 指定行情源）"
    ),
}


@dataclass(frozen=True, slots=True)
class RiskLimits:
    max_order_value: float | None = None
    max_order_amount: int | None = None
    max_daily_orders: int | None = None
    max_daily_turnover: float | None = None
    allow_codes: frozenset[str] | None = None
    deny_codes: frozenset[str] = field(default_factory=frozenset)
    trading_hours_only: bool = False
    max_price_deviation: float | None = None  # fraction of the last price, e.g. 0.03
    dry_run: bool = False  # validate and journal, never send


def _parse(section: configparser.SectionProxy, base: RiskLimits) -> RiskLimits:
    values: dict[str, Any] = {}
    for f in fields(RiskLimits):
        if f.name not in section:
            continue
        raw = section[f.name].strip()
        try:
            if f.name in ("allow_codes", "deny_codes"):
                values[f.name] = frozenset(c.strip() for c in raw.replace("，", ",").split(",") if c.strip())
            elif f.name in ("trading_hours_only", "dry_run"):
                values[f.name] = section.getboolean(f.name)
            elif f.name in ("max_order_amount", "max_daily_orders"):
                values[f.name] = int(raw)
            else:
                values[f.name] = float(raw)
        except ValueError:
            raise InvalidParameter(f"配置[{section.name}] {f.name} 的值无效：{raw}") from None
    return replace(base, **values)


def parse_limits(section: configparser.SectionProxy, base: RiskLimits) -> RiskLimits:
    """The risk keys of any section (e.g. an ``[Account:NAME]``) over ``base``."""
    return _parse(section, base)


def load_limits(parser: configparser.ConfigParser) -> tuple[RiskLimits, dict[str, RiskLimits]]:
    default = _parse(parser["Risk"], RiskLimits()) if parser.has_section("Risk") else RiskLimits()
    per_account = {
        name.split(":", 1)[1].strip(): _parse(parser[name], default)
        for name in parser.sections()
        if name.startswith("Risk:")
    }
    return default, per_account


class RiskGuard:
    def __init__(
        self,
        db,
        *,
        default: RiskLimits | None = None,
        per_account: dict[str, RiskLimits] | None = None,
        now: Callable[[], dt.datetime],
        hot: HotConnection | None = None,
    ) -> None:
        self.db = db
        self._hot = hot  # the journal's plain sqlite3 connection: the per-order read at a tenth of the cost
        self.default = default or RiskLimits()
        self.per_account = per_account or {}
        self._now = now
        self.observers: list[Callable[[bool, str | None], None]] = []  # told (on, account) on each change

    def limits(self, account: str) -> RiskLimits:
        return self.per_account.get(account, self.default)

    def quote_limits(self) -> list[str]:
        """The configured limits (any account) that need a quote for some order: without a quote source
        they refuse those orders instead of checking them (reported by /health)."""
        names = []
        for name in QUOTE_LIMITS:
            if any(getattr(lim, name) is not None for lim in (self.default, *self.per_account.values())):
                names.append(name)
        return names

    # ---- kill switch ------------------------------------------------------------------------
    def kill_switch(self, account: str | None = None) -> bool:
        """Read from the journal on every order (one indexed select on a table of a few rows), never
        cached: a ``kill-switch on`` written by the CLI straight into the data folder takes effect in a
        running gateway at its next order."""
        if self._hot is not None:
            rows = self._hot.all(_SWITCHES_SQL, (f"{KILL_SWITCH}%",))
        else:
            with self.db.connect() as conn:
                rows = conn.execute(_SWITCHES).all()
        switches = {k: v == "on" for k, v in rows}
        return switches.get(KILL_SWITCH, False) or (
            account is not None and switches.get(f"{KILL_SWITCH}:{account}", False)
        )

    def set_kill_switch(self, on: bool, account: str | None = None) -> None:
        key = f"{KILL_SWITCH}:{account}" if account else KILL_SWITCH
        with self.db.begin() as conn:
            conn.execute(risk_state.delete().where(risk_state.c.key == key))
            conn.execute(
                risk_state.insert().values(
                    key=key, value="on" if on else "off", updated_at=self._now().replace(tzinfo=None)
                )
            )
        for observe in self.observers:
            observe(on, account)

    # ---- checks ----------------------------------------------------------------------------
    def check(
        self,
        account: str,
        req: OrderRequest,
        *,
        day_totals: Callable[[], tuple[int, float]],
        market_state: Callable[[], MarketState] | None = None,
        quote: Callable[[], Quote] | None = None,
    ) -> None:
        """Raise RiskRefused with the first limit the order breaks."""
        if self.kill_switch(account):
            raise RiskRefused(TEXTS["kill"])
        lim = self.limits(account)
        if lim.allow_codes is not None and req.code not in lim.allow_codes:
            raise RiskRefused(TEXTS["allow"].format(code=req.code))
        if req.code in lim.deny_codes:
            raise RiskRefused(TEXTS["deny"].format(code=req.code))
        if lim.max_order_amount is not None and req.amount > lim.max_order_amount:
            raise RiskRefused(TEXTS["amount"].format(value=req.amount, limit=lim.max_order_amount))
        price = req.price if req.price is not None else req.protect_price
        needs_value = lim.max_order_value is not None or lim.max_daily_turnover is not None
        if price is None and needs_value:
            price = _worst_case_price(req, quote)  # market orders and the client's default price
        value = float(_value(req, price)) if price is not None else None
        if lim.max_order_value is not None and value is not None and value > lim.max_order_value:
            raise RiskRefused(TEXTS["value"].format(value=value, limit=lim.max_order_value))
        if lim.max_daily_orders is not None or lim.max_daily_turnover is not None:
            count, turnover = day_totals()
            if lim.max_daily_orders is not None and count >= lim.max_daily_orders:
                raise RiskRefused(TEXTS["orders"].format(limit=lim.max_daily_orders))
            if (
                lim.max_daily_turnover is not None
                and value is not None
                and turnover + value > lim.max_daily_turnover
            ):
                raise RiskRefused(
                    TEXTS["turnover"].format(value=turnover + value, limit=lim.max_daily_turnover)
                )
        if lim.trading_hours_only and market_state is not None:
            state = market_state()
            if not (state.orders_go_to_exchange or state.demo):
                raise RiskRefused(TEXTS["hours"].format(phase=state.phase.value))
        if lim.max_price_deviation is not None and req.price is not None:
            last = _last_price(req, quote)
            if last > 0 and abs(req.price - last) / last > Decimal(str(lim.max_price_deviation)):
                raise RiskRefused(
                    TEXTS["deviation"].format(price=req.price, last=last, limit=lim.max_price_deviation)
                )


def _value(req: OrderRequest, price: Decimal) -> Decimal:
    """What an order moves: price × amount; a 国债逆回购's price is a rate, its value the principal."""
    return repo.principal(req.amount) if repo.is_repo(req.code) else price * req.amount


def _last_price(req: OrderRequest, quote: Callable[[], Quote] | None) -> Decimal:
    """The last price a deviation limit is measured against; no quote refuses (never an invented one)."""
    if quote is None:
        raise RiskRefused(TEXTS["no_deviation_quote"].format(code=req.code))
    try:
        return quote().last
    except GatewayError:
        raise RiskRefused(TEXTS["no_deviation_quote"].format(code=req.code)) from None


def _worst_case_price(req: OrderRequest, quote: Callable[[], Quote] | None) -> Decimal:
    """What an order without a price can cost at most: the limit-up for a buy, the last price for a sell."""
    if quote is None:
        raise RiskRefused(TEXTS["no_price"])
    try:
        q = quote()
    except GatewayError:
        raise RiskRefused(TEXTS["no_price"]) from None
    if req.side is Side.BUY:
        return q.limit_up or (q.asks[-1].price if q.asks else q.last)
    return q.last
