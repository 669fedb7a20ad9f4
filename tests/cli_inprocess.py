"""The real ``ashare-gateway`` command run in the test's own process (typer's CliRunner).

For commands that answer and exit (a refused option, a client command talking HTTP to a served
gateway): the same ``cli.app`` a user runs, without paying a new Python start and the gateway's imports
per call (2–15 s each on a busy machine). Commands that must run as their own process (``serve``
itself, a kill) keep ``tests/process.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str | None] | None = None) -> Ran:
    from ashare_gateway.cli import app

    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)
