"""The paper exchange as a broker provider (what ``--broker sim`` and a ``broker = sim`` account use)."""

from __future__ import annotations

from decimal import Decimal

from ..base import Broker, ConnectInfo, Credentials


class SimProvider:
    """The paper exchange: ``connect`` attaches to the demo account; ``login`` opens or checks an account.

    A paper account is opened at its first login with the passwords given (stored as scrypt hashes);
    later logins must match them. That is how the spec's §7.2 example works on a fresh machine.
    """

    kind = "sim"

    def __init__(self, exchange, *, opening_cash: Decimal = Decimal("1000000")) -> None:
        self.exchange = exchange
        self.opening_cash = opening_cash

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        user = self.exchange.ensure_demo_account()
        broker = self.exchange.broker(user)
        return broker, broker.connect(exe_path)

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        if not self.exchange.has_account(credentials.user):
            self.exchange.create_account(
                credentials.user, credentials.password, credentials.comm_password, cash=self.opening_cash
            )
        broker = self.exchange.broker(credentials.user)
        return broker, broker.login(credentials)
