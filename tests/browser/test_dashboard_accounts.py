"""The dashboard's account switcher in a real browser, against a gateway with two paper accounts."""

from __future__ import annotations

from pathlib import Path

import httpx

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.accounts_ini import account, config_ini, write_config
from tests.browser.conftest import screenshot
from tests.conftest import TRADING_MORNING, serve

CONFIG = config_ini(
    account("p1", user=770001, password="pw1", comm_password="cp1"),
    account("p2", user=770002, password="pw2", comm_password="cp2", opening_cash=500000),
)


def test_the_switcher_shows_each_accounts_own_books(tmp_path: Path, page) -> None:
    config = write_config(tmp_path, CONFIG)
    settings = Settings(data_dir=tmp_path, demo_market=False, config_path=config)
    with serve(settings, ManualClock(TRADING_MORNING)) as served:
        order = {"security": "600000", "price": 8.75, "amount": 100}
        placed = httpx.post(f"{served.url}/accounts/p2/api/trader/buy", json=order).json()["data"]
        total = {
            n: httpx.get(f"{served.url}/accounts/{n}/api/trader/balance").json()["data"]["总资产"]
            for n in ("p1", "p2")
        }
        assert total["p1"] != total["p2"]
        page.goto(served.url + "/")
        page.wait_for_selector("#account-switch:not([hidden])")
        options = page.eval_on_selector_all("#account-switch option", "os => os.map(o => o.value)")
        assert options == ["p1", "p2"]
        page.locator("#balance", has_text=f"{total['p1']:,.2f}").wait_for()  # p1, the first, is shown
        assert "account=p1" in page.url
        assert placed["合同编号"] not in page.inner_text("#entrusts")
        page.select_option("#account-switch", "p2")
        page.locator("#balance", has_text=f"{total['p2']:,.2f}").wait_for()
        page.locator("#entrusts", has_text=placed["合同编号"]).wait_for()
        assert "account=p2" in page.url
        screenshot(page, "dashboard-account-p2")
        page.reload()  # the choice is in the address: a reload stays on p2
        page.locator("#entrusts", has_text=placed["合同编号"]).wait_for()
        assert page.input_value("#account-switch") == "p2"
