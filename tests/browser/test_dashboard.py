"""The dashboard at / in a real browser (Debian's Chromium, driven by Playwright) against a served gateway."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from ashare_gateway.config import Settings
from ashare_gateway.domain.instruments import parse_security
from ashare_gateway.domain.market_orders import allowed_types
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import Served, serve

TOKEN = "browser-test-token-0123456789"


def wait_text(page, selector: str, text: str) -> None:
    """Wait until the element shows the text. (Not wait_for_function: under the page's CSP it needs eval.)"""
    page.locator(selector, has_text=text).wait_for()


def open_dashboard(page, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_selector("#balance dt")
    page.wait_for_selector("#positions tbody tr")


def entrusts(served: Served) -> list[dict]:
    return httpx.get(f"{served.api}/today-entrusts").json()["data"]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_layout_fits_the_screen_and_formats_numbers(served: Served, browser, size) -> None:
    context = browser.new_context(viewport=size)
    page = context.new_page()
    open_dashboard(page, served.url)
    page.fill("#security", "510300")
    wait_text(page, "#quote", "沪深300ETF")
    # Nothing wider than the screen: tables scroll inside their card, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    one_column = page.evaluate(
        "document.querySelector('.col-trade').getBoundingClientRect().left"
        " === document.querySelector('.col-data').getBoundingClientRect().left"
    )
    assert one_column == (size is PHONE)
    balance = httpx.get(f"{served.api}/balance").json()["data"]
    text = page.inner_text("#balance")
    assert f"{balance['总资产']:,.2f}" in text  # thousands separators, two decimals
    for label in ("总资产", "资金余额", "可用", "可取", "股票市值", "当日盈亏"):
        assert label in text
    # Prices keep the tick's decimals: the ETF at 0.001, the stock at 0.01.
    quote = httpx.get(f"{served.api}/quote", params={"security": "510300"}).json()["data"]
    assert page.input_value("#price") == f"{quote['最新价']:.3f}"
    rows = {r["证券代码"]: r for r in httpx.get(f"{served.api}/position").json()["data"]}
    positions = page.inner_text("#positions")
    assert f"{rows['510300']['成本价']:.3f}" in positions and f"{rows['600000']['成本价']:.2f}" in positions
    # Red up, green down: every 浮动盈亏 cell carries the colour of its sign.
    cells = page.eval_on_selector_all(
        "#positions tbody tr td:nth-child(7)", "tds => tds.map(td => [td.innerText, td.className])"
    )
    assert cells
    for value, cls in cells:
        if value.startswith("+"):
            assert "up" in cls, (value, cls)
        elif value.startswith("-"):
            assert "down" in cls, (value, cls)
    screenshot(page, f"dashboard-{'phone' if size is PHONE else 'desktop'}")
    context.close()


def test_order_goes_through_the_confirmation_arrives_live_and_is_cancelled(served: Served, page) -> None:
    open_dashboard(page, served.url)
    page.fill("#security", "600000")
    wait_text(page, "#quote", "浦发银行")
    live = httpx.get(f"{served.api}/quote", params={"security": "600000"}).json()["data"]["最新价"]
    assert page.input_value("#price") == f"{live:.2f}"  # the price follows the chosen stock
    page.click("[data-fraction='0.25']")
    quarter = int(page.input_value("#amount"))
    assert quarter > 0 and quarter % 100 == 0  # lot-aware
    page.fill("#price", "8.00")  # below the market: the order rests
    page.fill("#amount", "100")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    assert page.inner_text("#confirm-text") == "买入 浦发银行 100股 @8.00？"
    page.click("#confirm-cancel")  # nothing is sent without the confirmation
    page.wait_for_selector("#confirm", state="hidden")
    assert entrusts(served) == []
    page.click("#submit")
    page.click("#confirm-ok")
    page.wait_for_selector("#message.ok")
    assert "已提交，合同编号" in page.inner_text("#message")
    [order] = entrusts(served)
    assert order["委托状态"] == "已报" and order["委托价格"] == 8.0
    page.wait_for_selector(f"#entrusts button[data-cancel='{order['合同编号']}']")
    screenshot(page, "dashboard-order-placed")

    # An order from elsewhere (a script) shows up without a reload: event stream, or polling without one.
    served.clock.advance(60)
    with served.client() as api:
        other = api.post("/buy", json={"security": "000001", "price": 10.50, "amount": 200}).json()["data"]
    page.wait_for_selector(f"#entrusts button[data-cancel='{other['合同编号']}']")
    first = page.inner_text("#entrusts tbody tr:first-child td:nth-child(2)")
    assert first == "平安银行 000001"  # newest first
    with httpx.stream(
        "GET", f"{served.url}/api/events", timeout=60
    ) as events:  # only the status: it never ends
        expected = "polling" if events.status_code == 404 else "stream"
    page.wait_for_selector(f"#live[data-mode='{expected}']")

    page.click(f"#entrusts button[data-cancel='{order['合同编号']}']")
    page.wait_for_selector("#confirm[open]")
    assert order["合同编号"] in page.inner_text("#confirm-detail")
    page.click("#confirm-ok")
    wait_text(page, "#message", "撤单成功")
    states = {e["合同编号"]: e["委托状态"] for e in entrusts(served)}
    assert states[order["合同编号"]] == "已撤" and states[other["合同编号"]] == "已报"

    page.click("#cancel-all")
    page.wait_for_selector("#confirm[open]")
    assert page.inner_text("#confirm-text") == "撤销全部 1 笔可撤委托？"
    page.click("#confirm-ok")
    wait_text(page, "#message", "全部撤单已提交")
    assert httpx.get(f"{served.api}/cancel-entrusts").json()["data"] == []

    # The journal shows each order with its state and key; a row opens its audit trail.
    page.click("#journal-refresh")
    page.wait_for_selector("#journal tbody tr[data-journal]")
    page.click("#journal tbody tr[data-journal]:last-child")
    page.wait_for_selector("#journal-detail:not([hidden]) table tbody tr")
    assert "幂等键 web-" in page.inner_text("#journal-detail")  # the page sent an Idempotency-Key
    screenshot(page, "dashboard-journal")


def test_refusals_are_shown_and_market_orders_offer_the_boards_types(served: Served, page) -> None:
    open_dashboard(page, served.url)
    page.fill("#security", "600160")
    wait_text(page, "#quote", "巨化股份")
    assert "25.93" in page.inner_text("#quote")  # limit-up from the spec's example
    page.fill("#price", "14.59")
    page.fill("#amount", "100")
    page.click("#submit")
    page.click("#confirm-ok")
    page.wait_for_selector("#message.error")
    assert "超过涨跌限制" in page.inner_text("#message")

    def offered(code: str) -> None:
        """The ticket offers 限价 plus exactly the board's market-order types (the domain's list)."""
        want = ["limit", *(str(t) for t in allowed_types(parse_security(code)))]
        options = page.locator("#order-type option")
        expect(options).to_have_count(len(want))
        for i, value in enumerate(want):
            expect(options.nth(i)).to_have_attribute("value", value)

    offered("600160")  # SSE main board
    page.fill("#security", "510300")
    wait_text(page, "#quote", "沪深300ETF")
    offered("510300")  # SSE fund
    page.fill("#security", "000001")
    wait_text(page, "#quote", "平安银行")
    offered("000001")  # SZSE: five
    page.fill("#security", "688981")
    wait_text(page, "#quote", "中芯国际")
    offered("688981")  # STAR, with a 保护限价
    page.select_option("#order-type", "最优五档即时成交剩余撤销")
    assert page.is_visible("#protect-row") and not page.is_visible("#price-row")
    assert page.inner_text("#submit") == "市价买入"
    page.fill("#amount", "200")
    page.click("#submit")
    assert page.inner_text("#confirm-text") == "市价买入 中芯国际 200股？"
    page.click("#confirm-cancel")


def test_sell_from_a_position_sizes_by_what_is_sellable(served: Served, page) -> None:
    open_dashboard(page, served.url)
    page.click("#positions button[data-sell-code='600000']")
    wait_text(page, "#quote", "浦发银行")
    assert page.inner_text("#submit") == "卖出"
    page.click("[data-fraction='1']")
    held = next(p for p in httpx.get(f"{served.api}/position").json()["data"] if p["证券代码"] == "600000")
    assert int(page.input_value("#amount")) == held["可用数量"]
    page.click("[data-fraction='0.5']")
    assert int(page.input_value("#amount")) == held["可用数量"] // 2 // 100 * 100


def test_the_event_stream_parser_reads_what_sse_starlette_writes(served: Served, page) -> None:
    open_dashboard(page, served.url)
    # CRLF separators and ": ping" comments (sse-starlette's defaults), a multi-line data field, and a
    # block cut in the middle that must wait for the next chunk.
    stream = (
        ": ping - 2026-11-20 10:00:00\r\n\r\n"
        'id: 7\r\nevent: order.accepted\r\ndata: {"type": "order.accepted", "account": "demo"}\r\n\r\n'
        "id: 8\nevent: note\ndata: line one\ndata: line two\n\n"
        'id: 9\r\nevent: order.fill\r\ndata: {"type": "order'
    )
    parsed = page.evaluate("s => import('/static/live.js').then(m => m.parseEvents(s))", stream)
    assert parsed["events"] == [
        {"id": "7", "event": "order.accepted", "data": {"type": "order.accepted", "account": "demo"}},
        {"id": "8", "event": "note", "data": "line one\nline two"},
    ]
    assert parsed["rest"] == 'id: 9\r\nevent: order.fill\r\ndata: {"type": "order'


def test_todays_pnl_counts_buys_sells_and_yesterdays_close(served: Served, page) -> None:
    open_dashboard(page, served.url)
    # Held 100 yesterday (closed 9.50), bought 100 at 9.00 today (905.00 with fees), now 10.00; and a code
    # sold out today: 300 held at 5.00, sold at 5.20 for 1,555.00 after fees.
    result = page.evaluate(
        """import('/static/panels.js').then(m => m.todayPnl(
            [{证券代码: '600000', 持仓数量: 200, 最新价: 10}],
            [{证券代码: '600000', 买卖方向: '买入', 成交数量: 100, 成交金额: 900, 发生金额: -905},
             {证券代码: '000001', 买卖方向: '卖出', 成交数量: 300, 成交金额: 1560, 发生金额: 1555}],
            new Map([['600000', 9.5], ['000001', 5]])))"""
    )
    assert result == pytest.approx(200 * 10 - 100 * 9.5 - 905 + 1555 - 300 * 5)


def test_the_page_asks_for_the_token_once_and_then_works(tmp_path: Path, clock, browser) -> None:
    with serve(Settings(data_dir=tmp_path, demo_market=False, token=TOKEN), clock) as served:
        assert httpx.get(f"{served.api}/balance").status_code == 401
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(served.url + "/")
        page.wait_for_selector("#token-form[open]")
        screenshot(page, "dashboard-token-form")
        page.fill("#token-input", "wrong-token-wrong-token")
        page.click("#token-ok")
        wait_text(page, "#token-error", "令牌错误")
        page.fill("#token-input", TOKEN)
        page.click("#token-ok")
        page.wait_for_selector("#positions tbody tr td:nth-child(2)")
        for panel in ("#balance", "#positions", "#entrusts", "#trades", "#journal", "#health"):
            assert "未授权" not in page.inner_text(panel), panel
        assert "总资产" in page.inner_text("#balance")
        assert page.evaluate("sessionStorage.getItem('ashare-gateway.token')") == TOKEN
        page.fill("#security", "600000")
        wait_text(page, "#quote", "浦发银行")
        page.fill("#amount", "100")
        page.click("#submit")
        page.click("#confirm-ok")
        page.wait_for_selector("#message.ok")
        page.wait_for_selector("#entrusts tbody td:has-text('浦发银行')")  # refreshed with the token too
        page.wait_for_selector("#journal tbody tr[data-journal]")
        screenshot(page, "dashboard-with-token")
        context.close()

        # ?token= is taken and dropped from the address bar (and so from history and screenshots).
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(f"{served.url}/?token={TOKEN}#top")
        page.wait_for_selector("#balance dt")
        assert "token" not in page.url and page.url.endswith("/#top")
        assert not page.is_visible("#token-form")
        assert "总资产" in page.inner_text("#balance")
        context.close()


def test_the_page_needs_no_inline_script_or_style(served: Served, browser) -> None:
    """Under the perimeter's CSP (no inline script/style) the page still works: no violation, all panels."""
    csp = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

    page.route(re.compile(r".*/$"), with_csp)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    open_dashboard(page, served.url)
    page.fill("#security", "600000")
    wait_text(page, "#quote", "浦发银行")
    assert page.evaluate("getComputedStyle(document.querySelector('.top')).display") == "flex"  # CSS loaded
    assert violations == []
    context.close()


def test_clock_controls_show_only_when_the_simulated_clock_is_on(served: Served, page) -> None:
    open_dashboard(page, served.url)
    answer = httpx.get(f"{served.url}/api/admin/clock")
    enabled = answer.status_code == 200 and answer.json()["data"]["enabled"]
    page.wait_for_selector(f"#clock-card[data-checked='{'on' if enabled else 'off'}']", state="attached")
    assert page.is_visible("#clock-card") == bool(enabled)
    if enabled:
        before = answer.json()["data"]["phase"]
        page.click("#clock-phase")
        wait_text(page, "#message", "模拟时钟")
        assert httpx.get(f"{served.url}/api/admin/clock").json()["data"]["phase"] != before


def test_clock_controls_move_the_simulated_clock(tmp_path: Path, browser) -> None:
    """With the paper market on a simulated clock (serve --start-at, contract 3) the card drives it."""
    if "start_at" not in getattr(Settings, "__dataclass_fields__", {}):
        pytest.skip("this build has no simulated clock (Settings.start_at)")
    settings = Settings(data_dir=tmp_path, start_at="2026-12-02 09:31", speed=0)
    with serve(settings, None) as served:  # type: ignore[arg-type]  # the simulated clock, not a test clock
        context = browser.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(served.url + "/")
        page.wait_for_selector("#clock-card[data-checked='on']")
        assert page.is_visible("#clock-card")
        before = httpx.get(f"{served.url}/api/admin/clock").json()["data"]
        assert before["now"] in page.inner_text("#clock")
        page.click("#clock-phase")
        wait_text(page, "#message", "模拟时钟")
        after = httpx.get(f"{served.url}/api/admin/clock").json()["data"]
        assert after["now"] != before["now"]
        wait_text(page, "#clock", after["now"])
        page.click("#clock-day")
        wait_text(page, "#message", "模拟时钟")
        assert httpx.get(f"{served.url}/api/admin/clock").json()["data"]["now"][:10] > after["now"][:10]
        screenshot(page, "dashboard-clock")
        context.close()
