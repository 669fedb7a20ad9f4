"""The CLI's consoles and its usage-error exit, shared by every command module.

Why the rich consoles are made on first use (:class:`LazyConsole`): importing rich costs ~25 ms, and
``ashare-gateway --help`` imports only typer and the standard library (docs/benchmarks/cli.md).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A ``rich.console.Console`` built the first time it is used; every attribute is the console's."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr

    @functools.cached_property
    def _console(self) -> Console:
        from rich.console import Console

        return Console(stderr=self._stderr)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)


console = LazyConsole(stderr=True)


def fail(message: str) -> NoReturn:
    """Print one red line (however long) and exit 2, typer's own code for a bad command line."""
    console.print(f"[red]{message}[/]", soft_wrap=True, markup=True)
    raise typer.Exit(2)
