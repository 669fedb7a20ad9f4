"""``session_id`` is documented on every ``/api/trader`` operation, and honoured there, without a router
dependency (issue 15: FastAPI ran the old docs-only dependency in the thread pool on every request).

Over real HTTP: the served /openapi.json lists the parameter exactly once per operation, with the
operation's own query parameters kept; and a session passed as ``?session_id=`` reaches the routes.
"""

from __future__ import annotations

import httpx

from tests.api.test_trader_api import ENDPOINTS  # the spec's §5 operations
from tests.conftest import Served


def test_every_trader_operation_documents_session_id_once(served: Served) -> None:
    doc = httpx.get(f"{served.url}/openapi.json").json()
    assert len(ENDPOINTS) == 21
    for method, path in ENDPOINTS:
        op = doc["paths"][f"/api/trader{path}"][method.lower()]
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        assert names.count("session_id") == 1, (method, path, names)
    entrusts = [p["name"] for p in doc["paths"]["/api/trader/today-entrusts"]["get"]["parameters"]]
    assert entrusts == ["since", "limit", "session_id"]
    quote = [p["name"] for p in doc["paths"]["/api/trader/quote"]["get"]["parameters"]]
    assert quote == ["session_id", "security"]


def test_the_query_session_id_still_selects_the_session(served: Served) -> None:
    with httpx.Client(base_url=served.api, timeout=30) as api:
        sid = api.post("/connect", json={}).json()["data"]["session_id"]
        mine = api.get("/session-status", params={"session_id": sid}).json()
        assert mine["code"] == 200 and mine["data"]["session_id"] == sid
        assert mine["data"]["is_auto_login"] is False
        unknown = api.get("/balance", params={"session_id": "no-such-session"})
        assert unknown.status_code == 401
