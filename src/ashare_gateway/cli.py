"""The ``ashare-gateway`` command: ``serve`` the gateway, and small tools for users diagnosing a setup."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from .cli_clock import clock_command
from .cli_commands import trading as trading_commands
from .config import (
    BROKER_KINDS,
    DEFAULT_HOST,
    DEFAULT_PORT,
    FLAVOURS,
    Settings,
    find_config,
    read_config_ini,
    read_token_file,
    write_token_file,
)
from .domain.errors import GatewayError
from .install_task import command as install_task_command
from .instance import DataDirInUse, hold_data_dir
from .secrets import BadToken, check_token, encrypt_config_file, new_token

# The same text as brokers.sim.sources.SPEC_HELP (a test keeps them equal): importing that package here
# would load the paper exchange and SQLAlchemy for every `--help`.
QUOTES_HELP = "offline | replay:PATH | easyquotation:sina | easyquotation:tencent | mootdx | mootdx:HOST:PORT"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="A-share broker clients behind one HTTP API.",
    rich_markup_mode=None,  # plain help: rich's help renderer alone costs ~0.8 s of imports per --help
)
console = Console(stderr=True)


@app.command()
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
    from .api.listeners import parse_listen
    from .api.perimeter import is_loopback

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if broker not in BROKER_KINDS:
        _fail(f"未知的 broker：{broker}（可选：{', '.join(BROKER_KINDS)}）")
    try:
        extra = [parse_listen(item, dialect) for item in listen or []]
        listeners = [parse_listen(str(port), dialect), *extra]
    except ValueError as exc:
        _fail(str(exc))
    if len({item.port for item in listeners}) != len(listeners):
        _fail("同一端口不能监听两次")
    if flavour not in FLAVOURS:
        _fail(f"未知的客户端类型：{flavour}（可选：{', '.join(FLAVOURS)}）")
    if not 0.05 <= events_poll <= 3600:
        _fail("--events-poll 须在0.05到3600秒之间")
    if journal_sync.upper() not in ("FULL", "NORMAL"):
        _fail("--journal-sync 只能是 FULL 或 NORMAL")
    _check_clock_options(broker, start_at, speed, demo_market)
    data_dir = data_dir.resolve()
    if token is None:
        token = os.environ.get("ASHARE_GATEWAY_TOKEN") or read_token_file(data_dir)
    if token is not None:
        try:
            check_token(token)
        except BadToken as exc:
            _fail(str(exc))
    if not is_loopback(host) and not token:
        _fail(
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
            _fail(exc.message)
        settings.config_path = config_path
    shown = _shown_host(host)
    urls = [f"http://{f'[{shown}]' if ':' in shown else shown}:{item.port}" for item in listeners]
    try:
        with hold_data_dir(data_dir, urls):  # one gateway per data folder, before any file is opened
            _run(settings, listeners, config_path, log_level)
    except DataDirInUse as exc:
        _fail(str(exc))


def _shown_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def _run(settings: Settings, listeners: list, config_path: Path | None, log_level: str) -> None:
    """Build the gateway and serve it until Ctrl+C (the data folder is already held)."""
    from .api.listeners import ListenError, serve_listeners
    from .gateway import build_gateway

    host, broker, token = settings.host, settings.broker, settings.token
    try:
        gateway = build_gateway(settings)
    except (GatewayError, ValueError, RuntimeError) as exc:  # bad quote spec, unreadable config, ...
        _fail(getattr(exc, "message", str(exc)))
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
    for item in listeners:
        url = f"http://{shown_host}:{item.port}"
        console.print(f"API  {url}/api/trader   页面 {url}/   文档 {url}/docs")
        if item.dialect != "ht":
            console.print(f"     {url}/ 根路径：{_DIALECT_LABELS[item.dialect]}")
    try:
        serve_listeners(gateway, host, listeners, log_level=log_level.lower())
    except ListenError as exc:
        _fail(str(exc.strerror))
    finally:
        gateway.close()


@app.command()
def captcha(files: Annotated[list[Path], typer.Argument(help="Captcha images (PNG/BMP).")]) -> None:
    """Print what the captcha recogniser reads in each image, one line per file."""
    from .brokers.xiadan.captcha import main_captcha

    raise typer.Exit(main_captcha([str(f) for f in files]))


@app.command("token")
def token_command(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where serve keeps its files.")] = Path("data"),
    value: Annotated[
        str | None, typer.Option(help="Store this token instead of a new random one (16+ characters).")
    ] = None,
) -> None:
    """Generate an API token, store it (readable by you only) in --data-dir, and print it."""
    value = new_token() if value is None else value
    try:
        path = write_token_file(data_dir.resolve(), value)
    except BadToken as exc:
        _fail(str(exc))
    console.print(f"令牌已写入 {path}（serve 会自动读取）")
    typer.echo(value)


@app.command("encrypt-config")
def encrypt_config(path: Annotated[Path, typer.Argument(help="The config.ini to encrypt in place.")]) -> None:
    """Encrypt the passwords of a config.ini in place (DPAPI on Windows, a private key elsewhere)."""
    if not path.is_file():
        _fail(f"配置文件不存在：{path}")
    try:
        count = encrypt_config_file(path)
    except GatewayError as exc:
        _fail(exc.message)
    console.print(f"已加密 {count} 个密码：{path}" if count else f"没有需要加密的明文密码：{path}")


@app.command("kill-switch")
def kill_switch(
    state: Annotated[str, typer.Argument(help="on: cancel open orders and refuse new ones; off: lift it.")],
    account: Annotated[str | None, typer.Option(help="Only this account (default: all).")] = None,
    url: Annotated[
        str | None,
        typer.Option(help="The running gateway to tell (default: the one holding --data-dir, if any)."),
    ] = None,
    token: Annotated[str | None, typer.Option(help="Its API token, if it has one.")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Its data folder.")] = Path("data"),
) -> None:
    """Turn the kill switch on or off: through the gateway running on --data-dir (which also cancels
    open orders), else straight in its journal, which a running gateway reads at every order."""
    from .instance import find_running

    if state not in ("on", "off"):
        _fail("状态只能是 on 或 off")
    on = state == "on"
    data_dir = data_dir.resolve()
    running = find_running(data_dir)
    url = url or (running.url if running else None)
    if url is not None:
        token = token or os.environ.get("ASHARE_GATEWAY_TOKEN") or read_token_file(data_dir)
        if _kill_switch_through(url, token, on, account):
            return
    _kill_switch_in_journal(data_dir, on, account)
    word = "开启" if on else "解除"
    if running is not None or url is not None:
        console.print(
            f"无法连接网关 {url}：已在 {data_dir} 的日志中{word}紧急停止，运行中的网关下一笔委托即生效"
            + ("（挂单未撤销，请在网关中撤单）" if on else ""),
            soft_wrap=True,
        )
    else:
        console.print(f"网关未运行：已在 {data_dir} 中{word}紧急停止，启动后生效", soft_wrap=True)


def _kill_switch_through(url: str, token: str | None, on: bool, account: str | None) -> bool:
    """Tell a running gateway (it flips the switch and cancels open orders); False if it cannot be reached."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        resp = httpx.post(
            f"{url}/api/admin/kill-switch", json={"on": on, "account": account}, headers=headers, timeout=60
        )
    except httpx.TransportError:
        return False
    try:
        body = resp.json()
    except ValueError:
        _fail(f"网关 {url} 的回答无法解析（HTTP {resp.status_code}）")
    if resp.status_code != 200:
        _fail(body.get("message", resp.text))
    console.print(f"{body['message']}（撤销{body['data']['撤销数量']}笔，{url}）", soft_wrap=True)
    return True


