"""The CLI's start-up stays light: ``--help`` (and every ``CMD --help``) never loads the gateway's stack.

Why a guard and not a timing: start-up time is noisy on a shared machine (docs/benchmarks/cli.md has the
numbers), but one module-level ``import httpx`` or ``from ..config import Settings`` in a command
module brings back a second of imports for every ``ashare-gateway`` call, and that is exact to check.
Each check runs in a fresh interpreter, so what this test process already imported does not matter.
"""

from __future__ import annotations

import json
import subprocess
import sys

# What the gateway's own work needs and a help text does not (rich only draws the commands' output).
HEAVY = (
    "sqlalchemy",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "pydantic_settings",
    "rich",
    "filelock",
    "exchange_calendars",
    "pandas",
)
# The gateway's layers below the CLI (a command imports them in its body).
LAYERS = ("api", "service", "brokers", "store", "desktop", "gateway", "config", "registry", "instance")

# Runs in the child: every leaf command's --help through the real typer app, then reports sys.modules.
_EVERY_HELP = """
import contextlib, io, json, sys
import typer.main
from ashare_gateway.cli import app

def paths(command, prefix):
    subs = getattr(command, "commands", None)
    if not subs:
        yield prefix
        return
    for name, sub in subs.items():
        yield from paths(sub, [*prefix, name])

helps = []
for path in paths(typer.main.get_command(app), []):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            app([*path, "--help"], prog_name="ashare-gateway")
        except SystemExit as exc:
            assert exc.code in (0, None), (path, exc.code)
    assert "Usage:" in out.getvalue() and "--help" in out.getvalue(), path
    helps.append(" ".join(path))
print(json.dumps({"helps": helps, "modules": sorted(sys.modules)}))
"""


def _child(code: str) -> list[str] | dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


def _layers(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith("ashare_gateway.") and m.split(".")[1] in LAYERS)


def test_importing_the_cli_loads_only_typer_and_the_standard_library() -> None:
    code = "import json, sys, ashare_gateway.cli; print(json.dumps(sorted(sys.modules)))"
    modules = _child(code)
    assert _loaded(modules, (*HEAVY, "pydantic", "pydantic_core")) == []
    assert _layers(modules) == []


def test_the_top_level_help_loads_no_pydantic_either() -> None:
    code = """
import contextlib, io, json, sys
from ashare_gateway.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(["--help"], prog_name="ashare-gateway")
    except SystemExit:
        pass
print(json.dumps(sorted(sys.modules)))
"""
    modules = _child(code)
    assert _loaded(modules, (*HEAVY, "pydantic", "pydantic_core")) == []


def test_every_commands_help_loads_no_more_than_typer_itself() -> None:
    """typer builds a command's parameters with pydantic (typer._adapters): that is typer's own cost,
    paid by any typer program's ``CMD --help``; the gateway's stack is not."""
    found = _child(_EVERY_HELP)
    assert {"serve", "buy", "conditions add", "kill-switch", "clock", "install-task"} <= set(found["helps"])
    assert _loaded(found["modules"], HEAVY) == []
    assert _layers(found["modules"]) == []


def test_the_commands_whose_imports_moved_into_their_bodies_still_run(tmp_path) -> None:
    """token and encrypt-config import config/secrets in their bodies now: run them for real."""
    from tests.cli_inprocess import run_cli

    def said(text: str, out: str) -> bool:  # rich wraps long lines at the console's width
        return "".join(text.split()) in "".join(out.split())

    short = run_cli("token", "--data-dir", str(tmp_path / "d"), "--value", "short")
    assert short.returncode == 2 and said("太短", short.stderr)
    made = run_cli("token", "--data-dir", str(tmp_path / "d"))
    assert made.returncode == 0
    assert (tmp_path / "d" / "api-token").read_text(encoding="utf-8").strip() == made.stdout.strip()
    ini = tmp_path / "config.ini"
    ini.write_text("[Account:a]\nuser = 1\npassword = secret-password\n", encoding="utf-8")
    done = run_cli("encrypt-config", str(ini))
    assert done.returncode == 0 and said("已加密 1 个密码", done.stderr)
    assert "secret-password" not in ini.read_text(encoding="utf-8")
    missing = run_cli("encrypt-config", str(tmp_path / "nope.ini"))
    assert missing.returncode == 2 and said("配置文件不存在", missing.stderr)
