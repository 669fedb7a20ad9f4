"""The attack of issue 10 in a real browser: a page on a second local origin tries to trade.

The page (served on another loopback port, as any local web app or a page that rebinding cannot
help) fires what a hostile page can fire without the user's help: ``fetch()`` POSTs with the
content types that need no preflight, a form POST into an iframe, and an ``<img>`` on the ths
dialect's GET ``/buy``. Chromium sends its own ``Origin``/``Sec-Fetch-*`` headers; the gateway must
refuse every one, and no order may exist afterwards. Playwright records the gateway's answers, so
the test also proves each request did reach the gateway (it cannot pass because nothing was sent).
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Served

CHROMIUM = os.environ.get("ASHARE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

ATTACK_PAGE = """<!doctype html><meta charset="utf-8"><title>cat pictures</title>
<iframe name="sink"></iframe>
<script>
const GW = "%(gw)s";
const order = JSON.stringify({security: "600000", price: 8.75, amount: 100});
async function attack() {
  for (const [path, type] of [["/api/trader/buy", "text/plain"], ["/easytrader/buy", null],
                              ["/api/admin/kill-switch", "application/x-www-form-urlencoded"]]) {
    const headers = type ? {"Content-Type": type} : {};
    try { await fetch(GW + path, {method: "POST", mode: "no-cors", headers, body: order}); } catch (e) {}
  }
  await new Promise((done) => {
    const form = document.createElement("form");
    form.method = "POST"; form.action = GW + "/ths/buy"; form.target = "sink";
    for (const [k, v] of [["stock_code", "600000"], ["price", "8.75"], ["amount", "100"]]) {
      const input = document.createElement("input"); input.name = k; input.value = v; form.appendChild(input);
    }
    document.body.appendChild(form);
    document.querySelector("iframe").onload = done;
    form.submit();
  });
  await new Promise((done) => {
    const img = new Image();
    img.onload = img.onerror = done;
    img.src = GW + "/ths/buy?stock_code=600000&price=8.75&amount=max";
  });
  document.title = "done";
}
attack();
</script>"""


@pytest.fixture
def attacker(served: Served) -> Iterator[str]:
    """A second local origin serving the hostile page."""
    page = (ATTACK_PAGE % {"gw": served.url}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_origin_cannot_trade(served: Served, attacker: str) -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    answers: list[tuple[str, int, str | None]] = []
    sent: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()

            def record(response) -> None:
                if response.url.startswith(served.url):
                    try:
                        body = response.text()
                    except Exception:  # an image or a frame's document: Chromium keeps no body to read
                        body = None
                    answers.append((response.url[len(served.url) :], response.status, body))

            page.on("response", record)
            page.on(
                "request",
                lambda r: sent.append(r.url[len(served.url) :]) if r.url.startswith(served.url) else None,
            )
            page.goto(attacker)
            page.wait_for_function("document.title === 'done'", timeout=30_000)
        finally:
            browser.close()
    # Every attack left the browser (the <img>'s answer may be withheld from the page by Chromium's
    # opaque-response blocking, so it is counted as sent, and judged by the account below).
    assert sorted(path.split("?")[0] for path in sent) == [
        "/api/admin/kill-switch",
        "/api/trader/buy",
        "/easytrader/buy",
        "/ths/buy",
        "/ths/buy",
    ]
    fetched = [(path, status, body) for path, status, body in answers if not path.startswith("/ths")]
    assert len(fetched) == 3
    for path, status, body in fetched:
        assert status == 403 and (body is None or "拒绝跨站请求" in body), (path, status, body)
    # An opaque answer's body is not kept by Chromium, its status is. The form's answer went into a
    # frame, which our frame-ancestors 'none' keeps from rendering, and the <img>'s is withheld from
    # the page: both are judged by the account, which a script's /ths/buy?amount=max would spend.
    assert httpx.get(f"{served.api}/today-entrusts").json()["data"] == []
    assert httpx.get(f"{served.url}/api/admin/kill-switch").json()["data"]["on"] is False
