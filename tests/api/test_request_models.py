"""The /api/trader bodies are pydantic models: the schema and the parsing come from the same class.

Over real HTTP: what /openapi.json documents for a body is what the route reads (``protect_price`` was
missing from the hand-written schema while the code read it), the spec's texts and check order stay,
and an unknown session is a 401 before any check of the body.
"""

from __future__ import annotations

import httpx

from ashare_gateway.api.openapi_examples import HT

from ..conftest import Served


def _body_schema(served: Served, path: str) -> dict:
    doc = httpx.get(f"{served.url}/openapi.json").json()
    return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]


def test_the_market_order_schema_has_what_the_route_reads(served: Served) -> None:
    media = _body_schema(served, "/api/trader/market-buy")
    schema = media["schema"]
    assert {"security", "amount", "ttype", "limit_price", "protect_price", "client_order_id"} <= set(
        schema["properties"]
    )
    assert sorted(schema["required"]) == ["amount", "security"]
    assert media["example"] == HT[("post", "/api/trader/market-buy")]["request"]
    assert schema["examples"] == [HT[("post", "/api/trader/market-buy")]["request"]]


def test_the_limit_order_schema_requires_price(served: Served) -> None:
    schema = _body_schema(served, "/api/trader/buy")["schema"]
    assert sorted(schema["required"]) == ["amount", "price", "security"]
    assert schema["properties"]["price"]["anyOf"] == [{"type": "number"}, {"type": "string"}]


def test_protect_price_is_read_as_limit_price(api: httpx.Client) -> None:
    for name in ("limit_price", "protect_price"):
        resp = api.post("/market-buy", json={"security": "600000", "amount": 100, name: "8.751"})
        assert resp.status_code == 400, resp.text
        assert resp.json()["message"] == "委托价格不符合最小价格变动单位：8.751（最小变动0.01元）"
    # limit_price wins when both are given, as before
    both = {"security": "600000", "amount": 100, "limit_price": "8.751", "protect_price": "8.76"}
    assert api.post("/market-buy", json=both).json()["message"].endswith("8.751（最小变动0.01元）")


def test_fields_are_checked_in_the_spec_order_with_its_texts(api: httpx.Client) -> None:
    cases = [
        ({}, "缺少必填参数：security"),
        ({"security": "600000", "amount": "x"}, "缺少必填参数：price"),
        (
            {"security": "600000", "price": "８.75", "amount": 100},
            "委托价格格式错误：８.75（须为半角数字，不支持全角数字、下划线等字符）",
        ),
        (
            {"security": "600000", "price": 8.751, "amount": 100},
            "委托价格不符合最小价格变动单位：8.751（最小变动0.01元）",
        ),
        (
            {"security": "600000", "price": 8.75, "amount": "1_00"},
            "委托数量不符合规则：数量须为正整数，须为半角数字，不支持全角数字、下划线等字符",
        ),
        (
            {"security": "600000", "price": 8.75, "amount": 150, "client_order_id": ""},
            "委托数量不符合规则：买入数量须为100股的整数倍",
        ),
    ]
    for body, text in cases:
        resp = api.post("/buy", json=body)
        assert (resp.status_code, resp.json()["message"]) == (400, text), body


def test_an_unknown_session_is_401_before_the_body_is_checked(api: httpx.Client) -> None:
    resp = api.post("/buy", params={"session_id": "nope"}, json={"security": "600000", "price": "NaN"})
    assert resp.status_code == 401, resp.text
