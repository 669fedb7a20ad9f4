"""Order entry on the paper exchange: an order judged against the rules, then booked and matched.

The market has already been caught up (and committed) when :func:`place` runs, so a refusal here
rolls back only the refused order itself. A 废单 (price cage, after-hours price on the wrong side of
the close) is written and committed like at a broker, then reported as a refusal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import String, and_, bindparam, cast, func, select

from ...domain import messages as msg
from ...domain.errors import InvalidParameter, OrderRejected
from ...domain.instruments import Kind, Security, parse_security
from ...domain.market_orders import allowed_types, needs_protect_price
from ...domain.models import OrderAck, OrderRequest, Side
from ...domain.repo import is_repo
from ...domain.rules import (
    LimitBand,
    cage_applies,
    cage_bounds,
    check_buy_amount,
    check_price,
    check_sell_amount,
    tick_size,
)
from ...domain.sessions import MarketState, Phase, has_after_hours
from ...domain.statuses import OrderStatus
from ...store.prepared import Prepared
from . import bookkeeping as bk
from . import ledger as t
from . import projections, reservations, texts
from .matching import BookOrder, Fill
from .quotes import SNAPSHOTS_PER_DAY, Reference, Snapshot
from .timeline import position_at

if TYPE_CHECKING:
    from .exchange import SimExchange

CONTRACT_BASE = 10_000_000


def place(ex: SimExchange, conn, account_id: int, req: OrderRequest, now: dt.datetime) -> OrderAck:
    if is_repo(req.code):
        return ex.repo.place(conn, account_id, req, now)  # 国债逆回购: its own book and hours
    if parse_security(req.code).kind is Kind.IPO_SUBSCRIPTION:
        raise OrderRejected(msg.IPO_NOT_SUBSCRIBABLE)
    if ex.business.clearing(now):
        raise OrderRejected(texts.CLEARING)
    ref = ex.reference(req.code)
    sec = ref.security
    state = ex.state(now)
    bdate = ex.business_date(now)
    band = ex.band(ref, bdate)
    live = state.orders_go_to_exchange or state.demo
    after_hours = state.phase is Phase.AFTER_HOURS and has_after_hours(sec, bdate) and not state.demo
    snap = ex.snapshot_now(ref, now)
    tick = tick_size(sec)

    if req.is_market:
        if not (state.accepts_market_orders or state.demo):
            raise OrderRejected(
                msg.MARKET_ORDER_CLOSING if state.phase is Phase.CLOSING_AUCTION else msg.MARKET_ORDER_PHASE
            )
        if not band.has_limit:
            raise OrderRejected(msg.MARKET_ORDER_NO_LIMIT)
        if req.market_type not in allowed_types(sec):
            raise InvalidParameter(
                msg.BAD_TTYPE.format(ttype=req.market_type, choices="、".join(allowed_types(sec)))
            )
        protect = req.protect_price
        if protect is None and needs_protect_price(sec):
            protect = _default_protect(sec, snap, req.side, band)
        if protect is not None:
            check_price(sec, protect, band)
        price = protect if protect is not None else (band.up if req.side is Side.BUY else band.down)
        reserve = price
    else:
        assert req.price is not None
        price = reserve = req.price
        check_price(sec, price, band)
        protect = None

    frozen_before = None
    if req.side is Side.BUY:
        check_buy_amount(sec, req.amount, market=req.is_market)
        need = bk.buy_reservation(ex.fees, sec, reserve, req.amount, bdate)
        available, frozen_before = projections.cash_and_frozen(ex, conn, account_id)
        if need > available:
            raise OrderRejected(msg.INSUFFICIENT_CASH)
    else:
        available = ex.available_shares(conn, account_id, req.code, bdate)
        if available <= 0:
            raise OrderRejected(msg.INSUFFICIENT_SHARES)
        check_sell_amount(sec, req.amount, available, market=req.is_market)
        if req.amount > available:
            raise OrderRejected(msg.INSUFFICIENT_SHARES_N.format(available=available))

    status = OrderStatus.REPORTED if (live or after_hours) else OrderStatus.PENDING
    reason = ""
    continuous = state.phase is Phase.CONTINUOUS or state.demo
    if not req.is_market and continuous and cage_applies(sec):
        low, high = cage_bounds(sec, cage_benchmark(snap, req.side, tick))
        if (req.side is Side.BUY and price > high) or (req.side is Side.SELL and price < low):
            reason = msg.PRICE_CAGE.format(price=price, low=low, high=high)
            status = OrderStatus.REJECTED
    close = ex.quotes.snapshot(req.code, bdate, SNAPSHOTS_PER_DAY - 1).last if after_hours else None
    if close is not None and (
        int(price / tick) < close if req.side is Side.BUY else int(price / tick) > close
    ):
        # 盘后固定价格: a buy below the close or a sell above it is a 废单, not a cancelled order.
        reason = texts.AFTER_HOURS_WRONG_SIDE.format(
            side="不低于" if req.side is Side.BUY else "不高于", close=tick * close
        )
        status = OrderStatus.REJECTED

    order = {
        "account_id": account_id,
        "trade_date": bdate,
        "created_at": now.replace(tzinfo=None),
        "code": req.code,
        "name": ref.name,
        "side": str(req.side),
        "market_type": str(req.market_type) if req.market_type else None,
        "price": price,
        "reserve_price": reserve,
        "quantity": req.amount,
        "filled": 0,
        "filled_amount": Decimal(0),
        "cancelled": 0,
        "commission_paid": Decimal(0),
        "status": str(status),
        "reason": reason,
        "is_open": status is not OrderStatus.REJECTED,
    }
    cash, shares = reservations.of_order(order, ex.fees, sec)
    order["id"] = _INSERT_NUMBERED.run(conn, {**order, "reserved_cash": cash, "reserved_shares": shares})[1]
    reservations.store(conn, order, cash, shares, frozen_before=frozen_before)
    contract_no = str(CONTRACT_BASE + order["id"])
    if status is OrderStatus.REJECTED:
        text = f"{reason}，合同编号：{contract_no}（废单）"
        return OrderAck(contract_no, contract_no, text, OrderStatus.REJECTED)
    if status is OrderStatus.PENDING:
        ex.market.invalidate()  # released by the next catch-up once the exchange takes orders
    else:
        _execute_new(ex, conn, order, ref, req, now, state, snap, close, protect)
    return OrderAck(
        contract_no=contract_no,
        entrust_no=contract_no,
        message=msg.ORDER_OK.format(side=req.side.label, contract_no=contract_no),
    )


def _numbered() -> dict:
    """The new row's id and 合同编号 in the INSERT itself (one statement instead of insert + update).

    ``sim_orders.id`` is a plain INTEGER PRIMARY KEY (no AUTOINCREMENT, rows never deleted), for which
    SQLite's own choice is MAX(id)+1; the write transaction holds the database's write lock, so no other
    insert can come between the subquery and the row.
    """
    next_id = select(func.coalesce(func.max(t.orders.c.id), 0) + 1).scalar_subquery()
    contract = select(
        cast(func.coalesce(func.max(t.orders.c.id), 0) + 1 + CONTRACT_BASE, String)
    ).scalar_subquery()
    return {"id": next_id, "contract_no": contract}


# Built once (issue 15): a statement built per call costs SQLAlchemy its cache key every time.
# Prepared (store/prepared.py): every order and cancel runs them, so they skip SQLAlchemy's execution.
# Every column but the two the INSERT numbers itself, taken from the table: a column added to the table
# is written too, and an order row that lacks its value fails loudly (sqlite3: "You did not supply a
# value for binding parameter") instead of being stored without it.
_ENTRY_COLUMNS = [c.key for c in t.orders.columns if c.key not in _numbered()]
_INSERT_NUMBERED = Prepared(t.orders.insert().values(_numbered()), column_keys=_ENTRY_COLUMNS)
_CANCEL_ROW = Prepared(
    select(t.orders, t.accounts.c.frozen_cash.label("account_frozen_cash"))
    .join(t.accounts, t.accounts.c.id == t.orders.c.account_id)
    .where(and_(t.orders.c.account_id == bindparam("aid"), t.orders.c.contract_no == bindparam("contract")))
)


def _execute_new(
    ex: SimExchange,
    conn,
    order: dict,
    ref: Reference,
    req: OrderRequest,
    now: dt.datetime,
    state: MarketState,
    snap: Snapshot,
    close: int | None,
    protect: Decimal | None,
) -> None:
    market = ex.market
    tick = tick_size(ref.security)
    bdate = order["trade_date"]
    seen = position_at(state, now.time())  # a new order meets the market from now on, never before
    book = BookOrder(
        order["id"], req.code, req.side is Side.BUY, int(order["price"] / tick), req.amount, seen=seen
    )
    if close is not None:  # after hours: the whole order trades at the close (the wrong side is a 废单)
        market.apply(conn, [Fill(book.order_id, close, req.amount)], ref, bdate, now)
        return
    if not (state.phase is Phase.CONTINUOUS or state.demo):
        market.book.rest(book)  # auctions: matched at the auction price
        return
    if req.is_market:
        assert req.market_type is not None
        outcome = market.book.submit_market(
            book, snap, req.market_type, int(protect / tick) if protect is not None else None
        )
        market.apply(conn, outcome.fills, ref, bdate, now)
        order = dict(conn.execute(select(t.orders).where(t.orders.c.id == order["id"])).mappings().one())
        if order["is_open"]:
            if outcome.rest_at is None:
                reason = msg.MARKET_ORDER_NO_QUOTE if not outcome.fills else texts.REST_CANCELLED
                bk.close_order(conn, order, reason=reason)
            else:
                order["price"] = tick * outcome.rest_at
                bk.save_order(conn, order, ex.fees, ref.security)
        return
    market.apply(conn, market.book.submit_limit(book, snap), ref, bdate, now)


def _default_protect(sec: Security, snap: Snapshot, side: Side, band: LimitBand) -> Decimal:
    """A STAR/BSE market order's 保护限价 when the user gives none: the edge of the price cage."""
    tick = tick_size(sec)
    low, high = cage_bounds(sec, cage_benchmark(snap, side, tick))
    price = high if side is Side.BUY else low
    assert band.up is not None and band.down is not None
    return min(price, band.up) if side is Side.BUY else max(price, band.down)


