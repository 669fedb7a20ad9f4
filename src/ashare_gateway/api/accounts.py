"""Which gateway account a request is for: ``account=NAME``, ``X-Account: NAME`` or ``/accounts/NAME/...``.

With one account nothing here changes a call: no name means that account, as in the seed. With several
(config.ini ``[Account:NAME]``), a session-less call must name one, and a call with a session runs on the
session's own account (naming another one is refused, never silently followed). The path prefix is a
rewrite in front of everything else, so the perimeter, the error envelopes and the routes see the usual
``/api/trader/...``, ``/ths/...`` or ``/easytrader/...`` path and only the account is carried along.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..accounts_config import check_name
from ..domain import messages as msg
from ..domain.errors import InvalidParameter
from ..service.sessionless import SessionlessTrader
from . import requests

PATH_PREFIX = "/accounts/"
ACCOUNT_HEADER = "x-account"
# Paths an account prefix may stand before; a root-dialect listener adds its own root paths.
PREFIXED = ("/api/trader/", "/ths/", "/easytrader/")
NOT_AT_ROOT = ("/api/", "/static/", "/docs", "/redoc", "/openapi", "/health", "/ping", "/mcp")


class AccountPrefix:
    """``/accounts/NAME/api/trader/balance`` → ``/api/trader/balance`` with ``NAME`` in the request state."""

    def __init__(self, app: ASGIApp, root_dialect: bool) -> None:
        self.app, self.root_dialect = app, root_dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(PATH_PREFIX):
            name, _, rest = path[len(PATH_PREFIX) :].partition("/")
            rest = "/" + rest
            if name and self._prefixable(rest):
                scope = dict(scope)
                scope["path"] = rest
                scope["raw_path"] = rest.encode()
                scope["state"] = {**scope.get("state", {}), "account": name}
        await self.app(scope, receive, send)

    def _prefixable(self, rest: str) -> bool:
        if rest.startswith(PREFIXED):
            return True
        return self.root_dialect and rest != "/" and not rest.startswith(NOT_AT_ROOT)


def install(app: FastAPI, gateway, root_dialect: str | None) -> None:
    """The path rewrite (outermost: call it last) and one session-less facade per account."""
    service = gateway.service
    app.state.sessionless_by_account = {
        a.name: SessionlessTrader(
            service, credentials=a.credentials, fees=gateway.exchange.fees, account=a.name
        )
        for a in gateway.accounts
    }
    only = list(app.state.sessionless_by_account.values())
    app.state.sessionless = only[0] if len(only) == 1 else None
    app.add_middleware(AccountPrefix, root_dialect=root_dialect not in (None, "ht"))


def requested_account(request: Request) -> str | None:
    """The account the caller named (path prefix, query or header), None if none; two different names
    are a mistake worth a 400, not a guess."""
    named = [
        value.strip()
        for value in (
            getattr(request.state, "account", None),
            request.query_params.get("account"),
            request.headers.get(ACCOUNT_HEADER),
        )
        if value and value.strip()
    ]
    if not named:
        return None
    if len(set(named)) > 1:
        first, second = sorted(set(named))[:2]
        raise InvalidParameter(msg.ACCOUNT_CONFLICT.format(first=first, second=second))
    return check_name(named[0])


def session_id(request: Request) -> str | None:
    """The session a ``/api/trader`` call runs on: the caller's ``session_id``, checked against the
    account named, else the named account's auto-login session (see ``TraderService.resolve``)."""
    service = request.app.state.gateway.service
    return service.resolve(requests.session_id(request), requested_account(request))


def sessionless(request: Request) -> SessionlessTrader:
    """The ths / easytrader facade of the account named, or of the only account."""
    by_account: dict[str, SessionlessTrader] = request.app.state.sessionless_by_account
    name = request.app.state.gateway.service.account_name(requested_account(request))
    return by_account[name]
