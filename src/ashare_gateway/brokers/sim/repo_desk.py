"""国债逆回购 on the paper exchange: order entry, resting orders meeting the rate book, repayment.

A repo order is a row of ``sim_orders`` (side sell, price = the rate) so 当日委托, cancels, the day's
expiry and the journal's reconciliation see it like any order; it holds back its principal and
commission while open (冻结). It fills whole when it meets a borrower's bid at or above its rate: at
once at bid1, or later at its own rate when the book rises to it. A fill books the trade (成交金额 =
the principal), takes principal + commission from the cash and opens a loan (``sim_repo_loans``). On
the maturity clearing day the principal and the interest come back to the cash (可用), but stay out
of 可取 until the maturity settlement day (domain/repo.py has the dates).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from ...domain import messages as msg
from ...domain import repo
from ...domain.errors import OrderRejected
from ...domain.models import Level, OrderAck, OrderRequest, Quote, Side
from ...domain.statuses import OrderStatus
from . import ledger as t
from . import repo_book as book
from . import reservations
from .orders import CONTRACT_BASE
from .repo_tables import repo_loans

if TYPE_CHECKING:
    from .exchange import SimExchange

ZERO = Decimal(0)
LISTED_DAYS = 31  # the repo listing shows loans traded within this many days, and any still out
TEXTS = {
    "hours": "国债逆回购交易时间为交易日9:30-11:30、13:00-15:30（当前：{phase}）",
}


class RepoDesk:
    def __init__(self, ex: SimExchange) -> None:
        self.ex = ex
        self._seen: dict[int, int] = {}  # open repo order id → the last rate snapshot it has met
        self._any_open: bool | None = None  # None: not known yet (after a start) — the catch-up asks once

    # ------------------------------------------------------------------ time
    def position(self, now: dt.datetime) -> int:
        """Where the rate book is now (part of the catch-up key: it moves until 15:30)."""
        return book.index_at(now.time())

    def _now_index(self, now: dt.datetime) -> int:
        if self.ex.calendar.always_open:  # demo market: the book is always open
            return max(0, book.index_at(now.time()))
        return book.index_at(now.time())

    def _open(self, now: dt.datetime) -> bool:
        if self.ex.calendar.always_open:
            return True
        state = self.ex.state(now)
        return state.trading_day and book.is_open(now.time())

    # ------------------------------------------------------------------ orders
    def place(self, conn, account_id: int, req: OrderRequest, now: dt.datetime) -> OrderAck:
        inst = repo.instrument(req.code)
        repo.check_order(
            req.code,
            is_buy=req.side is Side.BUY,
            is_market=req.is_market,
            amount=req.amount,
            rate=req.price,
        )
        assert req.price is not None
        if not self._open(now):
            raise OrderRejected(TEXTS["hours"].format(phase=self.ex.state(now).phase.value))
        bdate = self.ex.business_date(now)
        amount = repo.principal(req.amount)
        hold = amount + repo.commission(inst.days, amount)
        if hold > self.ex.available_cash(conn, account_id):
            raise OrderRejected(msg.INSUFFICIENT_CASH)
        order = {
            "account_id": account_id,
            "trade_date": bdate,
            "created_at": now.replace(tzinfo=None),
            "code": req.code,
            "name": inst.name,
            "side": str(req.side),
            "market_type": None,
            "price": req.price,
            "reserve_price": req.price,
            "quantity": req.amount,
            "filled": 0,
            "filled_amount": ZERO,
            "cancelled": 0,
            "commission_paid": ZERO,
            "status": str(OrderStatus.REPORTED),
            "reason": "",
            "is_open": True,
        }
        order["id"] = conn.execute(t.orders.insert().values(**order)).inserted_primary_key[0]
        order["contract_no"] = str(CONTRACT_BASE + order["id"])
        self._save(conn, order, hold)
        index = self._now_index(now)
        bid = book.snapshot(req.code, bdate, index).bids[0][0]
        if int(req.price / repo.RATE_TICK) <= bid:
            self._fill(conn, order, inst, bid, now.time(), bdate)
        else:
            self._seen[order["id"]] = index
            self._any_open = True
        return OrderAck(
            contract_no=order["contract_no"],
            entrust_no=order["contract_no"],
            message=msg.ORDER_OK.format(side=req.side.label, contract_no=order["contract_no"]),
        )

    def run(self, conn, day: dt.date, now: dt.datetime) -> None:
        """Resting repo orders of ``day`` meet the rate book's snapshots since they last looked."""
        self._meet(conn, day, self._now_index(now))

    def run_to_close(self, conn, day: dt.date) -> None:
        """A past day's resting repo orders meet the rest of that day before they expire."""
        self._meet(conn, day, book.SNAPSHOTS - 1)

    def _meet(self, conn, day: dt.date, upto: int) -> None:
        if self._any_open is False:
            return  # no repo order rests anywhere: the stock catch-up pays no extra query
        open_rows = conn.execute(
            select(t.orders).where(and_(t.orders.c.is_open, t.orders.c.code.in_(repo.CODES)))
        ).mappings()
        rows = [dict(r) for r in open_rows]
        self._any_open = bool(rows)
        ids = {r["id"] for r in rows}
        self._seen = {k: v for k, v in self._seen.items() if k in ids}  # cancelled or expired: forgotten
        for order in [r for r in rows if r["trade_date"] == day]:
            seen = self._seen.get(order["id"])
            if seen is None:  # after a restart: from its arrival on
                created = order["created_at"]
                seen = book.index_at(created.time()) if created.date() == day else -1
            ticks = int(order["price"] / repo.RATE_TICK)
            hit = book.first_at_or_above(order["code"], day, seen, upto, ticks)
            if hit is None:
                self._seen[order["id"]] = max(seen, upto)
                continue
            self._fill(conn, order, repo.instrument(order["code"]), ticks, book.time_of(hit), day)

    def _fill(
        self, conn, order: dict, inst: repo.RepoInstrument, ticks: int, when: dt.time, day: dt.date
    ) -> None:
        rate = book.to_rate(ticks)
        qty = order["quantity"] - order["filled"] - order["cancelled"]
        amount = repo.principal(qty)
        fee = repo.commission(inst.days, amount)
        dates = repo.schedule(inst, day, self.ex.calendar)
        conn.execute(
            t.trades.insert().values(
                account_id=order["account_id"],
                order_id=order["id"],
                trade_date=day,
                time=when.replace(microsecond=0),
                code=order["code"],
                side=order["side"],
                price=rate,
                quantity=qty,
                amount=amount,
                commission=fee,
                stamp_duty=ZERO,
                transfer_fee=ZERO,
                t0=False,
            )
        )
        _add_cash(conn, order["account_id"], -(amount + fee))
        order["filled"] += qty
        order["filled_amount"] += rate * qty  # so 成交均价 shows the rate
        order["commission_paid"] += fee
        order["status"] = str(OrderStatus.FILLED)
        order["is_open"] = False
        self._save(conn, order, ZERO)
        self._seen.pop(order["id"], None)
        conn.execute(
            repo_loans.insert().values(
                account_id=order["account_id"],
                order_id=order["id"],
                contract_no=order["contract_no"],
                code=order["code"],
                rate=rate,
                quantity=qty,
                principal=amount,
                commission=fee,
                interest=repo.interest(amount, rate, dates.days),
                trade_date=day,
                first_settlement=dates.first_settlement,
                maturity=dates.maturity,
                maturity_settlement=dates.maturity_settlement,
                days=dates.days,
                repaid=False,
            )
        )

    def _save(self, conn, order: dict, hold: Decimal) -> None:
        reservations.store(conn, order, hold, 0)
        values = {
            k: order[k]
            for k in ("contract_no", "filled", "filled_amount", "commission_paid", "status", "is_open")
        }
        conn.execute(
            t.orders.update()
            .where(t.orders.c.id == order["id"])
            .values(**values, reserved_cash=order["reserved_cash"], reserved_shares=0)
        )

    # ------------------------------------------------------------------ repayment and cash
    def settle(self, conn, bdate: dt.date) -> None:
        """Loans whose maturity clearing day has come: principal and interest back in the cash (可用)."""
        rows = conn.execute(
            select(repo_loans).where(and_(~repo_loans.c.repaid, repo_loans.c.maturity <= bdate))
        ).mappings()
        for loan in [dict(r) for r in rows]:
            _add_cash(conn, loan["account_id"], loan["principal"] + loan["interest"])
            conn.execute(repo_loans.update().where(repo_loans.c.id == loan["id"]).values(repaid=True))

    def not_withdrawable(self, conn, account_id: int, today: dt.date) -> Decimal:
        """Repaid cash still before its maturity settlement day: usable, not yet withdrawable."""
        rows = conn.execute(
            select(repo_loans.c.principal, repo_loans.c.interest).where(
                and_(
                    repo_loans.c.account_id == account_id,
                    repo_loans.c.repaid,
                    repo_loans.c.maturity_settlement > today,
                )
            )
        )
        return sum((p + i for p, i in rows), ZERO)

    def outstanding(self, conn, account_id: int) -> Decimal:
        """Principal lent and not yet repaid (part of 总资产)."""
        rows = conn.execute(
            select(repo_loans.c.principal).where(
                and_(repo_loans.c.account_id == account_id, ~repo_loans.c.repaid)
            )
        ).scalars()
        return sum(rows, ZERO)

    # ------------------------------------------------------------------ reads
    def loans(self, conn, account_id: int, now: dt.datetime) -> list[repo.RepoLoan]:
        today = now.date()
        since = today - dt.timedelta(days=LISTED_DAYS)
        rows = conn.execute(
            select(repo_loans)
            .where(
                and_(
                    repo_loans.c.account_id == account_id,
                    (repo_loans.c.trade_date >= since) | (repo_loans.c.maturity_settlement > today),
                )
            )
            .order_by(repo_loans.c.id.desc())
        ).mappings()
        out = []
        for r in rows:
            inst = repo.instrument(r["code"])
            if not r["repaid"]:
                status = repo.Status.LENT
            elif r["maturity_settlement"] > today:
                status = repo.Status.USABLE
            else:
                status = repo.Status.DONE
            out.append(
                repo.RepoLoan(
                    contract_no=r["contract_no"],
                    code=r["code"],
                    name=inst.name,
                    market=inst.market,
                    rate=r["rate"],
                    amount=r["quantity"],
                    principal=r["principal"],
                    commission=r["commission"],
                    interest=r["interest"],
                    schedule=repo.Schedule(
                        r["trade_date"],
                        r["first_settlement"],
                        r["maturity"],
                        r["maturity_settlement"],
                        r["days"],
                    ),
                    status=status,
                )
            )
        return out

    def quote(self, code: str, now: dt.datetime) -> Quote:
        inst = repo.instrument(code)
        day = self.ex.business_date(now)
        index = self._now_index(now)
        started = index >= 0 and (self.ex.calendar.always_open or day == now.date())
        snap = book.snapshot(code, day, max(index, 0))
        path = book.day_path(code, day)[: max(index, 0) + 1]
        levels = (lambda side: [Level(book.to_rate(p), v) for p, v in side]) if started else (lambda side: [])
        return Quote(
            code=code,
            name=inst.name,
            market=inst.market,
            prev_close=book.base_rate(code),
            last=book.to_rate(snap.last) if started else book.base_rate(code),
            open=book.to_rate(path[0]) if started else None,
            high=book.to_rate(max(path)) if started else None,
            low=book.to_rate(min(path)) if started else None,
            limit_up=None,
            limit_down=None,
            bids=levels(snap.bids),
            asks=levels(snap.asks),
            time=now,
            phase=self.ex.state(now).phase.value,
            tradable=self._open(now),
        )


def _add_cash(conn, account_id: int, delta: Decimal) -> None:
    # Read-modify-write: the amount is exact decimal text, which SQL arithmetic would turn into a float.
    cash = conn.execute(select(t.accounts.c.cash).where(t.accounts.c.id == account_id)).scalar_one()
    conn.execute(t.accounts.update().where(t.accounts.c.id == account_id).values(cash=cash + delta))
