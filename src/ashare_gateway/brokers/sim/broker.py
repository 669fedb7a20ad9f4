"""SimBroker: one paper account seen through the broker protocol, like a logged-in client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable
from ...domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Trade
from ...domain.repo import RepoLoan
from ..base import Capabilities, ConnectInfo, Credentials

if TYPE_CHECKING:
    from .exchange import SimExchange


class SimBroker:
    """Implements :class:`~ashare_gateway.brokers.base.Broker` on the paper exchange."""

    kind = "sim"
    capabilities = Capabilities(in_process=True)  # every operation, each a short call in this process

    def __init__(self, exchange: SimExchange, account_id: int, user: str) -> None:
        self.exchange = exchange
        self.account_id = account_id
        self.user = user

    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        return ConnectInfo(exe_path=exe_path or f"sim://{self.exchange.db_path}", account=self.user)

    def login(self, credentials: Credentials) -> ConnectInfo:
        if not self.exchange.check_login(credentials.user, credentials.password, credentials.comm_password):
            raise BrokerUnavailable(msg.LOGIN_FAILED, status_code=401)
        return self.connect(credentials.exe_path)

    def balance(self) -> Balance:
        return self.exchange.balance(self.account_id)

    def positions(self) -> list[Position]:
        return self.exchange.positions(self.account_id)

    def today_entrusts(self) -> list[Entrust]:
        return self.exchange.entrusts(self.account_id)

    def today_trades(self) -> list[Trade]:
        return self.exchange.trades(self.account_id)

    def today_entrusts_page(self, since: str | None, limit: int | None) -> list[Entrust]:
        """A page of 当日委托 from SQL (``service/entrust_pages.PagedEntrusts``)."""
        return self.exchange.entrusts_page(self.account_id, since, limit)

    def cancelable_entrusts(self) -> list[Entrust]:
        return self.exchange.entrusts(self.account_id, open_only=True)

    def place_order(self, request: OrderRequest) -> OrderAck:
        return self.exchange.place_order(self.account_id, request)

    def cancel(self, contract_no: str) -> None:
        self.exchange.cancel(self.account_id, contract_no)

    def cancel_all(self) -> int:
        count = 0
        for entrust in self.cancelable_entrusts():
            self.exchange.cancel(self.account_id, entrust.contract_no)
            count += 1
        return count

    def auto_ipo(self, codes: frozenset[str] | None = None) -> IpoResult:
        """All of today's issues with a quota; only ``codes`` for a fake client's ticked rows."""
        return self.exchange.auto_ipo(self.account_id, codes)

    def repo_loans(self) -> list[RepoLoan]:
        """国债逆回购 lent by this account (the ``GET /api/trader/repo`` listing)."""
        return self.exchange.repo_loans(self.account_id)

    def quote(self, code: str) -> Quote:
        return self.exchange.quote(code)

    def refresh(self) -> None:
        self.exchange.sync()

    def has_pop_dialog(self) -> bool:
        return False  # the paper exchange never pops anything up

    def close_pop_dialog(self) -> bool:
        return False

    def exit(self) -> None:
        """Nothing to close: the account and its open orders live on in the exchange."""
