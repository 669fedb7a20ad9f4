"""A lane closes with its client (issue 11, finding 5): login/exit cycles leave no lane thread behind."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.conftest import BROKERS, Served

pytestmark = pytest.mark.parametrize("served", BROKERS, indirect=True)


def _lane_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("lane-"))


def test_twenty_login_exit_cycles_leave_one_lane(served: Served, api: httpx.Client) -> None:
    before = _lane_threads()  # the auto-login client's lane
    for _ in range(20):
        session = api.post("/connect", json={}).json()["data"]["session_id"]
        assert api.get("/balance", params={"session_id": session}).json()["code"] == 200
        assert api.post("/exit", params={"session_id": session}).json()["code"] == 200
    assert _lane_threads() <= max(before, 1)
    # the gateway still attaches a fresh client (and lane) after all that
    session = api.post("/connect", json={}).json()["data"]["session_id"]
    assert api.get("/balance", params={"session_id": session}).json()["code"] == 200