def cancel(ex: SimExchange, conn, account_id: int, contract_no: str, now: dt.datetime) -> None:
    # The account's frozen total comes with the order (one statement fewer when the cancel releases it).
    order = _CANCEL_ROW.first(conn, {"aid": account_id, "contract": contract_no})
    if order is None:
        raise OrderRejected(msg.CANCEL_NOT_FOUND.format(entrust_no=contract_no))
    frozen_before = order.pop("account_frozen_cash")
    if not order["is_open"]:
        raise OrderRejected(msg.CANCEL_NOT_CANCELABLE.format(entrust_no=contract_no, status=order["status"]))
    state = ex.state(now)
    if order["status"] != OrderStatus.PENDING and not state.demo and not state.phase.can_cancel:
        raise OrderRejected(msg.CANCEL_NOT_ALLOWED_PHASE.format(phase=state.phase.value))
    ex.market.book.remove(order["code"], order["id"])
    bk.close_order(conn, order, frozen_before=frozen_before)


def cage_benchmark(snap: Snapshot, side: Side, tick: Decimal) -> Decimal:
    """The price-cage benchmark of a snapshot: buys ask1→bid1→last, sells bid1→ask1→last.

    The same rule as :meth:`Quote.buy_benchmark`, on the engine's integer ticks.
    """
    first, second = (snap.asks, snap.bids) if side is Side.BUY else (snap.bids, snap.asks)
    if first:
        return tick * first[0][0]
    if second:
        return tick * second[0][0]
    return tick * snap.last
