"""``ashare-gateway balance | positions | orders | trades | quote | buy | sell | cancel | cancel-all | ipo``.

Each command talks to a running gateway through the SDK (found per the data dir, see
``client.discovery``), prints a table (or ``--json``) to stdout, errors to stderr, and exits with a code
from :class:`~.exits.Exit`. Orders ask for confirmation unless ``--yes``. The SDK is imported inside the
commands, so ``ashare-gateway --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from . import render
from .console import LazyConsole
from .exits import Exit

if TYPE_CHECKING:
    from ..client import GatewayClient

out = LazyConsole()  # tables and status: stdout
err = LazyConsole(stderr=True)

Url = Annotated[
    str | None,
    typer.Option("--url", help="The gateway (default: <data-dir>/gateway.json, else http://127.0.0.1:5000)."),
]
Token = Annotated[
    str | None,
    typer.Option(
        "--token", help="API token (default: $ASHARE_GATEWAY_TOKEN, else the data dir's token file)."
    ),
]
DataDir = Annotated[Path, typer.Option("--data-dir", help="The running gateway's data folder.")]
Json = Annotated[bool, typer.Option("--json", help="Print the data as JSON (for scripts).")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Session = Annotated[
    str | None, typer.Option("--session", help="A session id (default: the gateway's auto-login session).")
]


AccountName = Annotated[
    str | None,
    typer.Option(
        "--account", help="The gateway account (config.ini [Account:NAME]); needed when it has several."
    ),
]


def _die(code: Exit, message: str) -> NoReturn:
    err.print(f"[red]{message}[/]", highlight=False)
    raise typer.Exit(int(code))


@contextmanager
def _gateway(
    url: str | None, token: str | None, data_dir: Path, session: str | None, account: str | None = None
) -> Iterator[GatewayClient]:
    """The SDK client for the gateway, with every SDK error turned into a message and an exit code."""
    from ..client import (
        GatewayAPIError,
        GatewayClient,
        GatewayUnreachable,
        OutcomeUnknown,
        ServerError,
        Unauthorized,
        find_gateway,
    )
    from ..client.errors import Forbidden, NotSupported

    found_url, found_token = find_gateway(data_dir, url=url, token=token)
    try:
        with GatewayClient(found_url, token=found_token, session_id=session, account=account) as gw:
            yield gw
    except GatewayUnreachable as exc:
        _die(Exit.UNREACHABLE, f"{exc}（网关是否已启动？可用 --url 指定）")
    except ValueError as exc:  # the SDK refused an input before sending it
        _die(Exit.USAGE, str(exc))
    except GatewayAPIError as exc:
        if isinstance(exc, Unauthorized | Forbidden):
            code = Exit.UNAUTHORIZED
        elif isinstance(exc, OutcomeUnknown):
            code = Exit.UNKNOWN
        elif isinstance(exc, ServerError | NotSupported):
            code = Exit.FAILED
        else:
            code = Exit.REFUSED
        _die(code, f"{exc.code} {exc.message}")


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:  # no terminal (stdin closed) is not a yes
        agreed = False
    if not agreed:
        _die(Exit.NOT_CONFIRMED, "未确认，未发送")


T = TypeVar("T")


def _act(
    question: str, act: Callable[[GatewayClient], T], *, yes: bool, url: str | None, token: str | None,
    data_dir: Path, session: str | None, account: str | None,
) -> T:  # fmt: skip
    """What every command that changes something does: open the gateway, ask (unless --yes), act."""
    with _gateway(url, token, data_dir, session, account) as gw:
        _confirm(question, yes)
        return act(gw)


def _answer(json: bool, data: Any, text: str) -> None:
    """``data`` as JSON with --json, else the sentence for a person."""
    if json:
        render.print_json(out, data)
    else:
        out.print(text)


def _table_command(name: str, title: str, fetch: Callable[[Any], list]) -> Callable[..., None]:
    def command(url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
                session: Session = None, account: AccountName = None) -> None:  # fmt: skip
        with _gateway(url, token, data_dir, session, account) as gw:
            rows = [r.raw for r in fetch(gw)]
        if json:
            render.print_json(out, rows)
        else:
            out.print(render.rows_table(title, render.COLUMNS[name], rows))

    command.__doc__ = f"Show {title}."
    return command


def balance(
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Show the account's cash and assets."""
    with _gateway(url, token, data_dir, session, account) as gw:
        row = gw.balance().raw
    if json:
        render.print_json(out, row)
    else:
        out.print(render.pairs_table("资金", render.BALANCE, row))


