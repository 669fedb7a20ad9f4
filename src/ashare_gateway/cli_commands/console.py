"""The CLI's one stderr console and its usage-error exit, shared by every command module."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console(stderr=True)


def fail(message: str) -> NoReturn:
    """Print one red line (however long) and exit 2, typer's own code for a bad command line."""
    console.print(f"[red]{message}[/]", soft_wrap=True, markup=True)
    raise typer.Exit(2)
