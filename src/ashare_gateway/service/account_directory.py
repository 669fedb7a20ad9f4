"""Gateway account names (config.ini ``[Account:NAME]``) and the broker account numbers behind them.

The journal, the risk limits and the kill switch are kept per *broker* account (what the client logged
in as); users name *gateway* accounts. This maps one to the other, so the operator routes
(``/api/journal``, the kill switch, the events) take a name like every other route, while the old form
(a broker account number) keeps working where it names exactly one account. A broker account belongs
to one gateway account at most (a second login elsewhere is refused), so the mapping is one-to-one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..domain import messages as msg
from ..domain.errors import InvalidParameter, UnknownAccount
from .clients import ClientRegistry

AMBIGUOUS = "账户{value}有歧义：它是网关账户{name}，也是网关账户{other}的资金账号；请写账户名"
NOT_CONNECTED = "账户{name}尚未登录，也没有在 config.ini 写 user：不知道它的资金账号"


class AccountDirectory:
    def __init__(self, clients: ClientRegistry, configured: Mapping[str, str]) -> None:
        """``configured``: gateway name → the broker account config.ini logs it in as (``user``)."""
        self.clients = clients
        self.configured = dict(configured)

    @classmethod
    def of(cls, clients: ClientRegistry, accounts: Iterable) -> AccountDirectory:
        """From the gateway's ``AccountConfig`` list (those with a ``user``)."""
        return cls(clients, {a.name: a.credentials.user for a in accounts if a.credentials is not None})

    @property
    def names(self) -> list[str]:
        return self.clients.names

    def broker_account(self, name: str) -> str | None:
        """The broker account of gateway account ``name``: its first connected client's (the auto-login
        one), else config.ini's ``user``."""
        handles = self.clients.of_account(name)
        return handles[0].account if handles else self.configured.get(name)

    def name_of(self, broker_account: str) -> str | None:
        """The gateway account whose client is (or logs in as) ``broker_account``; None if none."""
        for handle in self.clients.all():
            if handle.account == broker_account:
                return handle.name
        return next((n for n, user in self.configured.items() if user == broker_account), None)

    def resolve(self, value: str) -> tuple[str, str]:
        """(gateway name, broker account) of ``value``: a gateway account name, or the broker account
        of exactly one gateway account. Unknown is a 404 listing the names; a value that is one
        account's name and another's number is a 400 (never a guess)."""
        by_number = self.name_of(value)
        if value in self.names:
            if by_number is not None and by_number != value:
                raise InvalidParameter(AMBIGUOUS.format(value=value, name=value, other=by_number))
            broker = self.broker_account(value)
            if broker is None:  # a paper account not logged in and without a user in config.ini
                raise UnknownAccount(NOT_CONNECTED.format(name=value))
            return value, broker
        if by_number is not None:
            return by_number, value
        raise UnknownAccount(msg.UNKNOWN_ACCOUNT.format(name=value, names="、".join(self.names)))
