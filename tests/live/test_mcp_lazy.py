"""``/mcp`` is in place from the start but the SDK loads on its first request (``api/mcp_mount.py``).

Why it matters: the ``mcp`` SDK is a third of a gateway's start-up CPU, paid by every ``serve`` and
every restart after a crash, whether or not an agent ever calls.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx

from ashare_gateway.api import mcp_mount
from ashare_gateway.config import Settings
from tests.conftest import serve
from tests.live.test_mcp import TOKEN, ini, session

_BUILD_WITHOUT_THE_SDK = """
import sys, tempfile
from pathlib import Path
from ashare_gateway.api.app import create_app
from ashare_gateway.config import Settings
from ashare_gateway.gateway import build_gateway
gateway = build_gateway(Settings(data_dir=Path(tempfile.mkdtemp())))
app = create_app(gateway)
assert any(getattr(r, "path", "") == "/mcp" for r in app.router.routes), "no /mcp route"
heavy = ("mcp", "httpx", "rich")  # the MCP SDK; the webhook sender's client (httpx pulls in rich)
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
gateway.close()
"""


def test_an_app_is_built_with_its_mcp_route_and_without_the_sdk_loaded() -> None:
    """Also httpx (only the webhook sender uses it, imported when a delivery is due): a start-up guard,
    not a timing, as tests/unit/test_cli_imports.py is for the CLI."""
    out = subprocess.run(
        [sys.executable, "-c", _BUILD_WITHOUT_THE_SDK], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", f"imported by build_gateway + create_app: {out.stdout}"


def test_the_first_requests_at_once_all_get_the_one_server(tmp_path: Path, clock) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False, token=TOKEN, config_path=ini(tmp_path, False))
    with serve(settings, clock) as s:

        async def one() -> set[str]:
            async with session(s.url) as mcp:
                return {t.name for t in (await mcp.list_tools()).tools}

        async def five() -> list[set[str]]:
            return await asyncio.gather(*(one() for _ in range(5)))

        names = asyncio.run(five())
        assert all(n == names[0] and "balance" in n for n in names), names


def test_an_sdk_that_fails_to_build_answers_503_with_the_reason_and_trading_goes_on(
    tmp_path: Path, clock, monkeypatch
) -> None:
    def broken(self):
        raise RuntimeError("mcp 构建失败（测试）")

    monkeypatch.setattr(mcp_mount.LazyMCP, "_build", broken)
    settings = Settings(data_dir=tmp_path, demo_market=False)
    with serve(settings, clock) as s:
        for _ in range(2):  # the failure is kept, not retried on every request
            r = httpx.post(f"{s.url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            assert r.status_code == 503, r.text
            assert "MCP 服务不可用" in r.json()["message"] and "构建失败" in r.json()["message"]
        assert httpx.get(f"{s.url}/api/trader/balance").json()["code"] == 200
