"""The ``ashare-gateway`` command: ``serve`` the gateway, and small tools for users diagnosing a setup."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .config import BROKER_KINDS, DEFAULT_HOST, DEFAULT_PORT, Settings, find_config, read_config_ini
from .domain.errors import GatewayError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="A-share broker clients behind one HTTP API."
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
) -> None:
    """Start the gateway (default: the built-in paper exchange on http://127.0.0.1:5000)."""
    import uvicorn

    from .api import create_app
    from .gateway import build_gateway

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if broker not in BROKER_KINDS:
        _fail(f"未知的 broker：{broker}（可选：{', '.join(BROKER_KINDS)}）")
    settings = Settings(
        host=host, port=port, data_dir=data_dir.resolve(), broker=broker, demo_market=demo_market
    )
    config_path = find_config(config)
    if config_path is not None:
        try:
            settings.credentials, settings.exe_path = read_config_ini(config_path)
        except GatewayError as exc:
            _fail(exc.message)
        settings.config_path = config_path
    gateway = build_gateway(settings)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    console.print(f"[bold]ashare-gateway[/] broker={broker} data={settings.data_dir}")
    if settings.always_open:
        console.print("[yellow]演示模式：纸面交易所始终开放（--real-hours 按真实交易时段）[/]")
    if config_path:
        status = (
            "成功"
            if gateway.service.auto_login_error is None
            else f"失败：{gateway.service.auto_login_error}"
        )
        console.print(f"自动登录（{config_path}）{status}")
    console.print(f"API  {url}/api/trader   页面 {url}/   文档 {url}/docs")
    uvicorn.run(create_app(gateway), host=host, port=port, log_level=log_level.lower(), access_log=False)


@app.command()
def captcha(files: Annotated[list[Path], typer.Argument(help="Captcha images (PNG/BMP).")]) -> None:
    """Print what the captcha recogniser reads in each image, one line per file."""
    from .brokers.xiadan.cli_captcha import main_captcha

    raise typer.Exit(main_captcha([str(f) for f in files]))


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    typer.echo(__version__)


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/]")
    raise typer.Exit(2)


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())


if __name__ == "__main__":  # python -m ashare_gateway.cli (used under Wine, where no entry script exists)
    main()