def quote(
    code: Annotated[str, typer.Argument(help="Security code, e.g. 600000.")],
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Show a quote: last price, limits, phase and the five-level book."""
    with _gateway(url, token, data_dir, session, account) as gw:
        row = gw.quote(code).raw
    if json:
        render.print_json(out, row)
    else:
        out.print(render.pairs_table("行情", render.QUOTE, row))
        out.print(render.book_table(row))


def _order_command(side: str, label: str) -> Callable[..., None]:
    def command(
        code: Annotated[str, typer.Argument(help="Security code, e.g. 600000.")],
        price: Annotated[str, typer.Argument(help="Limit price in yuan, e.g. 8.75.")],
        amount: Annotated[int, typer.Argument(help="Shares (a multiple of 100 for most buys).")],
        key: Annotated[
            str | None, typer.Option(help="Idempotency-Key (default: a new one; reuse it to retry safely).")
        ] = None,
        url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
        yes: Yes = False, session: Session = None, account: AccountName = None,
    ) -> None:  # fmt: skip
        where = f"在账户 {account} " if account else ""
        question = f"确认{where}{label} {code} {amount}股，价格 {price} 元？"
        result = _act(question, lambda gw: getattr(gw, side)(code, price, amount, key=key), yes=yes, url=url,
                      token=token, data_dir=data_dir, session=session, account=account)  # fmt: skip
        data = {
            "合同编号": result.contract_no,
            "委托编号": result.entrust_no,
            "message": result.message,
            "idempotency_key": result.idempotency_key,
        }
        if result.dry_run:
            text = f"{result.message}（未发送）"
        else:
            text = f"{label}委托已提交：合同编号 {result.contract_no}（幂等键 {result.idempotency_key}）"
        _answer(json, data, text)

    command.__doc__ = f"Place a limit {side} order (asks first unless --yes)."
    return command


def cancel(
    contract_no: Annotated[str, typer.Argument(help="合同编号 of the order (see `orders`).")],
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    yes: Yes = False, session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Cancel one order by its 合同编号."""
    done = _act(f"确认撤销委托 {contract_no}？", lambda gw: gw.cancel(contract_no), yes=yes, url=url,
                token=token, data_dir=data_dir, session=session, account=account)  # fmt: skip
    _answer(json, {"合同编号": done}, f"撤单成功：合同编号 {done}")


def cancel_all(
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    yes: Yes = False, session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Cancel every open order."""
    count = _act("确认撤销所有可撤委托？", lambda gw: gw.cancel_all(), yes=yes, url=url, token=token,
                 data_dir=data_dir, session=session, account=account)  # fmt: skip
    _answer(json, {"撤销数量": count}, f"已撤销 {count} 笔委托")


def ipo(
    url: Url = None, token: Token = None, data_dir: DataDir = Path("data"), json: Json = False,
    yes: Yes = False, session: Session = None, account: AccountName = None,
) -> None:  # fmt: skip
    """Subscribe to every new share (新股申购) available today."""
    result = _act("确认申购今日全部可申购新股？", lambda gw: gw.auto_ipo(), yes=yes, url=url, token=token,
                  data_dir=data_dir, session=session, account=account)  # fmt: skip
    applied = [{"证券代码": a.code, "证券名称": a.name, "申购数量": a.amount} for a in result.applied]
    text = f"可申购新股 {result.entitled} 只，本次申购 {len(applied)} 只"
    _answer(json, {"可申购新股数量": result.entitled, "已申购新股": applied}, text)
    if not json and applied:
        out.print(render.rows_table("已申购新股", ("证券代码", "证券名称", "申购数量"), applied))


def register(app: typer.Typer) -> None:
    app.command("balance")(balance)
    app.command("positions")(_table_command("positions", "持仓", lambda gw: gw.positions()))
    app.command("orders")(_table_command("orders", "当日委托", lambda gw: gw.today_entrusts()))
    app.command("trades")(_table_command("trades", "当日成交", lambda gw: gw.today_trades()))
    app.command("quote")(quote)
    app.command("buy")(_order_command("buy", "买入"))
    app.command("sell")(_order_command("sell", "卖出"))
    app.command("cancel")(cancel)
    app.command("cancel-all")(cancel_all)
    app.command("ipo")(ipo)
