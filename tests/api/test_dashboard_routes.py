"""The dashboard's server side over real HTTP: the instrument-rules route and what needs the token."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.instruments import parse_security
from ashare_gateway.domain.market_orders import allowed_types
from tests.conftest import Served, serve

TOKEN = "dashboard-route-token-0123456789"


def rules(served: Served, codes: str) -> httpx.Response:
    return httpx.get(f"{served.url}/api/dashboard/instruments", params={"codes": codes})


def test_instrument_rules_follow_the_board(served: Served) -> None:
    r = rules(served, "600000,510300,688981,000001,113050,sh600519")
    assert r.status_code == 200
    by_code = {x["证券代码"]: x for x in r.json()["data"]}
    main, etf, star, sz, bond = (by_code[c] for c in ("600000", "510300", "688981", "000001", "113050"))
    assert (main["tick"], main["price_decimals"], main["buy_min"], main["buy_step"]) == (0.01, 2, 100, 100)
    assert (etf["tick"], etf["price_decimals"]) == (0.001, 3)
    assert (bond["price_decimals"], bond["buy_min"], bond["buy_step"]) == (3, 10, 10)
    assert (star["buy_min"], star["buy_step"], star["protect_price"]) == (200, 1, True)
    # The board's market-order types are the domain's (market_orders.allowed_types), default first.
    for code, info in by_code.items():
        assert info["market_types"] == [str(t) for t in allowed_types(parse_security(code))], code
    assert main["market_types"][0] == "最优五档即时成交剩余撤销" and etf["market_types"] != sz["market_types"]
    assert not sz["protect_price"]
    assert by_code["600519"]["market"] == "sh"


@pytest.mark.parametrize(
    ("codes", "reason"),
    [
        ("", "缺少必填参数：codes"),
        ("12345", "12345"),
        ("900901", "B股"),
        (",".join(["600000"] * 51), "最多50个"),
    ],
)
def test_bad_codes_are_a_400_with_the_reason(served: Served, codes: str, reason: str) -> None:
    r = rules(served, codes)
    assert r.status_code == 400
    assert reason in r.json()["message"]


def test_the_shell_loads_without_the_token_and_the_data_does_not(tmp_path: Path, clock) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False, token=TOKEN), clock) as served:
        public = ["/", "/static/dashboard.js", "/static/dashboard.css", "/docs", "/redoc", "/openapi.json"]
        for path in [*public, "/docs/assets/swagger-ui.css"]:
            assert httpx.get(served.url + path).status_code == 200, path
        for path in ("/health", "/api/trader/balance", "/api/dashboard/instruments?codes=600000"):
            assert httpx.get(served.url + path).status_code == 401, path
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert (
            httpx.get(served.url + "/api/dashboard/instruments?codes=600000", headers=auth).status_code == 200
        )
        # Only reads are public, and only these paths: not one that merely starts like them.
        assert httpx.get(served.url + "/docsx").status_code == 401
        assert httpx.post(served.url + "/", json={}).status_code == 401
        assert httpx.get(served.url + "/static/../api/trader/balance").status_code in (401, 404)


def test_without_the_docs_package_the_gateway_still_serves(tmp_path: Path, clock, monkeypatch) -> None:
    """An install from a pinned list that lacks fastapi-offline: the API works, /docs says what is missing."""
    monkeypatch.setitem(sys.modules, "fastapi_offline", None)  # import fails as if not installed
    with serve(Settings(data_dir=tmp_path, demo_market=False), clock) as served:
        docs = httpx.get(served.url + "/docs")
        assert docs.status_code == 503 and "fastapi-offline" in docs.text
        assert httpx.get(served.api + "/balance").status_code == 200
        assert httpx.get(served.url + "/openapi.json").status_code == 200
