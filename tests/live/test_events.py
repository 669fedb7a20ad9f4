"""The live event stream over real HTTP: SSE with Last-Event-ID resume, the WebSocket, the sources."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from ashare_gateway.client import GatewayClient
from ashare_gateway.config import Settings
from ashare_gateway.domain.models import OrderRequest, Side
from tests.conftest import Served, serve

from .sse import Received, SSEReader

TOKEN = "events-token"


@pytest.fixture
def live(tmp_path: Path, clock) -> Iterator[Served]:
    with serve(Settings(data_dir=tmp_path, demo_market=False, events_poll=0.1), clock) as s:
        yield s


def kinds(events: list[Received]) -> list[tuple[str, str | None]]:
    return [(e.event, e.data.get("合同编号")) for e in events]


def has_all(expected: set[tuple[str, str | None]]):
    return lambda got: expected <= set(kinds(got))


def test_place_fill_cancel_seen_once_in_order_across_a_reconnect(live: Served) -> None:
    watch = live.gateway.live.watch
    first = SSEReader(f"{live.url}/api/events")
    assert first.response.headers["content-type"].startswith("text/event-stream")
    with GatewayClient(live.url) as gw:
        a = gw.buy("600000", "8.75", 100).contract_no  # marketable: fills at once
        b = gw.buy("600000", "8.00", 100).contract_no  # rests
        got1 = first.until(
            has_all(
                {
                    ("order.accepted", a),
                    ("order.accepted", b),
                    ("order.fill", a),
                    ("order.status", a),
                    ("order.status", b),
                }
            )
        )
        first.close()
        watch._thread.join(10)  # the poller stops once nobody listens ...
        polls = watch.polls
        gw.cancel(b)  # ... and these happen while nobody listens
        c = gw.buy("600000", "8.75", 200).contract_no
        assert watch.polls == polls  # no client reads for events while nobody listens

    second = SSEReader(f"{live.url}/api/events", headers={"Last-Event-ID": str(got1[-1].id)})
    got2 = second.until(
        has_all({("order.accepted", c), ("order.fill", c), ("order.cancelled", b), ("order.status", c)})
    )
    second.close()

    every = got1 + got2
    ids = [e.id for e in every]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # in order, none twice
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # and none lost across the reconnect
    seen = kinds(every)
    for key in [("order.accepted", a), ("order.fill", a), ("order.cancelled", b), ("order.fill", c)]:
        assert seen.count(key) == 1, key
    statuses = [(e.data["合同编号"], e.data["status"]) for e in every if e.event == "order.status"]
    assert (a, "已成") in statuses and (b, "已报") in statuses and (b, "已撤") in statuses
    fill = next(e for e in every if e.event == "order.fill" and e.data["合同编号"] == a)
    assert fill.data["amount"] == 100 and float(fill.data["price"]) <= 8.75  # a limit buy fills at or below
    assert float(fill.data["fees"]["total"]) > 0
    for e in every:  # contract 2: id, type, time, account in every data object
        assert e.data["id"] == e.id and e.data["type"] == e.event and e.data["time"] and e.data["account"]
    assert seen.index(("order.accepted", a)) < seen.index(("order.fill", a))


def test_rejections_kill_switch_and_reconciliation_are_events(live: Served) -> None:
    reader = SSEReader(f"{live.url}/api/events")
    with httpx.Client(base_url=live.url, timeout=30) as http:
        http.post("/api/admin/kill-switch", json={"on": True})
        refused = http.post("/api/trader/buy", json={"security": "600000", "price": 8.0, "amount": 100})
        assert refused.status_code == 400
        http.post("/api/admin/kill-switch", json={"on": False})
    got = reader.until(lambda g: [e.event for e in g].count("killswitch") == 2)
    assert [e.event for e in got] == ["killswitch", "order.rejected", "killswitch"]
    assert got[0].data["on"] is True and got[2].data["on"] is False
    assert got[1].data["message"] == refused.json()["message"]
    # An order whose outcome a crash lost (journalled as sent, never at the broker) is settled
    gw = live.gateway
    account = gw.service.clients.all()[0].account
    req = OrderRequest(code="600000", side=Side.BUY, amount=100, price=None)
    gw.journal.record(account=account, broker="sim", key="lost-1", req=req, dry_run=False, state="sent")
    assert gw.service.reconcile_all() == 1
    settled = reader.until(lambda g: any(e.event == "order.reconciled" for e in g))
    assert settled[-1].data["state"] == "failed" and settled[-1].data["idempotency_key"] == "lost-1"
    reader.close()


def _ws_open(url: str, *, host: str | None = None, **options):
    """A WebSocket handshake to ``url``; with ``host`` the request names that Host while the socket
    still goes to the gateway's loopback port (what a DNS-rebinding page's browser sends)."""
    if host is None:
        return ws_connect(url, open_timeout=10, **options)
    port = int(url.split(":")[2].split("/")[0])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ws_connect(url.replace("127.0.0.1", host), sock=sock, open_timeout=10, **options)


def test_websocket_outside_the_allow_list_is_refused(tmp_path: Path, clock) -> None:
    settings = Settings(data_dir=tmp_path, demo_market=False, allow_ips=["10.0.0.0/8"], token=TOKEN)
    with serve(settings, clock) as s:
        ws_url = s.url.replace("http://", "ws://") + "/api/events/ws"
        with pytest.raises(InvalidStatus) as refusal:
            _ws_open(ws_url, additional_headers={"Authorization": f"Bearer {TOKEN}"}).close()
        assert refusal.value.response.status_code == 403


def test_a_bad_last_event_id_is_a_400(live: Served) -> None:
    resp = httpx.get(f"{live.url}/api/events", headers={"Last-Event-ID": "abc"})
    assert resp.status_code == 400 and "Last-Event-ID 格式错误" in resp.json()["message"]


def test_websocket_resumes_and_keeps_the_perimeter(tmp_path: Path, clock) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False, events_poll=0.1, token=TOKEN), clock) as s:
        ws_url = s.url.replace("http://", "ws://") + "/api/events/ws"
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        refused = {
            "no token": {},
            "a wrong token": {"additional_headers": {"Authorization": f"Bearer {TOKEN}-not"}},
            "a page on another site": {"origin": "http://evil.example", "additional_headers": bearer},
            "a foreign Host (DNS rebinding)": {"additional_headers": bearer, "host": "evil.example.com"},
        }
        for why, options in refused.items():
            with pytest.raises(InvalidStatus) as refusal:
                _ws_open(ws_url, **options).close()
            assert refusal.value.response.status_code == 403, why
        with _ws_open(ws_url, origin=s.url, additional_headers=bearer) as ws:  # the gateway's own page
            ws.send("hello")  # accepted: the perimeter let it through
        with GatewayClient(s.url, token=TOKEN) as gw:
            before = gw.buy("600000", "8.00", 100).contract_no
            with ws_connect(
                ws_url + "?last_event_id=0", additional_headers={"Authorization": f"Bearer {TOKEN}"}
            ) as ws:
                first = json.loads(ws.recv(timeout=30))
                assert first["type"] == "order.accepted" and first["合同编号"] == before  # replayed from 0
                after = gw.buy("600000", "8.01", 100).contract_no
                seen = [json.loads(ws.recv(timeout=30)) for _ in range(2)]
        assert ("order.accepted", after) in [(m["type"], m.get("合同编号")) for m in seen]
        assert all(m["id"] > first["id"] for m in seen)
