"""The dashboard's 条件单 panel in a real browser: create through the confirmation, see a refusal's
reason, watch a condition fire live (the event stream refreshes the row), cancel one."""

from __future__ import annotations

from tests.api.test_conditions import at, replayed  # noqa: F401  (the fixture)
from tests.browser.test_dashboard import open_dashboard, wait_text
from tests.conftest import Served


def fill_stop(page, trigger: str, amount: str = "300") -> None:
    page.select_option("#cond-type", "stop_loss")
    page.fill("#cond-security", "600000")
    page.select_option("#cond-side", "sell")
    page.fill("#cond-amount", amount)
    page.fill("#cond-trigger-price", trigger)
    page.select_option("#cond-price-type", "trigger_offset")
    page.fill("#cond-ticks", "2")
    page.click("#cond-create")
    page.click("#confirm-ok")


def test_the_panel_creates_refuses_fires_and_cancels(replayed: Served, page) -> None:  # noqa: F811
    open_dashboard(page, replayed.url)
    page.locator("#conditions-card[data-loaded=yes]").wait_for()
    wait_text(page, "#conditions", "无条件单")
    assert page.is_hidden("#cond-at-row") and page.is_visible("#cond-trigger-price-row")
    page.select_option("#cond-type", "time")
    assert page.is_visible("#cond-at-row") and page.is_hidden("#cond-trigger-price-row")

    fill_stop(page, "8.80")  # above the last 8.70: it would fire at once
    wait_text(page, "#cond-result", "已被现价8.70越过")
    fill_stop(page, "8.45")
    wait_text(page, "#conditions", "等待触发")
    fill_stop(page, "8.20", amount="200")
    page.locator("#conditions tbody tr", has_text="8.20").wait_for()

    row = page.locator("#conditions tbody tr", has_text="8.20")
    row.locator("button", has_text="撤销").click()
    wait_text(page, "#conditions", "撤销")

    at(replayed, "10:01:05")  # 8.40: the 8.45 stop fires; the row updates from the event stream
    page.locator("#conditions tbody tr", has_text="已下单").wait_for()
    fired = page.locator("#conditions tbody tr", has_text="已下单").inner_text()
    assert "≤ 8.45" in fired and "触发价-2档" in fired
