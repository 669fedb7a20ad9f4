"""``ashare-gateway serve``: its options, their checks, and the run loop (one module, so cli.py stays a list).

The options are validated here with Chinese messages and exit code 2 before anything is opened; then
the data folder is held (one gateway per folder) and the gateway is built and served until Ctrl+C.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..serve_choices import BROKER_KINDS, DEFAULT_HOST, DEFAULT_PORT, FLAVOURS
from .console import console, fail

if TYPE_CHECKING:  # the rest is imported by the command's body: `serve --help` loads typer only
    from ..config import Settings

# The same text as brokers.sim.sources.SPEC_HELP (a test keeps them equal): importing that package here
# would load the paper exchange and SQLAlchemy for every `--help`.
QUOTES_HELP = "offline | replay:PATH | easyquotation:sina | easyquotation:tencent | mootdx | mootdx:HOST:PORT"


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (127.0.0.1 keeps it local).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
    config: Annotated[
        Path | None, typer.Option("--config", help="config.ini for auto-login (spec §8.1).")
    ] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where the SQLite files live.")] = Path("data"),
    broker: Annotated[str, typer.Option(help=f"Broker: {', '.join(BROKER_KINDS)}.")] = "sim",
    demo_market: Annotated[
        bool | None,
        typer.Option(
            "--demo-market/--real-hours",
            help="Paper market always open (default with no config.ini), or real A-share hours.",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning.")] = "info",
    dialect: Annotated[
        str,
        typer.Option(
            help="Who owns the root paths on --port: ht (dashboard only; the API is under /api/trader), "
            "ths (ths_http_trader's /balance /position /buy /sell) or easytrader (easytrader's remote "
            "server). /api/trader, /ths/... and /easytrader/... are served on every port."
        ),
    ] = "ht",
    listen: Annotated[
        list[str] | None,
        typer.Option(
            help="Another port of the same gateway, as PORT:DIALECT (e.g. 8888:ths, 1430:easytrader). "
            "Repeatable."
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="API token required on every request (default: $ASHARE_GATEWAY_TOKEN, or the "
            "token file in --data-dir made by `ashare-gateway token`). Required off loopback."
        ),
    ] = None,
    allow_ip: Annotated[
        list[str] | None, typer.Option(help="Only these client addresses/CIDRs may connect. Repeatable.")
    ] = None,
    rate_limit: Annotated[
        float, typer.Option(help="Requests per second per client address (0: none).")
    ] = 0.0,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="Allow browser pages from this origin (none by default).")
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(help="A Host name to serve besides loopback (a LAN name or address). Repeatable."),
    ] = None,
    forwarded_allow_ips: Annotated[
        list[str] | None,
        typer.Option(help="A reverse proxy whose X-Forwarded-For is believed (none by default). Repeatable."),
    ] = None,
    flavour: Annotated[str, typer.Option(help="xiadan layout: ht (华泰) or universal.")] = "ht",
    quotes: Annotated[
        str | None,
        typer.Option(
            help=f"Quote source: {QUOTES_HELP}. Paper exchange default: offline. A GUI broker (xiadan, "
            "hexin and their fakes) has quotes only from the source given here."
        ),
    ] = None,
    start_at: Annotated[
        str | None,
        typer.Option(
            "--start-at",
            help='Paper broker only: run the market on a simulated clock from "YYYY-MM-DD HH:MM" '
            "(Beijing time, real trading hours); move it with `ashare-gateway clock`.",
        ),
    ] = None,
    speed: Annotated[
        float,
        typer.Option(help="With --start-at: simulated seconds per real second (0: only `clock` moves it)."),
    ] = 1.0,
    holidays: Annotated[
        Path | None,
        typer.Option(
            "--holidays", help="Extra market closures: a file with one YYYY-MM-DD per line, # comments."
        ),
    ] = None,
    journal_sync: Annotated[
        str, typer.Option(help="FULL (the pre-send journal write survives a power cut) or NORMAL.")
    ] = "FULL",
    duplicate_window: Annotated[
        float, typer.Option(help="Refuse an identical order without a key within N seconds (0: off).")
    ] = 0.0,
    pacing: Annotated[float, typer.Option(help="Minimum seconds between two GUI calls on one client.")] = 0.0,
    events_poll: Annotated[
        float,
        typer.Option(
            help="Seconds between looks at entrusts/trades for /api/events (only while listened to)."
        ),
    ] = 1.0,
    webhook: Annotated[
        list[str] | None, typer.Option(help="POST every event to this URL (repeatable; see docs/events.md).")
    ] = None,
    webhook_secret: Annotated[
        str | None,
        typer.Option(
            help="HMAC-SHA256 key for webhook signatures (default: $ASHARE_GATEWAY_WEBHOOK_SECRET)."
        ),
    ] = None,
) -> None:
    """Start the gateway (default: the built-in paper exchange on http://127.0.0.1:5000)."""
    from .. import registry
    from ..api.listeners import parse_listen
    from ..api.perimeter import is_loopback
    from ..config import Settings, find_config, read_config_ini
    from ..domain.errors import GatewayError
    from ..instance import DataDirInUse, hold_data_dir
    from ..secrets import BadToken, check_token
    from ..token_file import read_token_file

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        registry.get(broker)  # the plug-ins say which kinds exist (a third-party one included)
    except GatewayError as exc:
        fail(exc.message)
    try:
        extra = [parse_listen(item, dialect) for item in listen or []]
        listeners = [parse_listen(str(port), dialect), *extra]
    except ValueError as exc:
        fail(str(exc))
    if len({item.port for item in listeners}) != len(listeners):
        fail("同一端口不能监听两次")
    if flavour not in FLAVOURS:
        fail(f"未知的客户端类型：{flavour}（可选：{', '.join(FLAVOURS)}）")
    if not 0.05 <= events_poll <= 3600:
        fail("--events-poll 须在0.05到3600秒之间")
    if journal_sync.upper() not in ("FULL", "NORMAL"):
        fail("--journal-sync 只能是 FULL 或 NORMAL")
    _check_clock_options(broker, start_at, speed, demo_market)
    data_dir = data_dir.resolve()
    if token is None:
        token = os.environ.get("ASHARE_GATEWAY_TOKEN") or read_token_file(data_dir)
    if token is not None:
        try:
            check_token(token)
        except BadToken as exc:
            fail(str(exc))
    if not is_loopback(host) and not token:
        fail(
            f"拒绝在 {host} 上启动：监听非本机地址必须设置 API 令牌（先运行 ashare-gateway token "
            f"--data-dir {data_dir}，或使用 --token / 环境变量 ASHARE_GATEWAY_TOKEN）"
        )
    settings = Settings(
        host=host,
        port=port,
        data_dir=data_dir,
        broker=broker,
        demo_market=demo_market,
        token=token,
        allow_ips=list(allow_ip or []),
        rate_limit=rate_limit,
        cors_origins=list(cors_origin or []),
        allowed_hosts=list(allowed_host or []),
        forwarded_allow_ips=list(forwarded_allow_ips or []),
        flavour=flavour,
        quotes=quotes,
        journal_sync=journal_sync.upper(),
        duplicate_window=duplicate_window,
        pacing=pacing,
        start_at=start_at,
        speed=speed,
        holidays_path=holidays,
        events_poll=events_poll,
        webhooks=list(webhook or []),
        webhook_secret=webhook_secret or os.environ.get("ASHARE_GATEWAY_WEBHOOK_SECRET"),
    )
    config_path = find_config(config)
    if config_path is not None:
        try:
            settings.credentials, settings.exe_path = read_config_ini(config_path)
        except GatewayError as exc:
            fail(exc.message)
        settings.config_path = config_path
    shown = _shown_host(host)
    urls = [f"http://{f'[{shown}]' if ':' in shown else shown}:{item.port}" for item in listeners]
    try:
        with hold_data_dir(data_dir, urls):  # one gateway per data folder, before any file is opened
            _run(settings, listeners, config_path, log_level)
    except DataDirInUse as exc:
        fail(str(exc))


def _shown_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def _run(settings: Settings, listeners: list, config_path: Path | None, log_level: str) -> None:
    """Build the gateway and serve it until Ctrl+C (the data folder is already held)."""
    from ..api.listeners import ListenError, serve_listeners
    from ..domain.errors import GatewayError
    from ..gateway import build_gateway
    from . import client_banner

    host, broker, token = settings.host, settings.broker, settings.token
    try:
        gateway = build_gateway(settings)
    except (GatewayError, ValueError, RuntimeError) as exc:  # bad quote spec, unreadable config, ...
        fail(getattr(exc, "message", str(exc)))
    shown_host = _shown_host(host)
    console.print(f"[bold]ashare-gateway[/] broker={broker} data={settings.data_dir}")
    if token:
        console.print("需要 API 令牌：Authorization: Bearer <token> 或 X-API-Key")
    if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
        console.print(
            "[yellow]局域网客户端访问时使用的地址或主机名请用 --allowed-host 指定（见 docs/security.md）[/]"
        )
    if settings.start_at:
        speed = f"{settings.speed:g} 倍速（ashare-gateway clock 调整）"
        clock_line = f"模拟时钟：从 {settings.start_at} 开始，{speed}"
        console.print(f"[yellow]{clock_line}[/]")
    elif settings.always_open:
        console.print("[yellow]演示模式：纸面交易所始终开放（--real-hours 按真实交易时段）[/]")
    if config_path:
        status = (
            "成功"
            if gateway.service.auto_login_error is None
            else f"失败：{gateway.service.auto_login_error}"
        )
        console.print(f"自动登录（{config_path}）{status}")
    for line in client_banner.lines(gateway):  # each GUI client's fingerprint and settings
        console.print(line)
    for item in listeners:
        url = f"http://{shown_host}:{item.port}"
        console.print(f"API  {url}/api/trader   页面 {url}/   文档 {url}/docs")
        if item.dialect != "ht":
            console.print(f"     {url}/ 根路径：{_DIALECT_LABELS.get(item.dialect, item.dialect)}")
    try:
        serve_listeners(gateway, host, listeners, log_level=log_level.lower())
    except ListenError as exc:
        fail(str(exc.strerror))
    finally:
        gateway.close()


_DIALECT_LABELS = {
    "ths": "ths_http_trader（/balance /position /buy /sell）",
    "easytrader": "easytrader remote（/prepare /balance /buy ...）",
}


def _check_clock_options(broker: str, start_at: str | None, speed: float, demo_market: bool | None) -> None:
    from ..domain.clock import SimulatedClock, parse_start

    if start_at is None:
        return
    if broker != "sim":
        fail("--start-at 只能用于纸面交易所（--broker sim）：券商客户端的时间由券商系统决定，不能模拟")
    if demo_market:
        fail("--start-at 按真实交易时段运行，不能与 --demo-market 同时使用")
    try:
        parse_start(start_at)
    except ValueError as exc:
        fail(str(exc))
    if not 0 <= speed <= SimulatedClock.MAX_SPEED:
        fail(f"--speed 须在 0 到 {SimulatedClock.MAX_SPEED:g} 之间")
