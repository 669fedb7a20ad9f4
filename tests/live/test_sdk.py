"""The Python SDK against a served gateway: typed results, typed errors, keyed retries, sessions."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from ashare_gateway.client import (
    AsyncGatewayClient,
    Balance,
    Conflict,
    GatewayClient,
    GatewayUnreachable,
    InvalidRequest,
    SessionError,
    TokenError,
)
from ashare_gateway.config import Settings
from tests.conftest import Served, serve

from .dropping_proxy import DroppingProxy


def test_queries_are_typed_with_decimal_money(served: Served) -> None:
    with GatewayClient(served.url) as gw:
        bal = gw.balance()
        assert isinstance(bal, Balance) and isinstance(bal.available, Decimal)
        assert bal.total_assets == bal.cash + bal.market_value
        pos = {p.code: p for p in gw.positions()}
        assert pos["600000"].quantity == 1000 and pos["600000"].cost_price == Decimal("8.5")
        q = gw.quote("600000")
        assert q.code == "600000" and isinstance(q.last, Decimal) and q.asks and q.limit_up > q.limit_down
        assert gw.session_status().is_auto_login


def test_orders_cancel_and_tables(served: Served) -> None:
    with GatewayClient(served.url) as gw:
        filled = gw.buy("600000", Decimal("8.75"), 200)
        resting = gw.buy("600000", "8.00", 100)
        assert filled.contract_no and resting.contract_no
        assert filled.idempotency_key != resting.idempotency_key
        entrusts = {e.contract_no: e for e in gw.today_entrusts()}
        assert entrusts[resting.contract_no].price == Decimal("8.00")
        assert entrusts[filled.contract_no].status == "已成"
        trades = gw.today_trades()
        assert [t.contract_no for t in trades] == [filled.contract_no]
        assert trades[0].amount == trades[0].price * 200 and trades[0].fees > 0
        assert [e.contract_no for e in gw.cancelable_entrusts()] == [resting.contract_no]
        assert gw.cancel(resting.contract_no) == resting.contract_no
        gw.buy("600000", "8.01", 100)
        assert gw.cancel_all() == 1
        assert gw.market_buy("600000", 100).contract_no
        ipo = gw.auto_ipo()
        assert ipo.entitled == 2 and [a.code for a in ipo.applied] == ["787001", "001366"]


def test_errors_carry_the_spec_code_and_message(served: Served) -> None:
    with GatewayClient(served.url) as gw:
        with pytest.raises(InvalidRequest) as bad:
            gw.buy("600000", "8.75", 150)
        assert bad.value.code == 400 and "委托数量不符合规则" in bad.value.message
        with pytest.raises(ValueError, match="委托价格格式错误"):  # refused before anything is sent
            gw.buy("600000", "8.7501", 100)
        gw.buy("600000", "8.75", 100, key="mine-1")
        with pytest.raises(Conflict) as clash:
            gw.buy("600000", "8.76", 100, key="mine-1")
        assert clash.value.code == 409
    with GatewayClient(served.url, session_id="nope") as gw, pytest.raises(SessionError) as lost:
        gw.balance()
    assert lost.value.code == 401 and "会话" in lost.value.message


def test_explicit_sessions(served: Served) -> None:
    with GatewayClient(served.url) as gw:
        sid = gw.connect()
        assert gw.session_id == sid and gw.session_status().session_id == sid
        gw.exit()
        assert gw.session_id is None
        with GatewayClient(served.url, session_id=sid) as old, pytest.raises(SessionError):
            old.balance()


def test_a_lost_answer_is_retried_with_the_same_key_and_orders_once(served: Served) -> None:
    with DroppingProxy(served.url, "/api/trader/buy", drops=1).running() as proxy:
        with GatewayClient(proxy.url) as gw:
            result = gw.buy("600000", "8.00", 100)
        sent = [h for path, h in proxy.seen if path == "/api/trader/buy"]
        assert len(sent) == 2  # the first answer was lost, so the SDK asked again ...
        keys = {h.get("idempotency-key") or h.get("Idempotency-Key") for h in sent}
        assert keys == {result.idempotency_key}  # ... with the same key
    with GatewayClient(served.url) as gw:
        orders = [e for e in gw.today_entrusts() if e.price == Decimal("8.00")]
    assert [e.contract_no for e in orders] == [result.contract_no]  # and the broker has one order


def test_a_cancel_is_not_retried_once_sent(served: Served) -> None:
    with GatewayClient(served.url) as gw:
        no = gw.buy("600000", "8.00", 100).contract_no
    with DroppingProxy(served.url, "/api/trader/cancel-entrust", drops=1).running() as proxy:
        with GatewayClient(proxy.url) as gw, pytest.raises(GatewayUnreachable):
            gw.cancel(no)
        assert [p for p, _ in proxy.seen].count("/api/trader/cancel-entrust") == 1


def test_the_token_is_sent_as_bearer(tmp_path: Path, clock) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False, token="s3cret-token-0123"), clock) as s:
        with GatewayClient(s.url) as anon, pytest.raises(TokenError) as refused:
            anon.balance()
        assert refused.value.code == 401
        with GatewayClient(s.url, token="s3cret-token-0123") as gw:
            assert gw.balance().available > 0


def test_nothing_listening_is_unreachable() -> None:
    with GatewayClient("http://127.0.0.1:9", retries=1) as gw, pytest.raises(GatewayUnreachable):
        gw.balance()


def test_async_client(served: Served) -> None:
    async def run() -> tuple[Decimal, str, int]:
        async with AsyncGatewayClient(served.url) as gw:
            bal, q = await asyncio.gather(gw.balance(), gw.quote("000001"))
            order = await gw.buy("600000", "8.00", 100)
            return bal.available, q.code, await gw.cancel_all() + len(order.contract_no) * 0

    available, code, cancelled = asyncio.run(run())
    assert available > 0 and code == "000001" and cancelled == 1
