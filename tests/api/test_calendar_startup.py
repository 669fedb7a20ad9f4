"""With real trading hours the trading calendar is loaded at start-up, not by the first order (issue 15).

Why it matters: loading the XSHG calendar (exchange_calendars, pandas, holidays) takes ~1.3 s; paid by the
first order, it turns a strategy's opening order into a timeout. The check is behavioural: once the
gateway is up, the calendar packages are made unimportable, and orders on several days (inside the
announced data and past it, where the holidays package decides) must still be answered.
"""

from __future__ import annotations

import sys

import httpx
import pytest

from tests.conftest import Served

CALENDAR_PACKAGES = ("exchange_calendars", "holidays", "pandas")


def _buy(api: httpx.Client) -> dict:
    resp = api.post("/buy", json={"security": "600000", "price": 8.75, "amount": 100})
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


def test_orders_need_no_calendar_loading_after_start_up(
    served: Served, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not served.gateway.exchange.calendar.always_open  # the fixture runs real hours
    for name in CALENDAR_PACKAGES:
        monkeypatch.setitem(sys.modules, name, None)  # any `import name` from now on raises ImportError
    assert _buy(api)["合同编号"]
    served.clock.set("2026-11-23 10:00:00")  # the next Monday: another day's sessions
    assert _buy(api)["合同编号"]
    served.clock.set("2031-03-04 10:00:00")  # past the announced data: the holidays package's rules
    assert _buy(api)["合同编号"]
