"""schemathesis fuzzes every documented /api endpoint of a served gateway: no 5xx, no schema violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Served

HOOKS = """
import random

import schemathesis


@schemathesis.hook
def map_query(context, query):
    query = dict(query or {{}})
    if random.random() < 0.8:
        query["session_id"] = "{sid}"
    return query
"""

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_openapi_documents_bodies_and_errors(served: Served) -> None:
    import httpx

    doc = httpx.get(f"{served.url}/openapi.json").json()
    buy = doc["paths"]["/api/trader/buy"]["post"]
    assert buy["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "security",
        "price",
        "amount",
    ]
    assert {"200", "400", "401", "500"} <= set(buy["responses"])
    assert any(p["name"] == "session_id" for p in buy["parameters"])


# The default run fuzzes every operation a few times; the stress run goes through coverage and fifteen
# generated examples per operation (about two minutes here).
FUZZ_RUNS = [
    pytest.param(("3", "examples,fuzzing"), id="quick"),
    pytest.param(("15", "examples,coverage,fuzzing"), id="stress", marks=pytest.mark.stress),
]


@pytest.mark.parametrize("depth", FUZZ_RUNS)
def test_schemathesis_finds_no_server_error(served: Served, tmp_path: Path, depth: tuple[str, str]) -> None:
    examples, phases = depth
    import httpx

    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("schemathesis is part of the test extras and must be installed")
    # Most fuzzed requests carry the auto-login session, so they reach the broker instead of stopping at 401.
    sid = httpx.get(f"{served.api}/session-status").json()["data"]["session_id"]
    (tmp_path / "gateway_hooks.py").write_text(HOOKS.format(sid=sid), encoding="utf-8")
    result = subprocess.run(
        [
            exe,
            "run",
            f"{served.url}/openapi.json",
            "--checks",
            CHECKS,
            "--include-path-regex",
            "^/api/",
            "--exclude-path-regex",
            "/(wait|exit)$",
            "--max-examples",
            examples,
            "--workers",
            "1",
            "--seed",
            "1",
            "--phases",
            phases,
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "gateway_hooks", "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # With the auto-login session supplied, generated requests reach the broker, not just the session check.
    lanes = httpx.get(f"{served.url}/health").json()["lanes"]
    assert sum(lane["completed"] for lane in lanes) > 50, lanes
