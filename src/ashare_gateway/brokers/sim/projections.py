"""Read projections of the books: 资金, 持仓, 当日委托, 当日成交 and quotes, derived from the stored facts.

冻结 is read from the reservation totals the order transactions keep (:mod:`.reservations`); 可用, 可取
and T+1 availability are computed here from the stored facts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, select

from ...domain.errors import GatewayError
from ...domain.instruments import Market, resolve_code
from ...domain.market_orders import MarketType
from ...domain.models import Balance, Entrust, Level, Position, Quote, Side, Trade
from ...domain.rules import tick_size
from ...domain.sessions import Phase
from ...domain.statuses import OrderStatus
from ...store.prepared import Prepared
from . import bookkeeping as bk
from . import ledger as t
from .quotes import QuoteSource
from .timeline import OPEN_AUCTION, snapshot_index_at, target_position

if TYPE_CHECKING:
    from .exchange import SimExchange

TRADE_NO_BASE = 50_000_000


def available_cash(ex: SimExchange, conn, account_id: int) -> Decimal:
    return cash_and_frozen(ex, conn, account_id)[0]


def cash_and_frozen(ex: SimExchange, conn, account_id: int) -> tuple[Decimal, Decimal]:
    """(可用, the frozen total it was computed from): order entry reuses the second when it reserves."""
    ((cash, frozen),) = _CASH_AND_FROZEN.rows(conn, {"aid": account_id})
    return cash - frozen - ex.ipo.unpaid(conn, account_id), frozen


# Built once: order entry reads it for every buy (issue 15).
_CASH_AND_FROZEN = Prepared(
    select(t.accounts.c.cash, t.accounts.c.frozen_cash).where(t.accounts.c.id == bindparam("aid"))
)


def available_shares(ex: SimExchange, conn, account_id: int, code: str, bdate: dt.date) -> int:
    row = conn.execute(
        select(t.positions.c.quantity, t.positions.c.frozen).where(
            and_(t.positions.c.account_id == account_id, t.positions.c.code == code)
        )
    ).first()
    qty, frozen = (row.quantity, row.frozen) if row is not None else (0, 0)
    locked = bk.day_flows(conn, account_id, bdate).get(code, {}).get("locked", 0)
    unlisted = ex.ipo.unlisted_shares(conn, account_id, bdate).get(code, 0)
    return qty - locked - unlisted - frozen


def last_price(ex: SimExchange, code: str, now: dt.datetime) -> Decimal:
    ref = ex.quotes.reference(code)
    if ref is None:
        return Decimal(0)
    return tick_size(ref.security) * ex.snapshot_now(ref, now).last


def balance(ex: SimExchange, conn, account_id: int, now: dt.datetime) -> Balance:
    cash, reserved = conn.execute(
        select(t.accounts.c.cash, t.accounts.c.frozen_cash).where(t.accounts.c.id == account_id)
    ).one()
    frozen = reserved + ex.ipo.unpaid(conn, account_id)
    available = cash - frozen
    locked = bk.sale_proceeds_since(conn, account_id, ex.business.proceeds_locked_from(now))
    locked += ex.repo.not_withdrawable(conn, account_id, now.date())
    withdrawable = max(Decimal(0), available - locked)
    value = sum((p.market_value for p in positions(ex, conn, account_id, now)), Decimal(0))
    lent = ex.repo.outstanding(conn, account_id)  # 国债逆回购 principal still out
    return Balance(
        cash=cash,
        frozen=frozen,
        available=available,
        withdrawable=withdrawable,
        market_value=value,
        total_assets=cash + value + lent,
    )


def positions(ex: SimExchange, conn, account_id: int, now: dt.datetime) -> list[Position]:
    bdate = ex.business_date(now)
    flows = bk.day_flows(conn, account_id, bdate)
    unlisted = ex.ipo.unlisted_shares(conn, account_id, bdate)
    out = []
    rows = conn.execute(
        select(t.positions).where(t.positions.c.account_id == account_id).order_by(t.positions.c.code)
    ).mappings()
    for p in rows:
        flow = flows.get(p["code"], {"bought": 0, "sold": 0, "locked": 0})
        if p["quantity"] <= 0 and not flow["sold"]:
            continue
        qty = p["quantity"]
        last = last_price(ex, p["code"], now) or (p["cost_amount"] / qty if qty else Decimal(0))
        froz = p["frozen"]
        ref = ex.quotes.reference(p["code"])
        out.append(
            Position(
                code=p["code"],
                name=p["name"],
                market=ref.security.market if ref else _market(p["code"]),
                quantity=qty,
                available=max(0, qty - flow["locked"] - froz - unlisted.get(p["code"], 0)),
                frozen=froz,
                cost_price=(p["cost_amount"] / qty).quantize(Decimal("0.001")) if qty else Decimal(0),
                last_price=last,
                market_value=(last * qty).quantize(Decimal("0.01")),
                today_bought=flow["bought"],
                today_sold=flow["sold"],
            )
        )
    return out


def entrusts(ex: SimExchange, conn, account_id: int, now: dt.datetime, *, open_only: bool) -> list[Entrust]:
    cond = [t.orders.c.account_id == account_id, t.orders.c.trade_date == ex.business_date(now)]
    if open_only:
        cond.append(t.orders.c.is_open)
    rows = conn.execute(select(t.orders).where(and_(*cond)).order_by(t.orders.c.id)).mappings().all()
    return [_entrust(r, ex.quotes) for r in rows]


def entrusts_after(
    ex: SimExchange, conn, account_id: int, now: dt.datetime, after_id: int, limit: int | None
) -> list[Entrust]:
    """Today's entrusts placed after order ``after_id`` (0: from the first), oldest first, at most
    ``limit``: the rows of a page only, so a poller's cost does not grow with the orders it has seen."""
    cond = [
        t.orders.c.account_id == account_id,
        t.orders.c.trade_date == ex.business_date(now),
        t.orders.c.id > after_id,
    ]
    query = select(t.orders).where(and_(*cond)).order_by(t.orders.c.id).limit(limit)
    return [_entrust(r, ex.quotes) for r in conn.execute(query).mappings().all()]


