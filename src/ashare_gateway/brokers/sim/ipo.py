"""新股申购 on the paper exchange (dossier §9): quotas, the T+1 draw, T+2 payment, and listing.

- Eligibility and quota come from the average daily market value of the account's listed stocks over
  the 20 trading days ending T-2, per market (holdings rebuilt backwards from the trades; each day
  valued at the security's reference prior close, because a quote source has no daily history).
- T+1 a deterministic draw decides; T+2 the winner pays and the shares arrive under the stock's code,
  not sellable before the listing day (``LISTING_AFTER`` trading days after T).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, func, select

from ...domain import messages as msg
from ...domain.instruments import Board, Kind, Market, Security, ipo_stock_code, parse_security
from ...domain.models import IpoApplied, IpoResult, IpoSkipped
from ...store.prepared import Prepared
from . import bookkeeping as bk
from . import ledger as t
from .accounts import HELD_SINCE_DAYS

if TYPE_CHECKING:
    from .exchange import SimExchange

AVERAGE_DAYS = 20  # trading days of market value averaged for eligibility
LISTING_AFTER = 8  # trading days from subscription (T) to listing: A-share IPOs list about T+7…T+10
MIN_VALUE = Decimal(10_000)
NO_QUOTA = msg.IPO_NO_QUOTA  # the reasons an issue is skipped (IpoResult.skipped)
ALREADY_APPLIED = msg.IPO_ALREADY_APPLIED


# Built once (issue 15): every buy reads it to work out the cash available, and a statement built per call
# costs SQLAlchemy its construction and cache key each time (a third of a paper buy's exchange work).
_UNPAID = Prepared(
    select(t.ipo_subscriptions.c.price, t.ipo_subscriptions.c.won).where(
        and_(
            t.ipo_subscriptions.c.account_id == bindparam("aid"),
            t.ipo_subscriptions.c.won > 0,
            t.ipo_subscriptions.c.settled.is_(False),
        )
    )
)


class Ipo:
    def __init__(self, ex: SimExchange) -> None:
        self.ex = ex

    def listing_day(self, subscribed: dt.date) -> dt.date:
        day = subscribed
        for _ in range(LISTING_AFTER):
            day = self.ex.calendar.next_trading_day(day)
        return day

    def subscribe(
        self, conn, account_id: int, now: dt.datetime, codes: frozenset[str] | None = None
    ) -> IpoResult:
        """Apply for today's issues with a quota (only ``codes`` when given: the rows a client ticked)."""
        bdate = self.ex.business_date(now)
        offers = [o for o in self.ex.quotes.ipos(bdate) if codes is None or o.code in codes]
        values = self.average_values(conn, account_id, bdate) if offers else {}
        applied: list[IpoApplied] = []
        skipped: list[IpoSkipped] = []
        entitled = 0
        for offer in offers:
            quota = ipo_quota(parse_security(offer.code), values)
            if quota <= 0:
                skipped.append(IpoSkipped(offer.code, offer.name, NO_QUOTA))
                continue
            entitled += 1
            done = conn.execute(
                select(t.ipo_subscriptions.c.id).where(
                    and_(
                        t.ipo_subscriptions.c.account_id == account_id,
                        t.ipo_subscriptions.c.code == offer.code,
                    )
                )
            ).first()
            if done:
                skipped.append(IpoSkipped(offer.code, offer.name, ALREADY_APPLIED))
                continue  # only the first subscription per IPO counts
            amount = min(quota, offer.max_amount)
            conn.execute(
                t.ipo_subscriptions.insert().values(
                    account_id=account_id,
                    code=offer.code,
                    name=offer.name,
                    price=offer.price,
                    amount=amount,
                    trade_date=bdate,
                    won=None,
                    settled=False,
                )
            )
            applied.append(IpoApplied(offer.code, offer.name, amount))
        return IpoResult(entitled=entitled, applied=applied, skipped=skipped)

    def average_values(self, conn, account_id: int, bdate: dt.date) -> dict[Market, Decimal]:
        """Per market: the mean daily value of listed stocks held over the 20 trading days ending T-2."""
        cal = self.ex.calendar
        end = cal.previous_trading_day(cal.previous_trading_day(bdate))
        days = [end]
        while len(days) < AVERAGE_DAYS:
            days.append(cal.previous_trading_day(days[-1]))
        opened = conn.execute(
            select(t.accounts.c.created_at).where(t.accounts.c.id == account_id)
        ).scalar_one()
        held_from = opened.date() - dt.timedelta(days=HELD_SINCE_DAYS)
        now_held = {
            r.code: r.quantity
            for r in conn.execute(
                select(t.positions.c.code, t.positions.c.quantity).where(
                    t.positions.c.account_id == account_id
                )
            )
        }
        later = conn.execute(  # per code and day: net shares bought after the window's first day
            select(t.trades.c.code, t.trades.c.trade_date, t.trades.c.side, func.sum(t.trades.c.quantity))
            .where(and_(t.trades.c.account_id == account_id, t.trades.c.trade_date > days[-1]))
            .group_by(t.trades.c.code, t.trades.c.trade_date, t.trades.c.side)
        ).all()
        allotted = self._allotments(conn, account_id)
        totals: dict[Market, Decimal] = {}
        for day in days:
            if day < held_from:
                continue
            for code, qty in now_held.items():
                ref = self.ex.quotes.reference(code)
                if ref is None or ref.security.kind is not Kind.STOCK:
                    continue
                for c, d, side, n in later:
                    if c == code and d > day:
                        qty -= int(n) if side == "buy" else -int(n)
                for c, credited, listed, n in allotted:
                    if c == code and (credited > day or listed > day):
                        qty -= n  # not yet held, or not yet listed (restricted from the value)
                if qty > 0:
                    market = ref.security.market
                    totals[market] = totals.get(market, Decimal(0)) + ref.prev_close * qty
        return {m: (v / AVERAGE_DAYS).quantize(Decimal("0.01")) for m, v in totals.items()}

    def _allotments(self, conn, account_id: int) -> list[tuple[str, dt.date, dt.date, int]]:
        """(stock code, day credited, listing day, shares) of every paid allotment."""
        rows = conn.execute(
            select(t.ipo_subscriptions).where(
                and_(
                    t.ipo_subscriptions.c.account_id == account_id,
                    t.ipo_subscriptions.c.settled.is_(True),
                    t.ipo_subscriptions.c.won > 0,
                )
            )
        ).mappings()
        cal = self.ex.calendar
        out = []
        for r in rows:
            credited = cal.next_trading_day(cal.next_trading_day(r["trade_date"]))
            stock = ipo_stock_code(parse_security(r["code"]))
            out.append((stock, credited, self.listing_day(r["trade_date"]), int(r["won"])))
        return out

    def unlisted_shares(self, conn, account_id: int, bdate: dt.date) -> dict[str, int]:
        """Shares won and paid for whose stock has not listed yet on ``bdate``: held, not sellable."""
        out: dict[str, int] = {}
        for code, _credited, listed, n in self._allotments(conn, account_id):
            if bdate < listed:
                out[code] = out.get(code, 0) + n
        return out

    def unpaid(self, conn, account_id: int) -> Decimal:
        """Cash set aside for IPO allotments announced but not yet paid (T+1 result, T+2 payment)."""
        rows = _UNPAID.rows(conn, {"aid": account_id})
        return sum((price * won for price, won in rows), Decimal(0))

    def settle(self, conn, bdate: dt.date) -> None:
        """T+1: the lottery; T+2: winners pay and receive the shares (under the stock's code)."""
        rows = (
            conn.execute(select(t.ipo_subscriptions).where(t.ipo_subscriptions.c.settled.is_(False)))
            .mappings()
            .all()
        )
        cal = self.ex.calendar
        for r in rows:
            t1 = cal.next_trading_day(r["trade_date"])
            t2 = cal.next_trading_day(t1)
            won = r["won"]
            if won is None and bdate >= t1:
                won = ipo_lottery(r["account_id"], r["code"], r["amount"], parse_security(r["code"]))
                conn.execute(
                    t.ipo_subscriptions.update()
                    .where(t.ipo_subscriptions.c.id == r["id"])
                    .values(won=won, settled=won == 0)
                )
            if won and bdate >= t2:
                cash = conn.execute(
                    select(t.accounts.c.cash).where(t.accounts.c.id == r["account_id"])
                ).scalar_one()
                cost = r["price"] * won
                conn.execute(
                    t.accounts.update().where(t.accounts.c.id == r["account_id"]).values(cash=cash - cost)
                )
                stock = ipo_stock_code(parse_security(r["code"]))  # winners hold the stock, not the 申购代码
                bk.move_holding(conn, r["account_id"], stock, r["name"], won, cost, bdate)
                conn.execute(
                    t.ipo_subscriptions.update()
                    .where(t.ipo_subscriptions.c.id == r["id"])
                    .values(settled=True)
                )

    def subscriptions(self, conn, account_id: int) -> list[dict]:
        rows = conn.execute(
            select(t.ipo_subscriptions).where(t.ipo_subscriptions.c.account_id == account_id)
        ).mappings()
        return [dict(r) for r in rows]


def ipo_quota(sec: Security, values: dict[Market, Decimal]) -> int:
    """Shares one may subscribe: SH main board ¥10,000 → 1,000; SZ and STAR ¥5,000 → 500 (dossier §9).

    ``values`` are the 20-day average market values per market (:meth:`Ipo.average_values`).
    """
    value = values.get(sec.market, Decimal(0))
    if value < MIN_VALUE:
        return 0
    if sec.market is Market.SH and sec.ipo_board is Board.SH_MAIN:
        return int(value // 10_000) * 1000
    if sec.market is Market.BJ:
        return 100
    return int(value // 5_000) * 500


def ipo_lottery(account_id: int, code: str, amount: int, sec: Security) -> int:
    """A deterministic draw: each 签 (500 or 1,000 shares) wins with a small, fixed chance."""
    unit = 1000 if sec.market is Market.SH and sec.ipo_board is Board.SH_MAIN else 500
    wins = 0
    for n in range(max(1, amount // unit)):
        h = int.from_bytes(
            hashlib.blake2b(f"{account_id}:{code}:{n}".encode(), digest_size=4).digest(), "big"
        )
        wins += h % 100 < 3
    return min(wins, 1) * unit
