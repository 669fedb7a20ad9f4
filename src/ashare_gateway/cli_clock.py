"""``ashare-gateway clock [show|next-phase|next-day]``: the running gateway's simulated clock (contract 3).

Finds the gateway by ``--url``, else the ``gateway.json`` a running gateway writes in its data folder,
else http://127.0.0.1:5000; the token by ``--token``, else $ASHARE_GATEWAY_TOKEN, else the data
folder's token file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

ACTIONS = {"show": None, "next-phase": "phase", "next-day": "day"}
DEFAULT_URL = "http://127.0.0.1:5000"


def find_url(url: str | None, data_dir: Path) -> str:
    if url:
        return url.rstrip("/")
    try:
        found = json.loads((data_dir / "gateway.json").read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError, AttributeError):
        found = None
    return str(found).rstrip("/") if found else DEFAULT_URL


def clock_command(
    action: Annotated[str, typer.Argument(help="show, next-phase or next-day.")] = "show",
    url: Annotated[str | None, typer.Option(help="The running gateway (default: from --data-dir).")] = None,
    token: Annotated[str | None, typer.Option(help="Its API token, if it has one.")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Its data folder.")] = Path("data"),
) -> None:
    """Show the paper market's simulated clock, or jump to the next phase / the next trading day's open."""
    import httpx

    from .config import read_token_file

    if action not in ACTIONS:
        _fail(f"未知的操作：{action}（可选：{'、'.join(ACTIONS)}）")
    data_dir = data_dir.resolve()
    base = find_url(url, data_dir)
    token = token or os.environ.get("ASHARE_GATEWAY_TOKEN") or read_token_file(data_dir)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    endpoint = f"{base}/api/admin/clock"
    try:
        if ACTIONS[action] is None:
            resp = httpx.get(endpoint, headers=headers, timeout=60)
        else:
            resp = httpx.post(endpoint, json={"advance": ACTIONS[action]}, headers=headers, timeout=120)
    except httpx.TransportError as exc:
        _fail(f"无法连接网关 {base}：{exc}")
    try:
        body = resp.json()
    except ValueError:
        _fail(f"网关返回了非 JSON 响应（HTTP {resp.status_code}）")
    if resp.status_code != 200:
        _fail(str(body.get("message", resp.text)) if isinstance(body, dict) else resp.text)
    data = body["data"]
    state = "模拟时钟" if data["enabled"] else "真实时钟"
    day = "交易日" if data["trading_day"] else "非交易日"
    typer.echo(f"{data['now']}  {data['phase']}  {day}  {state} ×{data['speed']:g}")


def _fail(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[red]{message}[/]")
    raise typer.Exit(2)
