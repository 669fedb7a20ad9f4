"""The bodies of ``POST /api/trader/conditions`` and ``POST /api/trader/repo`` are pydantic models.

Over real HTTP: ``/openapi.json`` documents every field the services read, the OCO legs included, with
no reference left dangling; every declared field reaches the service (a field the model lacked would
be dropped, and these conditions would be refused or stored without it); the refusals keep their texts
and their order (the session and the gateway's refusal before the body, the body before the session
for the repo helper); an explicit ``null`` is refused as before, not taken for an absent field.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain import repo
from ashare_gateway.domain.clock import ManualClock
from tests.api.test_conditions import DAY, STOP, conditions, create, replayed, write_path
from tests.api.test_repo import market, ok, refused
from tests.conftest import Served, serve

__all__ = ["replayed"]  # the fixture, shared with test_conditions.py

# What service/conditions_parse.py reads of a leg, and service/repo_lending.py of the lend body.
LEG_FIELDS = {
    "type",
    "security",
    "side",
    "amount",
    "trigger_price",
    "trail_percent",
    "trail_amount",
    "at",
    "price_type",
    "price",
    "ticks",
    "ttype",
    "limit_price",
    "valid",
}
LEND_FIELDS = {"days", "keep", "market"}
OCO_TEXT = "oco 须为两个条件组成的列表（一个触发即撤销另一个）"


def _body_schema(served: Served, path: str) -> dict:
    doc = httpx.get(f"{served.url}/openapi.json").json()
    operation = doc["paths"][path]["post"]
    assert "$ref" not in json.dumps(operation["requestBody"]), "a nested model must be written in place"
    return operation["requestBody"]["content"]["application/json"]["schema"]


def test_openapi_documents_every_condition_field_and_the_oco_legs(served: Served) -> None:
    schema = _body_schema(served, "/api/trader/conditions")
    assert set(schema["properties"]) == LEG_FIELDS | {"oco"}
    oco = schema["properties"]["oco"]
    assert (oco["type"], oco["minItems"], oco["maxItems"]) == ("array", 2, 2)
    assert set(oco["items"]["properties"]) == LEG_FIELDS
    props = oco["items"]["properties"]
    assert props["type"]["enum"] == [
        "stop_loss",
        "take_profit",
        "trailing_stop",
        "breakout_above",
        "breakout_below",
        "time",
    ]
    assert props["price_type"]["enum"] == ["limit", "trigger_offset", "market"]
    assert (props["ticks"]["minimum"], props["ticks"]["maximum"]) == (0, 20)
    assert props["trail_amount"]["anyOf"] == [{"type": "number"}, {"type": "string"}]


def test_openapi_documents_the_repo_lend_body(served: Served) -> None:
    schema = _body_schema(served, "/api/trader/repo")
    assert set(schema["properties"]) == LEND_FIELDS
    assert schema["properties"]["market"]["enum"] == ["sh", "sz"]
    assert schema["properties"]["days"]["anyOf"][0]["enum"] == list(repo.TENORS)
    assert "required" not in schema  # every field has its default


def test_every_declared_field_reaches_the_service(replayed: Served) -> None:
    trail = {k: v for k, v in STOP.items() if k != "trigger_price"}
    legs = [
        {**trail, "type": "trailing_stop", "trail_amount": "0.30"},
        {**STOP, "type": "time", "at": "14:50:00", "valid": "2026-11-24"},
        {**STOP, "price_type": "market", "ttype": "五档即时成交剩余撤销", "limit_price": "8.20"},
        {**STOP, "price_type": "limit", "price": "8.44"},
    ]
    with replayed.client() as api:
        for leg in legs:
            r = create(api, leg)
            assert r.status_code == 200, r.text
        rows = {c["kind"] + c["price_type"]: c for c in conditions(api)}
    assert rows["trailing_stoptrigger_offset"]["trail_amount"] == "0.30"
    assert rows["trailing_stoptrigger_offset"]["ticks"] == 2
    time = rows["timetrigger_offset"]
    assert (time["at"], time["valid_until"]) == ("14:50:00", "2026-11-24")
    market_leg = rows["stop_lossmarket"]
    assert (market_leg["ttype"], market_leg["protect_price"]) == ("五档即时成交剩余撤销", "8.20")
    assert rows["stop_losslimit"]["limit_price"] == "8.44"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({**STOP, "ticks": None}, "ticks 须为0到20之间的整数"),
        ({**STOP, "valid": None}, "有效期无效：NoneType"),
        ({"oco": [STOP, {**STOP, "type": "take_profit", "trigger_price": 9.5, "valid": None}]}, "有效期无效"),
        ({"oco": [STOP]}, OCO_TEXT),
        ({"oco": "both"}, OCO_TEXT),
        ({"oco": [STOP, 1]}, OCO_TEXT),
        ({"oco": [STOP, STOP, STOP]}, OCO_TEXT),
        ({**STOP, "type": None}, "缺少必填参数：type"),
    ],
)
def test_refusals_keep_their_texts(replayed: Served, body: dict, text: str) -> None:
    with replayed.client() as api:
        r = create(api, body)
        assert r.status_code == 400, r.text
        assert text in r.json()["message"]
        assert conditions(api) == []


def test_a_null_oco_is_one_condition_and_unknown_fields_are_ignored(replayed: Served) -> None:
    with replayed.client() as api:
        r = create(api, {**STOP, "oco": None, "note": "mine"})
        assert r.status_code == 200, r.text
        (row,) = r.json()["data"]
        assert row["oco_group"] is None and "note" not in row


def test_the_session_and_the_refusal_come_before_the_body(replayed: Served, tmp_path: Path) -> None:
    with replayed.client() as api:
        r = api.post("/conditions", params={"session_id": "nope"}, json={"oco": 1})
        assert r.status_code == 401, r.text
    clock = ManualClock(f"{DAY} 10:00:00")
    quotes = f"replay:{write_path(tmp_path)}"
    settings = Settings(data_dir=tmp_path / "gui", demo_market=False, broker="xiadan-fake", quotes=quotes)
    with serve(settings, clock) as s, s.client() as api:
        r = create(api, {"oco": 1})
        assert r.status_code == 400 and "模拟或回放" in r.json()["message"], r.text


def test_repo_body_fields_reach_the_helper_and_a_null_tenor_is_refused(tmp_path: Path) -> None:
    with market(tmp_path, "2026-12-03 14:55") as c:
        assert "days 须为" in refused(c.post("/api/trader/repo", json={"days": None}))
        assert "days 须为" in refused(c.post("/api/trader/repo", json={"days": True}))
        assert ok(c.get("/api/trader/repo")) == []
        lent = ok(c.post("/api/trader/repo", json={"days": "2", "keep": "0", "market": "SZ"}))
        assert lent["证券代码"] == "131811"  # R-002: the tenor and the exchange were both read
        (loan,) = ok(c.get("/api/trader/repo"))
        assert loan["计息天数"] >= 2
