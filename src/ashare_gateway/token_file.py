"""Where ``ashare-gateway token`` keeps the API token of a data folder, and its one reader.

A module of its own, importing only the standard library, because both sides read it: the gateway
(``config``, ``serve``) and the SDK's discovery (``client/discovery.py``), which must not load the
gateway's packages (the ``sdk`` contract in ``.importlinter``).
"""

from __future__ import annotations

from pathlib import Path

TOKEN_FILE = "api-token"


def read_token_file(data_dir: Path) -> str | None:
    """The token ``ashare-gateway token`` stored for this data folder, if any ("" when the file is blank:
    serve refuses it rather than running without the token the user meant to set)."""
    path = data_dir / TOKEN_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None
