"""``client.restarted`` and ``client.locked`` on the event stream (SSE over HTTP), from the fake xiadan.

The fake desktop has a made-up pid that changes with every start and a Windows-session lock switch
(``lock_desktop``: Win+L, a screen saver, an RDP session closed); the real driver reads the pid from the
attached process and the lock from WTS/OpenInputDesktop (``desktop/win32_session.py``).
"""

from __future__ import annotations

from pathlib import Path

from ashare_gateway.brokers.base import Credentials
from ashare_gateway.config import Settings
from ashare_gateway.desktop.waiting import wait_until
from tests.conftest import serve

from .sse import SSEReader


def _passes(watch, n: int) -> None:
    """Let the watcher look ``n`` more times (each look reads 当日成交 and 当日委托)."""
    target = watch.polls + 2 * n
    wait_until(lambda: watch.polls >= target, timeout=30, what="事件轮询")


def _types(got) -> list[str]:
    return [e.event for e in got]


def test_a_restarted_client_and_a_locked_desktop_are_events(tmp_path: Path, clock) -> None:
    settings = Settings(
        data_dir=tmp_path,
        demo_market=False,
        broker="xiadan-fake",
        events_poll=0.1,
        credentials=Credentials(user="h25-events", password="a-paper-password", comm_password="123456"),
    )
    with serve(settings, clock) as s:
        [handle] = s.gateway.service.clients.all()
        fake = handle.broker.driver
        first_pid = fake.process_id()
        reader = SSEReader(f"{s.url}/api/events")
        try:
            fake.lock_desktop("工作站已锁定（锁屏）")
            locked = reader.until(lambda g: "client.locked" in _types(g))[-1]
            assert locked.data["locked"] is True and locked.data["reason"] == "工作站已锁定（锁屏）"
            assert locked.data["account"] == "h25-events" and locked.data["pid"] == first_pid
            _passes(s.gateway.live.watch, 3)  # still locked on later passes: no second event for it
            fake.unlock_desktop()
            unlocked = reader.until(lambda g: "client.locked" in _types(g))[-1]
            assert unlocked.data["locked"] is False

            fake.crash()  # the client dies; the watcher's next read restarts it and logs in again
            restarted = reader.until(lambda g: "client.restarted" in _types(g))[-1]
            assert restarted.data["previous_pid"] == first_pid
            assert restarted.data["pid"] == fake.process_id() != first_pid
            assert restarted.data["broker"] == "xiadan-fake" and restarted.data["account"] == "h25-events"
        finally:
            reader.close()
        # once, not on every pass: a second listener replaying everything sees each event once
        replay = SSEReader(f"{s.url}/api/events", headers={"Last-Event-ID": "0"})
        got = replay.until(lambda g: "client.restarted" in _types(g))
        replay.close()
        client_events = [e.event for e in got if e.event.startswith("client.")]
        assert client_events == ["client.locked", "client.locked", "client.restarted"]


def test_the_paper_broker_has_no_client_events(tmp_path: Path, clock) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False, events_poll=0.1), clock) as s:
        reader = SSEReader(f"{s.url}/api/events")
        with s.client() as api:
            api.post("/buy", json={"security": "600000", "price": 8.0, "amount": 100})
        got = reader.until(lambda g: "order.status" in _types(g))
        reader.close()
        assert not [e for e in got if e.event in ("client.locked", "client.restarted")]
