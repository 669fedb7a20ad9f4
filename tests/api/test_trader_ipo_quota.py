"""POST /api/trader/auto-ipo for an account with a quota on some issues only, through the real HTTP app.

The account holds only Shanghai shares, so it may apply for 787001 (SH STAR) but not for 001366 (SZ).
Through the fake xiadan client the adapter must untick the 001366 row after 全选; on the paper broker
the exchange skips it. Both answer which issue was applied for and which was skipped, and why.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from ashare_gateway.domain import messages as msg

from ..conftest import BROKERS, Served

pytestmark = pytest.mark.parametrize("served", BROKERS, indirect=True)

USER, PASSWORD, COMM = "shonly", "sh-pass", "sh-comm"


def test_auto_ipo_applies_only_where_the_account_has_a_quota(served: Served, api: httpx.Client) -> None:
    served.gateway.exchange.create_account(
        USER, PASSWORD, COMM, cash=Decimal("100000"), holdings=(("600000", 2000, Decimal("8.50")),)
    )
    login = api.post("/login", json={"user": USER, "password": PASSWORD, "comm_password": COMM}).json()
    assert login["code"] == 200, login
    sid = login["data"]["session_id"]
    body = api.post("/auto-ipo", params={"session_id": sid}).json()
    assert body["code"] == 200 and body["message"] == "新股申购完成", body
    data = body["data"]
    assert data["可申购新股数量"] == 1
    assert [(r["证券代码"], r["申购数量"]) for r in data["已申购新股"]] == [("787001", 1500)]
    assert data["未申购新股"] == [{"证券代码": "001366", "证券名称": "播恩集团", "原因": msg.IPO_NO_QUOTA}]
    account = served.gateway.exchange.broker(USER).account_id
    assert [r["code"] for r in served.gateway.exchange.ipo_subscriptions(account)] == ["787001"]
