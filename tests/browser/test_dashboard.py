"""The dashboard at / in a real browser (Debian's Chromium, driven by Playwright) against a served gateway."""

from __future__ import annotations

import os
import shutil

import httpx
import pytest

from tests.conftest import Served

CHROMIUM = os.environ.get("ASHARE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# No browser download is possible here: the system Chromium is the browser (.ci/run installs it).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(served: Served):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium for the browser tests")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        # The page's CSP forbids eval, which wait_for_function needs (h17 replaces these waits with locators).
        page = browser.new_page(bypass_csp=True)
        yield page
        browser.close()


def test_dashboard_shows_the_account_and_places_an_order(served: Served, page) -> None:
    page.goto(served.url + "/")
    page.wait_for_selector("#balance dt")
    assert "资金余额" in page.inner_text("#balance")
    positions = page.inner_text("#positions")
    assert "600000" in positions and "浦发银行" in positions
    assert "巨化股份" not in page.inner_text("#quote")
    page.fill("#security", "600000")
    page.fill("#price", "8.75")
    page.fill("#amount", "100")
    page.click("#buy")
    page.wait_for_selector("#message.ok")
    assert "已提交，合同编号" in page.inner_text("#message")
    page.wait_for_function("document.querySelector('#entrusts').innerText.includes('已成')")
    rows = httpx.get(f"{served.api}/today-entrusts").json()["data"]
    assert [r["委托状态"] for r in rows] == ["已成"]


def test_dashboard_shows_refusals_and_cancels(served: Served, page) -> None:
    page.goto(served.url + "/")
    page.wait_for_selector("#balance dt")
    page.fill("#amount", "150")
    page.click("#buy")
    page.wait_for_selector("#message.error")
    assert "委托数量不符合规则" in page.inner_text("#message")
    page.fill("#amount", "100")
    page.fill("#price", "8.00")
    page.click("#buy")
    page.wait_for_selector("#entrusts button[data-cancel]")
    page.click("#entrusts button[data-cancel]")
    page.wait_for_function("document.querySelector('#message').innerText.includes('撤单成功')")
    assert httpx.get(f"{served.api}/cancel-entrusts").json()["data"] == []
    page.fill("#security", "600160")
    page.dispatch_event("#security", "change")
    page.wait_for_function("document.querySelector('#quote').innerText.includes('巨化股份')")
    assert "涨停 25.93" in page.inner_text("#quote")
