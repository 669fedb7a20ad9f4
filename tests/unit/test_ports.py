"""The test harness's ports (tests/ports.py): never where the kernel hands out ports, never shared."""

from __future__ import annotations

import socket

from tests import ports


def test_ports_are_outside_the_ephemeral_range_and_never_handed_out_twice() -> None:
    ephemeral = ports._ephemeral()
    handed = [ports.free_port() for _ in range(20)]
    assert len(set(handed)) == 20
    assert not any(p in ephemeral for p in handed)


def test_a_port_someone_listens_on_is_skipped() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports.free_port() + 1))
        taken.listen()
        busy = taken.getsockname()[1]
        assert ports.free_port() != busy


def test_two_workers_never_share_a_port(monkeypatch) -> None:
    slices = []
    for worker in ("gw0", "gw1"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        slices.append(set(ports._candidates()))
    assert slices[0] and slices[1] and not slices[0] & slices[1]