def _kill_switch_in_journal(data_dir: Path, on: bool, account: str | None) -> None:
    from .service.risk import RiskGuard
    from .store import migrations
    from .store.db import open_engine

    data_dir.mkdir(parents=True, exist_ok=True)
    db = open_engine(data_dir / "journal.sqlite3", synchronous="FULL")
    try:
        migrations.upgrade(db, migrations.Database.JOURNAL)
        RiskGuard(db, now=datetime.now).set_kill_switch(on, account)
    finally:
        db.dispose()


app.command("install-task")(install_task_command)
app.command("clock")(clock_command)


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    typer.echo(__version__)


trading_commands.register(app)  # balance, positions, orders, trades, quote, buy, sell, cancel, ...

_DIALECT_LABELS = {
    "ths": "ths_http_trader（/balance /position /buy /sell）",
    "easytrader": "easytrader remote（/prepare /balance /buy ...）",
}


def _check_clock_options(broker: str, start_at: str | None, speed: float, demo_market: bool | None) -> None:
    from .domain.clock import SimulatedClock, parse_start

    if start_at is None:
        return
    if broker != "sim":
        _fail("--start-at 只能用于纸面交易所（--broker sim）：券商客户端的时间由券商系统决定，不能模拟")
    if demo_market:
        _fail("--start-at 按真实交易时段运行，不能与 --demo-market 同时使用")
    try:
        parse_start(start_at)
    except ValueError as exc:
        _fail(str(exc))
    if not 0 <= speed <= SimulatedClock.MAX_SPEED:
        _fail(f"--speed 须在 0 到 {SimulatedClock.MAX_SPEED:g} 之间")


def _fail(message: str) -> NoReturn:
    console.print(f"[red]{message}[/]", soft_wrap=True, markup=True)  # one line, however long
    raise typer.Exit(2)


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())


if __name__ == "__main__":  # python -m ashare_gateway.cli (used under Wine, where no entry script exists)
    main()
