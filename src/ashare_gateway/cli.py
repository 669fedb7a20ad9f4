"""The ``ashare-gateway`` command: ``serve`` the gateway, and small tools for users diagnosing a setup."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

# Every module imported here imports only typer and the standard library; each command imports what it
# uses in its body, so `ashare-gateway --help` (and every `CMD --help`) stays fast: docs/benchmarks/cli.md,
# guarded by tests/unit/test_cli_imports.py.
from .cli_clock import clock_command
from .cli_commands import conditions as conditions_commands
from .cli_commands import trading as trading_commands
from .cli_commands.console import console, fail
from .cli_commands.serve import serve
from .install_task import command as install_task_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="A-share broker clients behind one HTTP API.",
    rich_markup_mode=None,  # plain help: rich's help renderer alone costs ~0.8 s of imports per --help
)


app.command()(serve)  # the gateway itself: cli_commands/serve.py


@app.command()
def captcha(files: Annotated[list[Path], typer.Argument(help="Captcha images (PNG/BMP).")]) -> None:
    """Print what the captcha recogniser reads in each image, one line per file."""
    from .brokers.ths.captcha import main_captcha

    raise typer.Exit(main_captcha([str(f) for f in files]))


@app.command("token")
def token_command(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where serve keeps its files.")] = Path("data"),
    value: Annotated[
        str | None, typer.Option(help="Store this token instead of a new random one (16+ characters).")
    ] = None,
) -> None:
    """Generate an API token, store it (readable by you only) in --data-dir, and print it."""
    from .config import write_token_file
    from .secrets import BadToken, new_token

    value = new_token() if value is None else value
    try:
        path = write_token_file(data_dir.resolve(), value)
    except BadToken as exc:
        fail(str(exc))
    console.print(f"令牌已写入 {path}（serve 会自动读取）")
    typer.echo(value)


@app.command("encrypt-config")
def encrypt_config(path: Annotated[Path, typer.Argument(help="The config.ini to encrypt in place.")]) -> None:
    """Encrypt the passwords of a config.ini in place (DPAPI on Windows, a private key elsewhere)."""
    from .domain.errors import GatewayError
    from .secrets import encrypt_config_file

    if not path.is_file():
        fail(f"配置文件不存在：{path}")
    try:
        count = encrypt_config_file(path)
    except GatewayError as exc:
        fail(exc.message)
    console.print(f"已加密 {count} 个密码：{path}" if count else f"没有需要加密的明文密码：{path}")


@app.command("kill-switch")
def kill_switch(
    state: Annotated[str, typer.Argument(help="on: cancel open orders and refuse new ones; off: lift it.")],
    account: Annotated[
        str | None,
        typer.Option(help="Only this gateway account (config.ini [Account:NAME]; default: all)."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="The running gateway to tell (default: the one holding --data-dir, if any)."),
    ] = None,
    token: Annotated[str | None, typer.Option(help="Its API token, if it has one.")] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Its data folder.")] = Path("data"),
    config: Annotated[
        Path | None,
        typer.Option(help="Its config.ini, to find --account's broker account when it is not running."),
    ] = None,
) -> None:
    """Turn the kill switch on or off: through the gateway running on --data-dir (which also cancels
    open orders), else straight in its journal, which a running gateway reads at every order."""
    from .instance import find_running
    from .token_file import read_token_file

    if state not in ("on", "off"):
        fail("状态只能是 on 或 off")
    on = state == "on"
    data_dir = data_dir.resolve()
    running = find_running(data_dir)
    url = url or (running.url if running else None)
    if url is not None:
        token = token or os.environ.get("ASHARE_GATEWAY_TOKEN") or read_token_file(data_dir)
        if _kill_switch_through(url, token, on, account):
            return
    if account is not None:
        from .cli_commands.kill_switch_account import broker_account

        try:
            account = broker_account(account, config)
        except ValueError as exc:
            fail(str(exc))
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
        fail(f"网关 {url} 的回答无法解析（HTTP {resp.status_code}）")
    if resp.status_code != 200:
        fail(body.get("message", resp.text))
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
conditions_commands.register(app)  # conditions list | add | cancel


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())


if __name__ == "__main__":  # python -m ashare_gateway.cli (used under Wine, where no entry script exists)
    main()
