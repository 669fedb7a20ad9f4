"""The ths, easytrader, kill-switch and clock bodies are pydantic models: the OpenAPI document shows each
route's model as it is, and the texts the models now give are the ones the routes gave before.

One served gateway per module (a simulated clock, so the clock route moves; the ths and easytrader
routes under their prefixes); every test here only reads or is refused, except the clock test, which
only moves forward.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ashare_gateway.api.models import RequestModel
from ashare_gateway.api.models.easytrader import (
    EtCancelBody,
    EtLimitOrderBody,
    EtMarketOrderBody,
    PrepareBody,
)
from ashare_gateway.api.models.ops import ClockBody, KillSwitchBody
from ashare_gateway.api.models.ths import ThsOrderBody
from ashare_gateway.config import Settings
from tests.conftest import Served, serve

DAY = "2026-12-02"


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("models"), start_at=f"{DAY} 09:31", speed=0)
    with serve(settings, None) as served:  # type: ignore[arg-type]
        yield served


@pytest.fixture(scope="module")
def doc(gw: Served) -> dict:
    return httpx.get(f"{gw.url}/openapi.json").json()


BODIES: list[tuple[str, type[RequestModel]]] = [
    ("/ths/buy", ThsOrderBody),
    ("/ths/sell", ThsOrderBody),
    ("/easytrader/prepare", PrepareBody),
    ("/easytrader/buy", EtLimitOrderBody),
    ("/easytrader/sell", EtLimitOrderBody),
    ("/easytrader/market_buy", EtMarketOrderBody),
    ("/easytrader/market_sell", EtMarketOrderBody),
    ("/easytrader/cancel_entrust", EtCancelBody),
    ("/api/admin/kill-switch", KillSwitchBody),
    ("/api/admin/clock", ClockBody),
]


def _shown(schema: object) -> object:
    """A JSON schema as the OpenAPI document shows it: FastAPI leaves out ``null`` values (defaults)."""
    if isinstance(schema, dict):
        return {k: _shown(v) for k, v in schema.items() if v is not None}
    if isinstance(schema, list):
        return [_shown(v) for v in schema]
    return schema


@pytest.mark.parametrize(("path", "model"), BODIES, ids=[p for p, _ in BODIES])
def test_each_body_schema_is_its_model(doc: dict, path: str, model: type[RequestModel]) -> None:
    schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema == _shown(model.model_json_schema(mode="validation"))
    assert "$defs" not in schema and "$ref" not in str(schema)  # inline, so it resolves in the document


@pytest.mark.parametrize("path", ["/ths/buy", "/ths/sell"])
def test_the_ths_get_form_documents_the_model_fields_as_query_parameters(doc: dict, path: str) -> None:
    params = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    schema = ThsOrderBody.model_json_schema(mode="validation")
    assert list(params) == list(schema["properties"]) == ["stock_code", "price", "amount"]
    assert (
        {n for n, p in params.items() if p["required"]} == set(schema["required"]) == {"stock_code", "amount"}
    )
    assert params["stock_code"]["example"] == "600160"  # the spec's example still lands on the parameter


def test_easytrader_bodies_document_kwargs_and_the_market_fields(doc: dict) -> None:
    props = doc["paths"]["/easytrader/market_buy"]["post"]["requestBody"]["content"]["application/json"]
    assert {"security", "amount", "ttype", "limit_price", "kwargs"} <= set(props["schema"]["properties"])
    assert props["example"]["kwargs"] == {"ttype": "五档即时成交剩余撤销"}


# ---- the texts --------------------------------------------------------------------------------
ET_ERRORS = [
    ("/prepare", {"exe_path": 7}, "参数格式错误：exe_path（应为字符串）"),
    ("/prepare", {"user": "a b", "password": "x"}, "参数格式错误：user（1到32位字母、数字或_.@-）"),
    ("/prepare", {"user": "abc", "password": "  "}, "缺少必填参数：password"),
    ("/prepare", {"kwargs": {"user": "abc"}}, "缺少必填参数：password"),  # read from kwargs too
    ("/buy", {"security": "600000", "amount": 100, "kwargs": {"price": "８.7"}}, "委托价格格式错误：８.7"),
    # a top-level field wins over the same name in kwargs
    (
        "/buy",
        {"security": "600000", "price": "x", "amount": 100, "kwargs": {"price": 8.7}},
        "委托价格格式错误：x",
    ),
    ("/market_buy", {"security": "600000", "kwargs": {}}, "缺少必填参数：amount"),
    ("/cancel_entrust", {"kwargs": {"entrust_no": "no-such!"}}, "参数格式错误：entrust_no"),
]


@pytest.mark.parametrize(("path", "body", "text"), ET_ERRORS)
def test_easytrader_refusals_keep_their_texts(gw: Served, path: str, body: dict, text: str) -> None:
    resp = httpx.post(f"{gw.url}/easytrader{path}", json=body)
    assert resp.status_code == 400 and list(resp.json()) == ["error"], resp.text
    assert resp.json()["error"].startswith(text), resp.text


THS_ERRORS = [
    (
        {"stock_code": "600160", "price": "21.215", "amount": "1.5"},
        "委托价格不符合最小价格变动单位",
    ),  # price first
    ({"stock_code": "600160", "price": "None", "amount": "maxx"}, "委托数量不符合规则：数量须为正整数"),
    ({"stock_code": "sh600160", "amount": 150}, "委托数量不符合规则：买入数量须为100股的整数倍"),
    ({"price": "x", "amount": "x"}, "缺少必填参数：stock_code"),
]


@pytest.mark.parametrize(("body", "text"), THS_ERRORS)
def test_ths_refusals_keep_their_order_and_texts(gw: Served, body: dict, text: str) -> None:
    resp = httpx.post(f"{gw.url}/ths/buy", json=body)
    assert resp.status_code == 200 and resp.json()["status"] == -1, resp.text
    assert resp.json()["message"].startswith(text), resp.text
    # the query string is read the same way (the body, when given, wins over it)
    query = httpx.get(f"{gw.url}/ths/buy", params={k: str(v) for k, v in body.items()}).json()
    assert query["message"].startswith(text), query


def test_kill_switch_takes_only_a_json_boolean(gw: Served) -> None:
    url = f"{gw.url}/api/admin/kill-switch"
    for body in ({"on": "true"}, {"on": 1}, {"on": None}, {"account": "a"}):
        resp = httpx.post(url, json=body)
        assert (resp.status_code, resp.json()["message"]) == (
            400,
            "缺少必填参数：on（true 开启，false 解除）",
        )
    form = httpx.post(url, data={"on": "true"})  # a form never turns it on (the perimeter refuses forms)
    assert 400 <= form.status_code < 500 and httpx.get(url).json()["data"]["on"] is False


def test_clock_reads_to_before_advance(gw: Served) -> None:
    url = f"{gw.url}/api/admin/clock"
    resp = httpx.post(url, json={"to": None})
    assert resp.status_code == 400 and resp.json()["message"] == '参数格式错误：to（应为"YYYY-MM-DD HH:MM"）'
    resp = httpx.post(url, json={"to": 20261202, "advance": "day"})
    assert resp.status_code == 400 and "to" in resp.json()["message"]
    # with "to" given, a bad "advance" is not looked at
    moved = httpx.post(url, json={"to": f"{DAY} 10:00", "advance": "week"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["data"]["now"] == f"{DAY} 10:00:00"
