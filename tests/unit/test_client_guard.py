"""The service's guard asks brokers the ``ChecksClient`` question without ``isinstance`` (issue 15):
the answer must stay the protocol's own, and a mismatching client must still be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ashare_gateway.brokers.base import Operation
from ashare_gateway.brokers.client_check import ChecksClient, ClientMismatch, Guarded, checks_client
from ashare_gateway.brokers.sim.exchange import SimExchange
from ashare_gateway.brokers.ths.adapter import XiadanBroker
from ashare_gateway.service import client_guard


class _Mismatched:
    """A client whose connect-time check stopped cancels (the shape of ``FingerprintMixin``)."""

    def refusal(self, guarded: Guarded) -> ClientMismatch | None:
        return (
            ClientMismatch("客户端与布局不符：撤单页缺少“撤单”按钮") if guarded is Guarded.CANCELS else None
        )

    def client_report(self) -> dict:
        return {}


class _HalfShaped:
    refusal = None  # a member present but None is not the protocol (as isinstance says)

    def client_report(self) -> dict:
        return {}


def test_the_predicate_agrees_with_the_protocol(tmp_path: Path) -> None:
    exchange = SimExchange(tmp_path / "paper.sqlite3")
    paper = exchange.broker(exchange.ensure_demo_account())
    xiadan = XiadanBroker.__new__(XiadanBroker)  # the class's members only: no client is attached
    for broker in (paper, xiadan, _Mismatched(), _HalfShaped(), object()):
        assert checks_client(broker) == isinstance(broker, ChecksClient), type(broker).__name__
    assert checks_client(xiadan) and not checks_client(paper)
    exchange.db.dispose()


def test_a_mismatching_client_is_refused_before_the_lane() -> None:
    with pytest.raises(ClientMismatch, match="撤单"):
        client_guard.refuse_operation(_Mismatched(), Operation.CANCEL)
    client_guard.refuse_operation(_Mismatched(), Operation.BALANCE)  # reads are not stopped by it
