"""/docs and /redoc load with the network cut off: every non-loopback request the page makes is aborted."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from tests.browser.conftest import DESKTOP, screenshot
from tests.conftest import Served, serve

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


def offline_page(browser):
    """A page whose requests to anything but loopback are aborted (and recorded)."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    blocked: list[str] = []

    def cut(route) -> None:
        if LOCAL.match(route.request.url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", cut)
    return context, page, blocked


def test_swagger_ui_shows_every_dialect_offline(served: Served, browser) -> None:
    context, page, blocked = offline_page(browser)
    page.goto(served.url + "/docs")
    page.wait_for_selector(".opblock-tag-section")
    tags = page.eval_on_selector_all(".opblock-tag", "els => els.map(e => e.getAttribute('data-tag'))")
    assert {"trader", "ths_http_trader", "easytrader", "ops", "dashboard"} <= set(tags)
    assert page.locator(".opblock").count() > 40
    # The spec's example is in the operation: open 限价买入 and read its request body example.
    page.click("#operations-trader-buy_api_trader_buy_post .opblock-summary")
    page.wait_for_selector("#operations-trader-buy_api_trader_buy_post .body-param__example")
    example = page.inner_text("#operations-trader-buy_api_trader_buy_post .body-param__example")
    assert '"security": "600000"' in example and '"price": 8.75' in example
    assert blocked == []  # nothing even tried to leave the machine
    screenshot(page, "docs-swagger-offline")
    context.close()


def test_redoc_shows_the_operations_offline(served: Served, browser) -> None:
    context, page, blocked = offline_page(browser)
    page.goto(served.url + "/redoc")
    page.locator("h2", has_text="限价买入").first.wait_for()
    body = page.inner_text("body")
    for text in ("ths_http_trader", "easytrader", "获取资金余额", "撤销指定委托"):
        assert text in body, text
    # ReDoc's bundle tries one image, its "API docs by Redocly" logo, and drops it when it fails to load.
    assert set(blocked) <= {REDOC_LOGO}, blocked
    page.locator("img[alt='redocly logo']").wait_for(state="detached", timeout=10_000)
    screenshot(page, "docs-redoc-offline")
    context.close()


def test_docs_with_a_token_try_it_out_sends_the_token(tmp_path: Path, clock, browser) -> None:
    token = "docs-test-token-0123456789"
    with serve(Settings(data_dir=tmp_path, demo_market=False, token=token), clock) as served:
        assert httpx.get(f"{served.url}/docs").status_code == 200  # the page and schema carry no data
        assert httpx.get(f"{served.api}/balance").status_code == 401
        context, page, _ = offline_page(browser)
        page.goto(f"{served.url}/docs?token={token}")  # as the dashboard does: kept, dropped from the URL
        op = "#operations-trader-balance_api_trader_balance_get"
        page.wait_for_selector(op)
        assert "token" not in page.url
        page.click(f"{op} .opblock-summary")
        page.click(f"{op} .try-out__btn")
        page.click(f"{op} .execute")
        status = page.locator(f"{op} .live-responses-table tr.response td.response-col_status").first
        status.wait_for()
        assert status.inner_text().strip().startswith("200")  # the page's token went with the request
        context.close()


def test_the_schema_carries_the_spec_examples(served: Served) -> None:
    doc = httpx.get(f"{served.url}/openapi.json").json()
    paths = doc["paths"]
    balance = paths["/api/trader/balance"]["get"]["responses"]["200"]["content"]["application/json"]
    assert balance["example"]["data"]["总资产"] == 65000.00
    ths_buy = paths["/ths/buy"]["get"]
    assert {p["name"]: p.get("example") for p in ths_buy["parameters"]}["stock_code"] == "600160"
    market = paths["/easytrader/market_buy"]["post"]["requestBody"]["content"]["application/json"]
    assert market["example"]["kwargs"]["ttype"] == "五档即时成交剩余撤销"
    missing = [
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/trader/")
        for method, op in ops.items()
        if "example" not in op["responses"]["200"].get("content", {}).get("application/json", {})
        and not any("example" in p for p in op.get("parameters", []))
    ]
    assert missing == []


@pytest.mark.parametrize("path", ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/redoc.standalone.js"])
def test_the_bundles_are_served_locally(served: Served, path: str) -> None:
    r = httpx.get(served.url + path)
    assert r.status_code == 200 and len(r.content) > 500_000


def test_swagger_ui_works_under_the_dashboards_csp(served: Served, browser) -> None:
    """/docs has no inline script or style, so the perimeter may give it the dashboard's strict CSP.

    (ReDoc's bundle injects <style> elements: /redoc needs style-src 'unsafe-inline' if it gets a CSP.)
    """
    csp = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
    context, page, blocked = offline_page(browser)
    page.unroute("**/*")

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

    page.route(re.compile(r".*/docs$"), with_csp)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(served.url + "/docs")
    page.wait_for_selector(".opblock")
    assert violations == [] and blocked == []
    context.close()
