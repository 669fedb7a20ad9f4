"""Webhooks against a local receiver: signatures over the raw body, retries with backoff, never blocking
the order path, and a pending delivery retried after a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ashare_gateway.client import GatewayClient
from ashare_gateway.config import Settings
from tests.conftest import serve

SECRET = "hook-secret"


@dataclass
class Receiver:
    fail_first: int = 0  # answer 500 to this many requests first
    release: threading.Event = field(default_factory=threading.Event)  # answers wait for this
    got: queue.Queue = field(default_factory=queue.Queue)  # (status answered, headers, raw body)
    url: str = ""


@contextmanager
def receiver(rx: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            rx.release.wait(30)
            status = 500 if rx.fail_first > 0 else 204
            rx.fail_first -= 1
            rx.got.put((status, dict(self.headers), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rx.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rx
    finally:
        rx.release.set()
        server.shutdown()
        server.server_close()


def config(tmp_path: Path, url: str, **extra: str) -> Path:
    values = {"urls": url, "secret": SECRET, "backoff": "0.05", "events": "order.accepted", **extra}
    lines = ["[webhooks]", *(f"{k} = {v}" for k, v in values.items())]
    path = tmp_path / "config.ini"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_signature(headers: dict, body: bytes) -> str:
    stamp = headers["X-Ashare-Timestamp"].encode()
    return "sha256=" + hmac.new(SECRET.encode(), stamp + b"." + body, hashlib.sha256).hexdigest()


def test_signed_retried_and_never_blocking(tmp_path: Path, clock) -> None:
    with receiver(Receiver(fail_first=2)) as rx:
        settings = Settings(data_dir=tmp_path, demo_market=False, config_path=config(tmp_path, rx.url))
        with serve(settings, clock) as s, GatewayClient(s.url, retries=0) as gw:
            # The receiver holds every answer until released: an order that waited for its webhook
            # would never return here.
            order = gw.buy("600000", "8.00", 100)
            rx.release.set()
            attempts = [rx.got.get(timeout=30) for _ in range(3)]
        assert [a[0] for a in attempts] == [500, 500, 204]  # failed twice, retried, delivered
        for _, headers, body in attempts:
            assert headers["X-Ashare-Signature"] == expected_signature(headers, body)
            assert headers["X-Ashare-Event"] == "order.accepted"
        bodies = {body for _, _, body in attempts}
        assert b'"demo"' in attempts[0][2] and len(bodies) == 1  # the same event each time
        event = json.loads(bodies.pop())
        assert event["合同编号"] == order.contract_no and event["type"] == "order.accepted"
        assert {h["X-Ashare-Event-Id"] for _, h, _ in attempts} == {str(event["id"])}
        tampered = attempts[0][2].replace(b'"demo"', b'"evil"')
        assert expected_signature(attempts[0][1], tampered) != attempts[0][1]["X-Ashare-Signature"]


def test_a_failed_delivery_is_kept_and_retried_after_a_restart(tmp_path: Path, clock) -> None:
    rx = Receiver(fail_first=10**6)
    rx.release.set()
    with receiver(rx):
        ini = config(tmp_path, rx.url, backoff="1000")  # first retry far away: only a restart retries it
        settings = Settings(data_dir=tmp_path, demo_market=False, config_path=ini)
        with serve(settings, clock) as s, GatewayClient(s.url) as gw:
            gw.buy("600000", "8.00", 100)
            assert rx.got.get(timeout=30)[0] == 500
            s.gateway.live.webhooks.close()  # waits for the attempt's outcome to be written
            rows = s.gateway.live.webhooks.deliveries()
            assert [(r["state"], r["attempts"]) for r in rows] == [("pending", 1)]
        rx.fail_first = 0
        settings = Settings(data_dir=tmp_path, demo_market=False, config_path=config(tmp_path, rx.url))
        with serve(settings, clock) as s:
            status, headers, _ = rx.got.get(timeout=30)  # retried by the new process without a new event
            assert status == 204 and headers["X-Ashare-Event"] == "order.accepted"
            s.gateway.live.webhooks.close()
            rows = s.gateway.live.webhooks.deliveries()
            assert [(r["state"], r["attempts"]) for r in rows] == [("delivered", 2)]
