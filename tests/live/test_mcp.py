"""The MCP server at /mcp, driven by the official SDK's own client over streamable HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from ashare_gateway.config import Settings
from tests.conftest import Served, serve

TOKEN = "agent-token"
READS = {"balance", "positions", "orders", "trades", "quote"}


def ini(tmp_path: Path, trading: bool) -> Path:
    path = tmp_path / "config.ini"
    path.write_text(f"[mcp]\ntrading = {'on' if trading else 'off'}\n", encoding="utf-8")
    return path


def session(url: str, token: str | None = TOKEN) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(streamable_http_client(f"{url}/mcp", http_client=create_mcp_http_client(headers=headers)))


def entrusts(s: Served) -> list[dict]:
    with httpx.Client(base_url=s.api, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        return c.get("/today-entrusts").json()["data"]


def test_reads_only_unless_trading_is_enabled(tmp_path: Path, clock) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False, token=TOKEN, config_path=ini(tmp_path, False))
    with serve(settings, clock) as s:

        async def run() -> tuple[set[str], dict, dict]:
            async with session(s.url) as mcp:
                names = {t.name for t in (await mcp.list_tools()).tools}
                bal = (await mcp.call_tool("balance", {})).structured_content
                q = (await mcp.call_tool("quote", {"code": "600000"})).structured_content
                return names, bal, q

        names, bal, q = asyncio.run(run())
        assert names == READS  # no way to trade at all
        assert bal["总资产"] > 0 and q["证券代码"] == "600000" and q["卖盘"]
        # the same perimeter: no token, no MCP
        assert httpx.post(f"{s.url}/mcp", json={}).status_code == 401


def test_an_agent_order_is_proposed_then_confirmed_once_and_journalled(tmp_path: Path, clock) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False, token=TOKEN, config_path=ini(tmp_path, True))
    with serve(settings, clock) as s:

        async def propose() -> tuple[set[str], dict, str]:
            async with session(s.url) as mcp:
                names = {t.name for t in (await mcp.list_tools()).tools}
                proposal = (
                    await mcp.call_tool(
                        "propose_order", {"side": "buy", "code": "600000", "price": 8.0, "amount": 100}
                    )
                ).structured_content
                bad = await mcp.call_tool(
                    "propose_order", {"side": "buy", "code": "600000", "price": 8.0, "amount": 150}
                )
                return names, proposal, (bad.content[0].text if bad.is_error else "")

        names, proposal, bad_text = asyncio.run(propose())
        assert names == READS | {"propose_order", "propose_cancel", "confirm"}
        assert proposal["dry_run"] is True and "买入 600000 100股" in proposal["summary"]
        assert "risk_limits" in proposal and proposal["kill_switch"] is False
        assert "委托数量不符合规则" in bad_text
        assert entrusts(s) == []  # a proposal sends nothing

        async def confirm() -> tuple[dict, str, str]:
            async with session(s.url) as mcp:
                done = (
                    await mcp.call_tool("confirm", {"proposal_id": proposal["proposal_id"]})
                ).structured_content
                again = await mcp.call_tool("confirm", {"proposal_id": proposal["proposal_id"]})
                made_up = await mcp.call_tool("confirm", {"proposal_id": "0123456789abcdef"})
                return done, again.content[0].text, made_up.content[0].text

        done, again, made_up = asyncio.run(confirm())
        assert "已确认过" in again and "不存在或已过期" in made_up
        assert [e["合同编号"] for e in entrusts(s)] == [done["合同编号"]]  # sent exactly once
        journal = s.gateway.journal.query()
        assert [(j.idem_key, j.state) for j in journal] == [(done["idempotency_key"], "accepted")]
        assert done["idempotency_key"].startswith("mcp-")  # its origin, in the journal

        async def cancel() -> str:
            async with session(s.url) as mcp:
                p = (
                    await mcp.call_tool("propose_cancel", {"contract_no": done["合同编号"]})
                ).structured_content
                await mcp.call_tool("confirm", {"proposal_id": p["proposal_id"]})
                return p["summary"]

        assert done["合同编号"] in asyncio.run(cancel())
        assert entrusts(s)[0]["委托状态"] == "已撤"
