"""The browser door, over real HTTP: every attack of issue 10 refused, every seed client still served.

A browser is recognised by the headers it cannot help sending (``Origin``, ``Sec-Fetch-*``); the
requests below send exactly what Chromium sends for each attack (checked in test_perimeter_browser.py
with the real browser). Scripts send none of them and pass as before.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import WebSocket

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import Served, serve
from tests.process import serve_process

EVIL = "http://evil.example"
ORDER = {"security": "600000", "price": 8.75, "amount": 100}
# What Chromium sends for <img src="http://127.0.0.1:5000/ths/buy?..."> on a page of another site.
IMG_FROM_ANOTHER_SITE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
}


@pytest.fixture
def gw(tmp_path: Path, clock: ManualClock) -> Iterator[Served]:
    with serve(Settings(data_dir=tmp_path, demo_market=False), clock) as s:
        yield s


def entrusts(served: Served) -> list[dict]:
    return httpx.get(f"{served.api}/today-entrusts").json()["data"]


def own_origin(served: Served) -> str:
    return served.url  # http://127.0.0.1:<port>


# ---- cross-site POSTs ------------------------------------------------------------------------------
STATE_CHANGES = [
    ("/api/trader/buy", ORDER),
    ("/api/trader/market-buy", {"security": "600000", "amount": 100}),
    ("/easytrader/buy", ORDER),
    ("/api/trader/cancel-all-entrusts", {}),
    ("/api/trader/exit", {}),
    ("/api/admin/kill-switch", {"on": True}),
    ("/easytrader/prepare", {"user": "attacker1", "password": "pw"}),
    ("/api/trader/wait", {"seconds": 60}),
]
KINDS = ["text/plain", "form", "multipart", "none"]


def post(url: str, kind: str, body: dict, headers: dict | None = None) -> httpx.Response:
    """``body`` sent as a page can send it without a preflight: text/plain, a form, multipart, or a
    body with no content type at all."""
    headers = dict(headers or {})
    raw = json.dumps(body).encode()
    if kind == "text/plain":
        return httpx.post(url, content=raw, headers={**headers, "Content-Type": "text/plain"}, timeout=10)
    if kind == "form":
        form = {k: str(v) for k, v in body.items()} or {"x": ""}
        return httpx.post(url, data=form, headers=headers, timeout=10)
    if kind == "multipart":
        files = {k: (None, str(v)) for k, v in body.items()} or {"x": (None, "")}
        return httpx.post(url, files=files, headers=headers, timeout=10)
    return httpx.post(url, content=raw, headers=headers, timeout=10)


@pytest.mark.parametrize("kind", KINDS)
def test_cross_site_posts_are_refused_and_change_nothing(gw: Served, kind: str) -> None:
    for path, body in STATE_CHANGES:
        resp = post(gw.url + path, kind, body, {"Origin": EVIL})
        assert resp.status_code == 403, (path, resp.text)
        assert "拒绝跨站请求" in resp.text and EVIL in resp.text
    assert entrusts(gw) == []
    assert httpx.get(f"{gw.url}/api/admin/kill-switch").json()["data"]["on"] is False
    assert httpx.get(f"{gw.api}/session-status").json()["code"] == 200  # /exit did not end the session


def test_another_port_on_the_same_machine_is_another_origin(gw: Served) -> None:
    """127.0.0.1:8080 is "same-site" with 127.0.0.1:5000: still someone else's page."""
    other = "http://127.0.0.1:1"
    resp = httpx.post(f"{gw.api}/buy", json=ORDER, headers={"Origin": other, "Sec-Fetch-Site": "same-site"})
    assert resp.status_code == 403
    resp = httpx.get(
        f"{gw.url}/ths/buy",
        params={"stock_code": "600000", "amount": 100},
        headers={"Sec-Fetch-Site": "same-site"},
    )
    assert resp.json()["status"] == -1
    assert httpx.post(f"{gw.api}/buy", json=ORDER, headers={"Origin": "null"}).status_code == 403
    assert entrusts(gw) == []


def test_image_tag_cannot_buy_through_the_ths_dialect(gw: Served) -> None:
    params = {"stock_code": "600000", "amount": "max"}
    resp = httpx.get(f"{gw.url}/ths/buy", params=params, headers=IMG_FROM_ANOTHER_SITE)
    assert resp.json() == {"status": -1, "message": resp.json()["message"]}
    assert "拒绝跨站请求" in resp.json()["message"]
    assert entrusts(gw) == []
    # The same GET from a script (no browser headers) is the ths dialect's documented way to trade.
    placed = httpx.get(f"{gw.url}/ths/buy", params={"stock_code": "600000", "price": 8.75, "amount": 100})
    assert placed.json()["status"] == 1, placed.text
    assert len(entrusts(gw)) == 1


