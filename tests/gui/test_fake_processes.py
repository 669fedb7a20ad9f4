"""Several fake xiadan.exe on one fake desktop: same title, different pids, each found by its process.

Two clients of the same build show the same main-window title, so a driver finds its client by exe path
(→ pid → that process's windows); by title only when exactly one process shows it. Real adapters over
real fake clients, each trading on its own paper account.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.brokers.ths.layouts import layout_for
from ashare_gateway.domain.errors import BrokerUnavailable
from ashare_gateway.simulators.processes import FakeProcesses, ProcessDriver
from ashare_gateway.simulators.xiadan_factory import make_fake_xiadan_broker
from tests.gui.conftest import FAST, PASSWORD

EXE_A, EXE_B = r"C:\htzqzyb2_A\xiadan.exe", r"C:\htzqzyb2_B\xiadan.exe"


@pytest.fixture
def two(exchange):
    """Two running, logged-in fake clients on one desktop: A trades on account 'gui', B on 'other'."""
    exchange.create_account("other", PASSWORD, cash=Decimal("300000"))
    table = FakeProcesses()
    a = make_fake_xiadan_broker(exchange.broker("gui"), "ht", exe_path=EXE_A, timeouts=FAST, processes=table)
    b = make_fake_xiadan_broker(
        exchange.broker("other"), "ht", exe_path=EXE_B, timeouts=FAST, processes=table
    )
    yield table, a, b
    for broker in (a, b):
        assert broker.driver.misuse == [], broker.driver.misuse


def finder(table: FakeProcesses, *exes: str) -> XiadanBroker:
    """A broker that has not found its client yet: it looks it up on the desktop, as a fresh gateway does."""
    return XiadanBroker(
        ProcessDriver(table),
        layout_for("ht"),
        timeouts=FAST,
        kind="xiadan-fake",
        path_exists=lambda p: p in exes,
    )


def test_same_title_different_pids_each_broker_drives_its_own(two) -> None:
    table, a, b = two
    a.connect(EXE_A)
    b.connect(EXE_B)
    assert a.driver.pid != b.driver.pid
    titles = {pid: [w.title for w in table.get(pid).top_windows()] for pid in (a.driver.pid, b.driver.pid)}
    assert titles[a.driver.pid] == titles[b.driver.pid]  # indistinguishable by title
    assert a.balance().total_assets != b.balance().total_assets
    assert b.balance().cash == Decimal("300000")


def test_found_by_exe_path_never_the_other_client(two) -> None:
    table, _, _ = two
    found = finder(table, EXE_A, EXE_B)
    found.connect(EXE_B)
    assert found.driver.pid == table.by_exe(EXE_B)[0]
    assert found.balance().cash == Decimal("300000")  # B's account, not A's


def test_by_title_alone_two_clients_are_refused_one_is_found(two) -> None:
    table, a, b = two
    with pytest.raises(BrokerUnavailable) as refused:
        finder(table).connect(None)  # no exe path known: only the title is left
    pids = sorted(table.by_title(layout_for("ht").main_title_re))
    assert len(pids) == 2
    assert refused.value.message.startswith(f"找到2个标题相同的客户端窗口（进程 {pids[0]}、{pids[1]}）")
    b.driver.process.kill()
    alone = finder(table)
    alone.connect(None)  # one client shows the title now: that one is found
    assert alone.driver.pid == a.driver.pid
