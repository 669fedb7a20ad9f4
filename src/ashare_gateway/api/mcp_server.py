"""The MCP server at ``/mcp`` (the official ``mcp`` SDK, streamable HTTP), for AI agents.

Read tools always: balance, positions, orders, trades, quote. Trading tools only when config.ini says
``[mcp] trading = on``: ``propose_order`` / ``propose_cancel`` (a dry run: validated, shown with the
risk limits, nothing sent) and ``confirm`` (sends one proposal, once; see service/agent_orders.py).
The routes are added to the gateway's app, so the same perimeter (token, addresses, Host) guards them.

Every tool takes an optional ``account``: the gateway account (config.ini ``[Account:NAME]``) it runs
on, routed as an HTTP call's ``account=`` (that account's auto-login session). With one account it may
be left out; with several, a call without it is refused with the list of names, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.routing import Route
from starlette.types import ASGIApp

from .. import __version__
from ..accounts_config import check_name
from ..domain import fields
from ..domain.errors import GatewayError
from ..service.agent_orders import ProposalBook

PATH = "/mcp"  # mcp_mount.PATH
ACCOUNT_ARG = "。account：网关账户名（config.ini [Account:名称]）；只有一个账户时可省略，有多个时必填"
INSTRUCTIONS = (
    "A-share trading account behind ashare-gateway. Prices in yuan, amounts in shares. "
    "Orders are never sent by the first call: propose_order returns a proposal_id; show the user the "
    "summary and only call confirm(proposal_id) after they agree."
)


def _books(app: FastAPI) -> ProposalBook:
    gateway = app.state.gateway
    book = getattr(gateway.live, "proposals", None)
    if book is None:  # one book per gateway, shared by every listener's app
        book = gateway.live.proposals = ProposalBook(
            gateway.service, gateway.risk, ttl=gateway.live.agents.proposal_ttl
        )
    return book


async def _call(fn: Callable[[], Any]) -> Any:
    """A gateway call on a worker thread (they block on the client's lane), its errors as tool errors."""
    try:
        return await anyio.to_thread.run_sync(fn)
    except GatewayError as exc:
        raise ToolError(exc.message) from None


def account_name(raw: str | None) -> str | None:
    """The ``account`` argument: None or blank for the only account, else a well-formed name."""
    text = (raw or "").strip()
    return check_name(text) if text else None


def build(app: FastAPI) -> MCPServer:
    gateway = app.state.gateway
    service = gateway.service
    server = MCPServer("ashare-gateway", version=__version__, instructions=INSTRUCTIONS)

    def on(account: str | None) -> str | None:
        """The session of the account named (its auto-login one), None for the only account's."""
        return service.resolve(None, account_name(account))

    @server.tool(description="资金：资金余额、可用金额、总资产等" + ACCOUNT_ARG)
    async def balance(account: str | None = None) -> dict[str, Any]:
        return fields.balance_row(await _call(lambda: service.balance(on(account))))

    @server.tool(description="持仓" + ACCOUNT_ARG)
    async def positions(account: str | None = None) -> dict[str, Any]:
        rows = await _call(lambda: service.positions(on(account)))
        return {"positions": [fields.position_row(p) for p in rows]}

    @server.tool(description="当日委托（含合同编号、委托状态）" + ACCOUNT_ARG)
    async def orders(account: str | None = None) -> dict[str, Any]:
        rows = await _call(lambda: service.today_entrusts(on(account)))
        return {"orders": [fields.entrust_row(e) for e in rows]}

    @server.tool(description="当日成交" + ACCOUNT_ARG)
    async def trades(account: str | None = None) -> dict[str, Any]:
        rows = await _call(lambda: service.today_trades(on(account)))
        return {"trades": [fields.trade_row(t) for t in rows]}

    @server.tool(description="行情：最新价、涨跌停价、五档、交易阶段。code 如 600000" + ACCOUNT_ARG)
    async def quote(code: str, account: str | None = None) -> dict[str, Any]:
        return fields.quote_row(await _call(lambda: service.quote(on(account), code)))

    if gateway.live.agents.trading:
        book = _books(app)

        @server.tool(
            description="提出限价委托（演练，不发送）：side 为 buy 或 sell。返回 proposal_id，"
            "经用户同意后调用 confirm 才会发送" + ACCOUNT_ARG
        )
        async def propose_order(
            side: str, code: str, price: float, amount: int, account: str | None = None
        ) -> dict[str, Any]:
            return await _call(
                lambda: book.propose_order(side, code, price, amount, account=account_name(account))
            )

        @server.tool(
            description="提出撤单（演练，不发送）：返回 proposal_id，调用 confirm 才会撤单" + ACCOUNT_ARG
        )
        async def propose_cancel(contract_no: str, account: str | None = None) -> dict[str, Any]:
            return await _call(lambda: book.propose_cancel(contract_no, account=account_name(account)))

        @server.tool(description="确认并发送一个提案（每个 proposal_id 只能确认一次，在提出时的账户上发送）")
        async def confirm(proposal_id: str) -> dict[str, Any]:
            return await _call(lambda: book.confirm(proposal_id))

    return server


def build_app(app: FastAPI) -> tuple[MCPServer, ASGIApp]:
    """The server and the ASGI endpoint that answers ``/mcp`` (mounted by ``mcp_mount``, which also runs
    the server's session manager: ``server.session_manager.run()``)."""
    server = build(app)
    mcp_app = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        host=app.state.gateway.settings.host,
    )
    route = next(r for r in mcp_app.routes if isinstance(r, Route) and r.path == PATH)
    return server, route.app
