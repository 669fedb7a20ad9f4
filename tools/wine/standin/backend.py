"""The stand-in's back office: the project's paper exchange, seen the way the client's screens show it.

Every call into ``ashare_gateway.brokers.sim`` goes through this one class, so a change of the
exchange's API is fixed here and nowhere else in the stand-in. Rows for the grids are rendered by the
same helpers the Linux fake client uses (``simulators.xiadan.grids``), in the build's own column names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ashare_gateway.brokers.sim import SimExchange
from ashare_gateway.domain.clock import ManualClock, SystemClock
from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.domain.instruments import Board, Market, parse_security
from ashare_gateway.domain.models import OrderAck, OrderRequest, Side
from ashare_gateway.domain.sessions import TradingCalendar
from ashare_gateway.simulators.xiadan import grids
from ashare_gateway.simulators.xiadan.builds import FakeBuild

try:  # the demo holdings make sells and IPO quotas meaningful from the start
    from ashare_gateway.brokers.sim.exchange import DEMO_HOLDINGS
except ImportError:  # pragma: no cover - older/newer exchange module
    DEMO_HOLDINGS = ()


@dataclass(frozen=True)
class Lookup:
    code: str
    name: str
    market: Market
    board: Board
    last: Decimal


class Backend:
    def __init__(
        self,
        db_path: str,
        build: FakeBuild,
        *,
        clock: str = "2026-11-20 10:00:00",
        accounts: list[dict] | None = None,
    ) -> None:
        self.build = build
        if clock == "system":
            self.clock = SystemClock()
            calendar = TradingCalendar(always_open=True)
        else:
            self.clock = ManualClock(clock)
            calendar = TradingCalendar()
        self.exchange = SimExchange(db_path, clock=self.clock, calendar=calendar)
        for acct in accounts or [{"user": "demo", "password": "demo", "comm_password": "demo"}]:
            if not self.exchange.has_account(acct["user"]):
                # "holdings": [[code, shares, cost], …] gives an account its own (e.g. Shanghai only, so
                # that it has no quota for Shenzhen issues); else the demo holdings.
                held = tuple((c, int(n), Decimal(str(cost))) for c, n, cost in acct.get("holdings") or ())
                self.exchange.create_account(
                    acct["user"],
                    acct["password"],
                    acct.get("comm_password"),
                    holdings=held or tuple(DEMO_HOLDINGS),
                )
        self.user: str | None = None
        self._password: str | None = None
        self.broker = None
        # Warm up (imports, calendar, quotes) before any window shows, so that no window of the
        # stand-in is ever unresponsive for seconds the way a first query would make it.
        first = (accounts or [{"user": "demo"}])[0]["user"]
        warm = self.exchange.broker(first)
        warm.positions()
        warm.balance()
        warm.today_entrusts()

    # --- session --------------------------------------------------------------------------------
    def login(self, user: str, password: str, comm_password: str | None) -> bool:
        if not self.exchange.check_login(user, password, comm_password or None):
            return False
        self.user = user
        self._password = password
        self.broker = self.exchange.broker(user)
        return True

    def check_password(self, password: str) -> bool:
        """The lock screen's check: the trade password of the logged-in account."""
        return self.user is not None and password == self._password

    @property
    def account_label(self) -> str:
        return f"A{abs(hash(self.user or '')) % 10**9:09d}"

    def advance(self, seconds: float) -> None:
        if isinstance(self.clock, ManualClock):
            self.clock.advance(seconds)

    def now(self) -> dt.datetime:
        return self.clock.now()

    # --- order entry ------------------------------------------------------------------------------
    def lookup(self, code: str) -> Lookup | None:
        if len(code) != 6 or not code.isdigit():
            return None
        try:
            quote = self.exchange.quote(code)
            sec = parse_security(code)
        except Exception:
            return None
        return Lookup(code, quote.name, sec.market, sec.board, quote.last or quote.prev_close)

    def buyable(self, price: Decimal) -> int:
        if price <= 0:
            return 0
        available = self.broker.balance().available
        return int(available / (price * 100)) * 100

    def sellable(self, code: str) -> int:
        for p in self.broker.positions():
            if p.code == code:
                return p.available
        return 0

    def market_labels(self, code: str) -> tuple[str, ...]:
        sec = parse_security(code)
        if sec.board is Board.STAR:
            return self.build.market_labels_star
        return self.build.market_labels_sh if sec.market is Market.SH else self.build.market_labels_sz

    def place(self, request: OrderRequest) -> OrderAck:
        return self.broker.place_order(request)

    # --- queries ------------------------------------------------------------------------------------
    def balance_values(self) -> dict[str, Decimal]:
        b = self.broker.balance()
        return {
            "资金余额": b.cash,
            "冻结资金": b.frozen,
            "股票市值": b.market_value,
            "总资产": b.total_assets,
            "可用金额": b.available,
            "可取金额": b.withdrawable,
        }

    def table(self, name: str) -> tuple[tuple[str, ...], list[list[str]]]:
        """(header, rows) of one grid: positions, entrusts, trades, cancel or ipo."""
        cols = self.build.columns[name]
        acct = self.account_label
        if name == "positions":
            rows = [grids.position_cells(p, cols, acct) for p in self.broker.positions() if p.quantity > 0]
        elif name == "entrusts":
            rows = [grids.entrust_cells(e, cols, acct) for e in self.broker.today_entrusts()]
        elif name == "trades":
            rows = [grids.trade_cells(t, cols, acct) for t in self.broker.today_trades()]
        elif name == "cancel":
            rows = [grids.entrust_cells(e, cols, acct) for e in self.broker.cancelable_entrusts()]
        elif name == "ipo":
            rows = [grids.ipo_cells(o, cols, acct) for o in self.ipo_offers()]
        else:
            raise KeyError(name)
        return cols, rows

    def cancelable(self):
        return self.broker.cancelable_entrusts()

    def cancel(self, contract_no: str) -> None:
        self.broker.cancel(contract_no)

    def ipo_offers(self) -> list[dict]:
        """Today's new issues as the 新股申购 grid lists them: the account's quota, not yet applied for
        (the same rule as the Linux fake client's grid)."""
        try:
            from ashare_gateway.brokers.sim.exchange import ipo_quota
            from ashare_gateway.domain.instruments import Kind, resolve_code

            day = self.exchange.business_date()
            offers = self.exchange.quotes.ipos(day)
            values: dict[Market, Decimal] = {}
            for p in self.broker.positions():
                if resolve_code(p.code).kind is Kind.STOCK:
                    values[p.market] = values.get(p.market, Decimal(0)) + p.market_value
            account_id = getattr(self.broker, "account_id", None)
            done = (
                {r["code"] for r in self.exchange.ipo_subscriptions(account_id)}
                if account_id is not None
                else set()
            )
        except Exception:
            return []
        out = []
        for o in offers:
            sec = parse_security(o.code)
            amount = min(ipo_quota(sec, values), int(o.max_amount))
            if o.code in done:
                continue  # a row without quota stays listed (可申购数量 0), as on the real client
            out.append(
                {
                    "申购代码": o.code,
                    "新股代码": o.code,
                    "证券名称": o.name,
                    "新股名称": o.name,
                    "申购价格": float(o.price),
                    "可申购数量": amount,
                    "申购上限": amount,
                    "交易市场": "上海Ａ股" if sec.market is Market.SH else "深圳Ａ股",
                }
            )
        return out

    def auto_ipo(self, codes: frozenset[str] | None = None):
        """Apply for the ticked issues (``codes``) only."""
        return self.broker.auto_ipo(codes)

    def ground_truth(self) -> dict:
        """What the exchange itself says (for tests to compare the adapter's readings against)."""
        b = self.broker.balance() if self.broker else None
        return {
            "user": self.user,
            "now": self.now().isoformat(),
            "balance": {k: str(v) for k, v in (self.balance_values().items() if b else [])},
            "positions": [
                {"code": p.code, "quantity": p.quantity, "available": p.available}
                for p in (self.broker.positions() if self.broker else [])
            ],
            "entrusts": [
                {
                    "contract_no": e.contract_no,
                    "code": e.code,
                    "side": e.side.value,
                    "quantity": e.quantity,
                    "price": str(e.price),
                    "filled": e.filled_quantity,
                    "status": e.status.value,
                    "cancelable": e.is_cancelable,
                }
                for e in (self.broker.today_entrusts() if self.broker else [])
            ],
            "trades": len(self.broker.today_trades()) if self.broker else 0,
            "ipo": [
                {"code": r["code"], "amount": r["amount"]}
                for r in (self.exchange.ipo_subscriptions(self.broker.account_id) if self.broker else [])
            ],
        }


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def side_of(page: str) -> Side:
    return Side.SELL if page in ("sell", "market_sell") else Side.BUY


__all__ = ["Backend", "GatewayError", "Lookup", "parse_decimal", "side_of"]
