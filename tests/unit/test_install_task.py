"""``ashare-gateway install-task``: the schtasks command line and the .cmd it builds, through the real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ashare_gateway.install_task import TaskPlan, check, delete_command


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", "install-task", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "USERDOMAIN": "TRADEBOX", "USERNAME": "张三", "COLUMNS": "200"},
    )


def plan(tmp_path: Path, **kw) -> TaskPlan:
    base = dict(
        name="ashare-gateway",
        python=r"C:\Program Files\Python311\python.exe",
        workdir=Path(r"C:\gw"),
        data_dir=tmp_path,
        user="TRADEBOX\\张三",
    )
    return TaskPlan(**{**base, **kw})


def test_the_task_runs_at_the_users_logon_in_their_session(tmp_path: Path) -> None:
    p = plan(tmp_path, delay=90)
    command = p.create_command()
    assert command[:2] == ["schtasks", "/Create"]
    opts = {flag: command[command.index(flag) + 1] for flag in ("/TN", "/SC", "/RU", "/RL", "/DELAY", "/TR")}
    assert opts["/TN"] == "ashare-gateway"
    assert opts["/SC"] == "ONLOGON"  # at logon, not at boot: GUI automation needs the user's desktop
    assert opts["/RU"] == "TRADEBOX\\张三"
    assert opts["/RL"] == "LIMITED"
    assert opts["/DELAY"] == "0001:30"
    assert opts["/TR"] == f'"{tmp_path / "ashare-gateway-task.cmd"}"'
    assert "/IT" in command and "/F" in command  # interactive only; replaces an older task of that name
    assert plan(tmp_path, elevated=True).create_command()[command.index("/RL") + 1] == "HIGHEST"
    assert "/DELAY" not in plan(tmp_path, delay=0).create_command()
    assert delete_command("gw") == ["schtasks", "/Delete", "/TN", "gw", "/F"]


def test_the_script_quotes_paths_and_escapes_percent_signs(tmp_path: Path) -> None:
    data = tmp_path / "my data"
    p = plan(data, serve_args=["--broker", "xiadan", "--config", r"C:\我的 配置\100%.ini"])
    script = p.script()
    assert script.startswith("@echo off\r\n") and script.endswith("\r\n")  # a .cmd wants CRLF
    line = next(x for x in script.split("\r\n") if "serve" in x)
    assert line.startswith(r'"C:\Program Files\Python311\python.exe" -m ashare_gateway.cli serve --data-dir ')
    assert r'--config "C:\我的 配置\100%%.ini"' in line  # % doubled, or cmd would expand it
    assert f'serve --data-dir "{data}" --broker' in line
    assert line.endswith(f' >> "{data / "ashare-gateway-task.log"}" 2>&1')
    assert r"cd /d C:\gw" in script


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"serve_args": ["--token", "s3cret-s3cret-s3cret"]}, "不要把 API 令牌写进计划任务"),
        ({"serve_args": ["--token=s3cret-s3cret-s3cret"]}, "不要把 API 令牌写进计划任务"),
        ({"serve_args": ["--config", "a\r\nshutdown /s"]}, "换行符"),
        ({"name": "gw/evil"}, "任务名"),
        ({"name": " "}, "任务名"),
        ({"delay": -1}, "--delay"),
    ],
)
def test_unsafe_or_broken_tasks_are_refused(tmp_path: Path, change: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check(plan(tmp_path, **change))


def test_dry_run_prints_the_command_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "my data"
    r = cli(
        "--dry-run", "--data-dir", str(data), "--", "--broker", "xiadan", "--listen", "8888:ths", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1] == (
        f'schtasks /Create /TN ashare-gateway /TR "\\"{data}/ashare-gateway-task.cmd\\"" /SC ONLOGON '
        "/RU TRADEBOX\\张三 /IT /RL LIMITED /F /DELAY 0000:30"
    )
    assert any("serve --data-dir" in x and "--broker xiadan --listen 8888:ths" in x for x in lines)
    assert not data.exists()  # nothing written
    removal = cli("--dry-run", "--remove", "--name", "gw2", cwd=tmp_path)
    assert removal.stdout.strip() == "schtasks /Delete /TN gw2 /F"


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows it registers the task")
def test_off_windows_it_refuses_without_dry_run(tmp_path: Path) -> None:
    r = cli("--data-dir", str(tmp_path / "d"), cwd=tmp_path)
    assert r.returncode == 2
    assert "只能在 Windows 上" in r.stderr and "--dry-run" in r.stderr
    assert not (tmp_path / "d").exists()


def test_the_token_is_refused_on_the_command_line_too(tmp_path: Path) -> None:
    r = cli("--dry-run", "--", "--token", "s3cret-s3cret-s3cret", cwd=tmp_path)
    assert r.returncode == 2 and "令牌" in r.stderr and "s3cret" not in r.stdout