def order_id_of(conn, account_id: int, contract_no: str) -> int | None:
    return conn.execute(
        select(t.orders.c.id).where(
            and_(t.orders.c.account_id == account_id, t.orders.c.contract_no == contract_no)
        )
    ).scalar_one_or_none()


def trades(ex: SimExchange, conn, account_id: int, now: dt.datetime) -> list[Trade]:
    rows = (
        conn.execute(
            select(t.trades, t.orders.c.contract_no, t.orders.c.name)
            .join(t.orders, t.orders.c.id == t.trades.c.order_id)
            .where(and_(t.trades.c.account_id == account_id, t.trades.c.trade_date == ex.business_date(now)))
            .order_by(t.trades.c.id)
        )
        .mappings()
        .all()
    )
    return [_trade(r, ex.quotes) for r in rows]


def quote(ex: SimExchange, code: str, now: dt.datetime) -> Quote:
    ref = ex.reference(code)
    state = ex.state(now)
    day = now.date()
    band = ex.band(ref, day)
    tick = tick_size(ref.security)
    pos = target_position(state, now.time()) if not state.demo else 1
    idx = snapshot_index_at(state, now.time())
    started = state.demo or (state.trading_day and pos >= OPEN_AUCTION)
    continuous = state.demo or state.phase is Phase.CONTINUOUS
    snap = ex.quotes.snapshot(code, day, idx)
    path_open = ex.quotes.snapshot(code, day, 0).last
    levels = (lambda side: [Level(tick * p, v) for p, v in side]) if continuous else (lambda side: [])
    lows_highs = [ex.quotes.snapshot(code, day, k).last for k in range(0, idx + 1, max(1, idx // 50 or 1))]
    return Quote(
        code=code,
        name=ref.name,
        market=ref.security.market,
        prev_close=ref.prev_close,
        last=tick * snap.last if started else ref.prev_close,
        open=tick * path_open if started else None,
        high=tick * max(lows_highs) if started else None,
        low=tick * min(lows_highs) if started else None,
        limit_up=band.up,
        limit_down=band.down,
        bids=levels(snap.bids),
        asks=levels(snap.asks),
        time=now,
        phase=state.phase.value,
        tradable=state.demo or state.orders_go_to_exchange,
        is_st=ref.is_st,
    )


def _entrust(r, quotes: QuoteSource) -> Entrust:
    ref = quotes.reference(r["code"])
    filled = r["filled"]
    return Entrust(
        trade_date=r["trade_date"],
        time=r["created_at"].time().replace(microsecond=0),
        entrust_no=r["contract_no"],
        contract_no=r["contract_no"],
        code=r["code"],
        name=r["name"],
        market=ref.security.market if ref else _market(r["code"]),
        side=Side(r["side"]),
        price=r["price"],
        quantity=r["quantity"],
        filled_quantity=filled,
        filled_avg_price=(r["filled_amount"] / filled).quantize(Decimal("0.001")) if filled else Decimal(0),
        cancelled_quantity=r["cancelled"],
        status=OrderStatus(r["status"]),
        market_type=MarketType(r["market_type"]) if r["market_type"] else None,
        reason=r["reason"],
    )


def _trade(r, quotes: QuoteSource) -> Trade:
    ref = quotes.reference(r["code"])
    return Trade(
        trade_date=r["trade_date"],
        time=r["time"],
        trade_no=str(TRADE_NO_BASE + r["id"]),
        contract_no=r["contract_no"],
        code=r["code"],
        name=r["name"],
        market=ref.security.market if ref else _market(r["code"]),
        side=Side(r["side"]),
        price=r["price"],
        quantity=r["quantity"],
        amount=r["amount"],
        commission=r["commission"],
        stamp_duty=r["stamp_duty"],
        transfer_fee=r["transfer_fee"],
    )


def _market(code: str) -> Market:
    """The market of a code the quote source does not list (国债逆回购 codes)."""
    try:
        return resolve_code(code).market
    except GatewayError:
        return Market.SH