def test_the_gateways_own_pages_and_the_users_navigation_pass(gw: Served) -> None:
    same = {"Origin": own_origin(gw), "Sec-Fetch-Site": "same-origin"}
    resp = httpx.post(f"{gw.api}/buy", json=ORDER, headers=same)
    assert resp.status_code == 200, resp.text
    localhost = own_origin(gw).replace("127.0.0.1", "localhost")
    resp = httpx.get(f"{gw.api}/balance", headers={"Host": localhost[7:], "Origin": localhost})
    assert resp.status_code == 200
    typed = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert httpx.get(f"{gw.url}/ths/balance", headers=typed).json()["status"] == 1


def test_a_configured_origin_may_call_with_cors(tmp_path: Path, clock: ManualClock) -> None:
    dash = "http://dash.local:8080"
    token = "a-token-for-the-cors-test-0123456789"
    with serve(Settings(data_dir=tmp_path, cors_origins=[dash], token=token), clock) as s:
        preflight = httpx.options(
            f"{s.api}/buy",
            headers={
                "Origin": dash,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == dash
        auth = {"Authorization": f"Bearer {token}", "Origin": dash, "Sec-Fetch-Site": "cross-site"}
        resp = httpx.post(f"{s.api}/buy", json=ORDER, headers=auth)
        assert resp.status_code == 200 and resp.headers["access-control-allow-origin"] == dash
        other = {**auth, "Origin": "http://dash.local:8081"}
        assert httpx.post(f"{s.api}/buy", json=ORDER, headers=other).status_code == 403


# ---- JSON only ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_state_changes_need_a_json_body_even_from_scripts(gw: Served, kind: str) -> None:
    for path, body in STATE_CHANGES:
        resp = post(gw.url + path, kind, body)
        assert resp.status_code == 415, (path, resp.text)
        assert "application/json" in resp.text
    assert entrusts(gw) == []


def test_a_bare_post_and_json_with_a_charset_pass(gw: Served) -> None:
    resp = httpx.post(f"{gw.api}/cancel-all-entrusts")  # no body, no content type: nothing to misread
    assert resp.status_code == 200, resp.text
    resp = httpx.post(
        f"{gw.api}/buy",
        content=json.dumps(ORDER).encode(),
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert resp.status_code == 200, resp.text


def test_the_ths_dialect_keeps_forms_and_json(gw: Served) -> None:
    form = httpx.post(f"{gw.url}/ths/buy", data={"stock_code": "600000", "price": "8.75", "amount": "100"})
    assert form.json()["status"] == 1, form.text
    body = httpx.post(f"{gw.url}/ths/buy", json={"stock_code": "600000", "price": 8.75, "amount": 100})
    assert body.json()["status"] == 1, body.text


def test_the_easytrader_root_is_json_only_too(tmp_path: Path, clock: ManualClock) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False), clock, "easytrader") as s:
        resp = httpx.post(f"{s.url}/buy", data={"security": "600000", "price": "8.75", "amount": "100"})
        assert resp.status_code == 415 and "application/json" in resp.json()["error"]
        assert httpx.post(f"{s.url}/buy", json=ORDER).status_code == 201


# ---- Host: DNS rebinding ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/api/trader/balance", "/api/journal/export", "/api/trader/today-entrusts", "/health", "/"]
)
def test_a_foreign_host_is_refused(gw: Served, path: str) -> None:
    resp = httpx.get(gw.url + path, headers={"Host": "evil.example.com:5000"})
    assert resp.status_code == 421 and "evil.example.com" in resp.json()["message"]
    assert "资金" not in resp.text


def test_the_ths_dialect_refuses_a_foreign_host_in_its_envelope(gw: Served) -> None:
    resp = httpx.get(f"{gw.url}/ths/balance", headers={"Host": "evil.example.com"})
    assert resp.json()["status"] == -1 and "--allowed-host" in resp.json()["message"]


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.1:5000",
        "localhost:1234",
        "LOCALHOST",
        "127.9.8.7:80",
        "[::1]:5000",
        "localhost.",
    ],
)
def test_loopback_hosts_with_any_port_pass(gw: Served, host: str) -> None:
    assert httpx.get(f"{gw.api}/balance", headers={"Host": host}).status_code == 200


def test_allowed_hosts_pass(tmp_path: Path, clock: ManualClock) -> None:
    with serve(Settings(data_dir=tmp_path, allowed_hosts=["gw.lan", "192.168.1.20"]), clock) as s:
        for host in ("gw.lan", "GW.lan:8443", "192.168.1.20:5000"):
            assert httpx.get(f"{s.api}/balance", headers={"Host": host}).status_code == 200, host
        assert httpx.get(f"{s.api}/balance", headers={"Host": "gw.lan.evil.example"}).status_code == 421
        assert httpx.get(f"{s.api}/balance", headers={"Host": "192.168.1.21"}).status_code == 421


