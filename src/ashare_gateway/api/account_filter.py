"""The operator routes' ``account``: a gateway account name (as every other route takes), or the broker
account number of exactly one account (the form these routes took before), resolved to both.

Used by ``/api/journal`` (which rows), ``/api/admin/kill-switch`` (which switch) and ``/api/events``
(which events). See :class:`..service.account_directory.AccountDirectory`.
"""

from __future__ import annotations

from typing import cast

from fastapi import Request
from starlette.requests import HTTPConnection

from ..service.account_directory import AccountDirectory
from .accounts import requested_account


def directory(request: HTTPConnection) -> AccountDirectory:
    gateway = request.app.state.gateway
    return AccountDirectory.of(gateway.service.clients, gateway.accounts)


def resolve(request: HTTPConnection, value: str) -> tuple[str, str]:
    """(gateway name, broker account) of ``value``; 404 unknown, 400 ambiguous."""
    return directory(request).resolve(value)


def requested(request: HTTPConnection) -> tuple[str, str] | None:
    """The account the caller named (``account=`` or ``X-Account``), resolved; None: every account.
    A WebSocket handshake names it the same way (query or header)."""
    value = requested_account(cast(Request, request))
    return None if value is None else resolve(request, value)


def belongs(event_account: str, data: dict, chosen: tuple[str, str] | None) -> bool:
    """Whether an event is for the chosen account: its own (by name, or by broker account for events
    stored before they carried names) or gateway-wide (no account, e.g. the global kill switch)."""
    if chosen is None or not event_account:
        return True
    name, broker = chosen
    return data.get("account_name") == name or event_account == broker
