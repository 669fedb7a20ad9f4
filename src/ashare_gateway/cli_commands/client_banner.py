"""The start-up banner's lines about each GUI client: its fingerprint, and the settings that matter.

Why in the banner: a client whose build does not match its layout refuses orders (409) from the first
request; the user sitting at the console should see why, and what to change in the client, before the
first order is sent, not in a log. The same facts are in /health (``accounts[].client_checks``).
"""

from __future__ import annotations

from typing import Any

from ..brokers import client_check

# /health's setting names → the banner's short labels, in the order shown.
LABELS = {
    "order_confirm": "委托确认",
    "cancel_confirm": "撤单确认",
    "result_popups": "委托成功提示",
    "buy_price_default": "默认买价",
    "buy_amount_default": "默认买量",
    "sell_price_default": "默认卖价",
    "sell_amount_default": "默认卖量",
}


def lines(gateway: Any) -> list[str]:
    """Two lines per checked client (rich markup): the fingerprint, then the settings."""
    out = []
    for handle in gateway.service.clients.all():
        for report in client_check.reports([handle.broker]):
            out.extend(_client_lines(handle.name, report))
    return out


def _client_lines(account: str, report: dict[str, Any]) -> list[str]:
    fp = report.get("fingerprint") or {}
    head = f"客户端（账户 {account}，{report['flavour']}）"
    pages = len(fp.get("checked_pages", []))
    if fp.get("ok"):
        first = f"{head}界面指纹一致（{fp.get('seconds', 0):.2f} 秒，检查了 {pages} 页）"
    else:
        refused = "、".join(fp.get("refused", []))
        first = f"[red]{head}界面与布局不符，已停止：{refused}；" + "；".join(fp.get("problems", [])) + "[/]"
    settings = report.get("settings", {})
    shown = "  ".join(f"{label} {settings[n]['value']}" for n, label in LABELS.items() if n in settings)
    source = report.get("settings_source", "")
    return [first, f"  客户端设置：{shown}（{source}；未知的设置在首笔委托后得知）"]