# ---- security headers -----------------------------------------------------------------------------------
def test_dashboard_headers_forbid_inline_code_framing_and_referrers(gw: Served) -> None:
    page = httpx.get(gw.url + "/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    for name in ("script-src", "style-src"):
        assert directives[name].startswith("'self'") and "unsafe" not in directives[name]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    api = httpx.get(f"{gw.api}/balance")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert api.headers["x-content-type-options"] == "nosniff"
    refused = httpx.get(f"{gw.api}/balance", headers={"Host": "evil.example"})
    assert refused.headers["x-content-type-options"] == "nosniff"  # refusals carry them too


def test_pages_need_no_token_data_does(tmp_path: Path, clock: ManualClock) -> None:
    token = "a-token-for-the-page-test-0123456789"
    with serve(Settings(data_dir=tmp_path, token=token), clock) as s:
        assert httpx.get(s.url + "/").status_code == 200
        assert httpx.get(s.url + "/openapi.json").status_code == 200
        assert httpx.get(f"{s.api}/balance").status_code == 401
        assert httpx.post(s.url + "/", json={}).status_code == 401  # only reading a page is public
        assert httpx.get(f"{s.api}/balance", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# ---- the freeze ------------------------------------------------------------------------------------------
def test_a_huge_exponent_is_refused_and_never_freezes_the_process(tmp_path: Path) -> None:
    """``amount=1e9999999`` used to be turned into an int: hours under the GIL, the whole gateway frozen.

    The real CLI in its own process (a freeze in a thread of this process would freeze the test too).
    The bad request runs on a thread; /ping is asked meanwhile and must be answered (its client
    timeout only bounds a frozen server, it asserts nothing about speed). Then the bad one must be a
    refusal.
    """
    answers: dict[str, httpx.Response] = {}
    with serve_process(tmp_path, "--data-dir", str(tmp_path / "data")) as (url, _):

        def bad() -> None:
            params = {"stock_code": "600000", "price": "8.75", "amount": "1e9999999"}
            answers["bad"] = httpx.get(f"{url}/ths/buy", params=params, timeout=60)

        thread = threading.Thread(target=bad, daemon=True)
        thread.start()
        ping = httpx.get(f"{url}/ping", timeout=30)
        assert ping.json()["message"] == "pong"
        thread.join(60)
        reason = "委托数量不符合规则：数量须为正整数，数字过大或位数过多，最多20位"
        assert answers["bad"].json() == {"status": -1, "message": reason}
        for amount in ("1e999999", 1e308, "9" * 5000):
            resp = httpx.post(f"{url}/api/trader/buy", json={**ORDER, "amount": amount}, timeout=30)
            assert resp.status_code == 400 and "委托数量不符合规则" in resp.json()["message"], resp.text
        assert httpx.get(f"{url}/api/trader/today-entrusts").json()["data"] == []


# ---- WebSockets --------------------------------------------------------------------------------------
def test_websockets_pass_the_same_checks(tmp_path: Path, clock: ManualClock) -> None:
    """A page may open a WebSocket to any address (the browser only adds Origin). No WebSocket server
    library is installed with uvicorn here, so this one runs the ASGI app in Starlette's test client."""
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    from ashare_gateway.api import create_app
    from ashare_gateway.gateway import build_gateway

    token = "a-token-for-the-websocket-test-0123"
    gateway = build_gateway(Settings(data_dir=tmp_path, token=token), clock=clock)
    app = create_app(gateway)

    @app.websocket("/api/test-socket")
    async def socket(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("hello")
        await ws.close()

    try:
        with TestClient(app, base_url="http://127.0.0.1:5000") as client:
            local = {"Host": "127.0.0.1:5000"}  # the test client's sockets say "testserver" otherwise
            with client.websocket_connect(f"/api/test-socket?token={token}", headers=local) as ws:
                assert ws.receive_text() == "hello"  # a script with the token
            refused = [
                ({**local, "Origin": EVIL}, f"?token={token}"),  # another page, even with the token
                ({"Host": "evil.example.com"}, f"?token={token}"),  # DNS rebinding
                (local, ""),  # no token
            ]
            for headers, query in refused:
                url = f"/api/test-socket{query}"
                with pytest.raises(WebSocketDisconnect), client.websocket_connect(url, headers=headers) as ws:
                    ws.receive_text()
    finally:
        gateway.close()
