"""``ashare-gateway install-task``: start the gateway at logon with the Windows Task Scheduler.

Why a logon task and not a service: the gateway drives the broker client's windows, and GUI automation
only works inside the desktop session of the user who runs the client. A Windows service runs in
session 0, which has no access to that desktop. So the task runs at that user's logon, interactively
(``/IT``), with the same elevation as the client (``--elevated`` when the client runs as
administrator: a non-elevated process cannot drive an elevated window).

The task runs a small ``.cmd`` file written next to the data (schtasks limits ``/TR`` to 261
characters, and a file is easier to read and edit than a quoted command line). The API token is never
put on the task's command line, where any local user can read it: the gateway reads the token file
in its data directory (``ashare-gateway token``).
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

DEFAULT_NAME = "ashare-gateway"
SCRIPT_NAME = "ashare-gateway-task.cmd"
LOG_NAME = "ashare-gateway-task.log"
FORBIDDEN_ARGS = ("--token",)  # secrets stay in the token file, not in the task definition
TEXTS = {
    "not_windows": "install-task 只能在 Windows 上注册计划任务（此系统：{platform}）；"
    "加 --dry-run 可查看将要执行的 schtasks 命令",
    "token_arg": "不要把 API 令牌写进计划任务（任何本机用户都能读到）："
    "先运行 ashare-gateway token --data-dir {data_dir} 生成令牌文件，网关启动时会自动读取",
    "bad_arg": "参数中不能含有换行符或 NUL：{arg!r}",
    "bad_name": '任务名不能为空，也不能含有 \\ / : * ? " < > |：{name!r}',
    "delay": "--delay 应在 0 到 3600 秒之间",
    "created": "已注册计划任务“{name}”：用户 {user} 登录后 {delay} 秒启动网关（日志：{log}）",
    "removed": "已删除计划任务“{name}”",
    "failed": "schtasks 执行失败（退出码 {code}）：{output}",
}


@dataclass
class TaskPlan:
    """Everything the registration does, so ``--dry-run`` can print it and tests can check it."""

    name: str
    python: str
    workdir: Path
    data_dir: Path
    user: str
    delay: int = 30
    elevated: bool = False
    serve_args: list[str] = field(default_factory=list)

    @property
    def script_path(self) -> Path:
        return self.data_dir / SCRIPT_NAME

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    def serve_command(self) -> list[str]:
        return [
            self.python,
            "-m",
            "ashare_gateway.cli",
            "serve",
            "--data-dir",
            str(self.data_dir),
            *self.serve_args,
        ]

    def script(self) -> str:
        """The .cmd the task runs: from the working directory, output appended to the log."""
        line = subprocess.list2cmdline(self.serve_command()).replace("%", "%%")
        log = subprocess.list2cmdline([str(self.log_path)]).replace("%", "%%")
        workdir = subprocess.list2cmdline([str(self.workdir)]).replace("%", "%%")
        return "\r\n".join(
            [
                "@echo off",
                "rem Written by `ashare-gateway install-task`; run at logon by the Task Scheduler.",
                "chcp 65001 >nul",
                "set PYTHONUTF8=1",
                f"cd /d {workdir}",
                f"{line} >> {log} 2>&1",
                "",
            ]
        )

    def create_command(self) -> list[str]:
        """``schtasks /Create``: at this user's logon, in the user's desktop session, replacing an old one."""
        command = [
            "schtasks",
            "/Create",
            "/TN",
            self.name,
            "/TR",
            # The quotes belong to the value: without them a path with a space runs only up to it.
            f'"{self.script_path}"',
            "/SC",
            "ONLOGON",
            "/RU",
            self.user,
            "/IT",
            "/RL",
            "HIGHEST" if self.elevated else "LIMITED",
            "/F",
        ]
        if self.delay:
            command += ["/DELAY", f"{self.delay // 60:04d}:{self.delay % 60:02d}"]
        return command


def delete_command(name: str) -> list[str]:
    return ["schtasks", "/Delete", "/TN", name, "/F"]


def check(plan: TaskPlan) -> None:
    """Refuse what would make a broken or leaky task, with the reason in Chinese."""
    if not plan.name.strip() or any(c in plan.name for c in '\\/:*?"<>|'):
        raise ValueError(TEXTS["bad_name"].format(name=plan.name))
    if not 0 <= plan.delay <= 3600:
        raise ValueError(TEXTS["delay"])
    for arg in plan.serve_args:
        if "\n" in arg or "\r" in arg or "\0" in arg:
            raise ValueError(TEXTS["bad_arg"].format(arg=arg))
        if arg.split("=", 1)[0] in FORBIDDEN_ARGS:
            raise ValueError(TEXTS["token_arg"].format(data_dir=plan.data_dir))


def current_user() -> str:
    domain = os.environ.get("USERDOMAIN")
    user = os.environ.get("USERNAME") or getpass.getuser()
    return f"{domain}\\{user}" if domain else user


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            TEXTS["failed"].format(code=result.returncode, output=(result.stderr or result.stdout).strip())
        )


def command(
    serve_args: Annotated[
        list[str] | None,
        typer.Argument(
            help="Options for `serve`, after `--` (e.g. -- --broker xiadan --config C:\\gw\\config.ini)."
        ),
    ] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="The gateway's data directory.")] = Path(
        "data"
    ),
    name: Annotated[str, typer.Option(help="Task name in the Task Scheduler.")] = DEFAULT_NAME,
    user: Annotated[
        str | None, typer.Option(help="Windows user whose logon starts it (default: you).")
    ] = None,
    delay: Annotated[
        int, typer.Option(help="Seconds after logon (let the desktop and the client start).")
    ] = 30,
    elevated: Annotated[
        bool,
        typer.Option(
            help="Run with highest privileges: needed when the broker client runs as administrator."
        ),
    ] = False,
    remove: Annotated[bool, typer.Option(help="Delete the task instead.")] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Print what would be run and written; change nothing.")
    ] = False,
) -> None:
    """Register the gateway to start at your logon (Windows Task Scheduler; not a service: see docs/guide)."""
    plan = TaskPlan(
        name=name,
        python=sys.executable,
        workdir=Path.cwd(),
        data_dir=data_dir.resolve(),
        user=user or current_user(),
        delay=delay,
        elevated=elevated,
        serve_args=list(serve_args or []),
    )
    try:
        check(plan)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    schtasks = delete_command(name) if remove else plan.create_command()
    if dry_run:
        if not remove:
            typer.echo(f"# {plan.script_path}")
            typer.echo(plan.script().replace("\r\n", "\n"))
        typer.echo(subprocess.list2cmdline(schtasks))
        return
    if sys.platform != "win32":
        typer.echo(TEXTS["not_windows"].format(platform=sys.platform), err=True)
        raise typer.Exit(2)
    try:
        if not remove:
            plan.data_dir.mkdir(parents=True, exist_ok=True)
            plan.script_path.write_bytes(plan.script().encode("utf-8"))
        _run(schtasks)
    except (OSError, RuntimeError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    if remove:
        typer.echo(TEXTS["removed"].format(name=name))
    else:
        typer.echo(TEXTS["created"].format(name=name, user=plan.user, delay=delay, log=plan.log_path))
