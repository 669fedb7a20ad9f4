"""The MCP tools with two paper accounts in one gateway: each tool takes ``account``, routed like an HTTP
call's ``account=``; a proposal is bound to its account and confirmed there, never on the other.

Driven by the official SDK's client over streamable HTTP against a served gateway; what reached which
account is read back over plain HTTP (``/accounts/NAME/api/trader/...``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from ashare_gateway.config import Settings
from tests.accounts_ini import config_ini, two_paper, write_config
from tests.conftest import Served, serve
from tests.live.test_mcp import TOKEN, session

CONFIG = config_ini("[mcp]\ntrading = on\n", two_paper(880200, opening_cash=500000))


def http(s: Served, name: str, path: str) -> Any:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    resp = httpx.get(f"{s.url}/accounts/{name}/api/trader/{path}", headers=headers, timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def test_tools_take_an_account_and_never_mix_them(tmp_path: Path, clock) -> None:
    config = write_config(tmp_path, CONFIG)
    settings = Settings(data_dir=tmp_path, demo_market=False, token=TOKEN, config_path=config)
    with serve(settings, clock) as s:

        async def run() -> dict[str, Any]:
            async with session(s.url) as mcp:

                async def call(tool: str, args: dict[str, Any]) -> Any:
                    result = await mcp.call_tool(tool, args)
                    return result.content[0].text if result.is_error else result.structured_content

                order = {"side": "buy", "code": "600000", "price": 8.0, "amount": 100}
                out = {
                    "unnamed": await call("balance", {}),
                    "unknown": await call("balance", {"account": "zz"}),
                    "malformed": await call("balance", {"account": "a b"}),
                    "p1": await call("balance", {"account": "p1"}),
                    "p2": await call("balance", {"account": "p2"}),
                    "unnamed_proposal": await call("propose_order", order),
                    "proposal": await call("propose_order", {**order, "account": "p2"}),
                }
                out["done"] = await call("confirm", {"proposal_id": out["proposal"]["proposal_id"]})
                out["orders_p1"] = await call("orders", {"account": "p1"})
                out["orders_p2"] = await call("orders", {"account": "p2"})
                return out

        out = asyncio.run(run())
        assert "网关配置了多个账户（p1、p2）" in out["unnamed"], out["unnamed"]
        assert "未知的账户：zz" in out["unknown"], out["unknown"]
        assert "账户名" in out["malformed"] and "Traceback" not in out["malformed"], out["malformed"]
        assert out["p1"]["总资产"] == 1_000_000 and out["p2"]["总资产"] == 500_000
        assert "网关配置了多个账户" in out["unnamed_proposal"]
        proposal, done = out["proposal"], out["done"]
        assert proposal["account"] == "p2" and proposal["broker_account"] == "880202"
        assert done["account"] == "p2"
        # The order is p2's and only p2's: through MCP and through HTTP.
        assert [o["合同编号"] for o in out["orders_p2"]["orders"]] == [done["合同编号"]]
        assert out["orders_p1"]["orders"] == []
        assert [e["合同编号"] for e in http(s, "p2", "today-entrusts")] == [done["合同编号"]]
        assert http(s, "p1", "today-entrusts") == []
        journal = s.gateway.journal.query()
        assert [(j.account, j.idem_key) for j in journal] == [("880202", done["idempotency_key"])]
