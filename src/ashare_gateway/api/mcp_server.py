"""The MCP server at ``/mcp`` (the official ``mcp`` SDK, streamable HTTP), for AI agents.

Read tools always: balance, positions, orders, trades, quote. Trading tools only when config.ini says
``[mcp] trading = on``: ``propose_order`` / ``propose_cancel`` (a dry run: validated, shown with the
risk limits, nothing sent) and ``confirm`` (sends one proposal, once; see service/agent_orders.py).
The routes are added to the gateway's app, so the same perimeter (token, addresses, Host) guards them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from .. import __version__
from ..domain import fields
from ..domain.errors import GatewayError
from ..service.agent_orders import ProposalBook

PATH = "/mcp"
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


def build(app: FastAPI) -> MCPServer:
    gateway = app.state.gateway
    service = gateway.service
    server = MCPServer("ashare-gateway", version=__version__, instructions=INSTRUCTIONS)

    @server.tool(description="资金：资金余额、可用金额、总资产等")
    async def balance() -> dict[str, Any]:
        return fields.balance_row(await _call(lambda: service.balance(None)))

    @server.tool(description="持仓")
    async def positions() -> dict[str, Any]:
        return {"positions": [fields.position_row(p) for p in await _call(lambda: service.positions(None))]}

    @server.tool(description="当日委托（含合同编号、委托状态）")
    async def orders() -> dict[str, Any]:
        return {"orders": [fields.entrust_row(e) for e in await _call(lambda: service.today_entrusts(None))]}

    @server.tool(description="当日成交")
    async def trades() -> dict[str, Any]:
        return {"trades": [fields.trade_row(t) for t in await _call(lambda: service.today_trades(None))]}

    @server.tool(description="行情：最新价、涨跌停价、五档、交易阶段。code 如 600000")
    async def quote(code: str) -> dict[str, Any]:
        return fields.quote_row(await _call(lambda: service.quote(None, code)))

    if gateway.live.agents.trading:
        book = _books(app)

        @server.tool(
            description="提出限价委托（演练，不发送）：side 为 buy 或 sell。返回 proposal_id，"
            "经用户同意后调用 confirm 才会发送"
        )
        async def propose_order(side: str, code: str, price: float, amount: int) -> dict[str, Any]:
            return await _call(lambda: book.propose_order(side, code, price, amount))

        @server.tool(description="提出撤单（演练，不发送）：返回 proposal_id，调用 confirm 才会撤单")
        async def propose_cancel(contract_no: str) -> dict[str, Any]:
            return await _call(lambda: book.propose_cancel(contract_no))

        @server.tool(description="确认并发送一个提案（每个 proposal_id 只能确认一次）")
        async def confirm(proposal_id: str) -> dict[str, Any]:
            return await _call(lambda: book.confirm(proposal_id))

    return server


def install(app: FastAPI) -> None:
    """Add ``/mcp`` to the app and run the MCP session manager with the app's lifespan."""
    server = build(app)
    mcp_app = server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        host=app.state.gateway.settings.host,
    )
    app.router.routes.extend(mcp_app.routes)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI):
        async with server.session_manager.run(), previous(a) as state:
            yield state

    app.router.lifespan_context = lifespan
