"""Finding a running gateway and its token the way every command does (contract 1 of the project).

URL: the explicit one, else ``url`` from ``<data_dir>/gateway.json`` (written by a running gateway,
removed on a clean exit), else http://127.0.0.1:5000. Token: the explicit one, else
``$ASHARE_GATEWAY_TOKEN``, else the token file ``ashare-gateway token`` wrote in the data dir.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..token_file import read_token_file  # the one reader of that file (standard library only)
from .transport import DEFAULT_URL

STATE_FILE = "gateway.json"
TOKEN_ENV = "ASHARE_GATEWAY_TOKEN"


def gateway_url(data_dir: Path, explicit: str | None = None) -> str:
    if explicit:
        return explicit.rstrip("/")
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_URL
    url = state.get("url") if isinstance(state, dict) else None
    return url.rstrip("/") if isinstance(url, str) and url.startswith("http") else DEFAULT_URL


def gateway_token(data_dir: Path, explicit: str | None = None) -> str | None:
    if explicit:
        return explicit
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV]
    return read_token_file(data_dir)


def find_gateway(
    data_dir: Path | str = "data", *, url: str | None = None, token: str | None = None
) -> tuple[str, str | None]:
    """``(url, token)`` of the gateway serving ``data_dir``."""
    folder = Path(data_dir).resolve()
    return gateway_url(folder, url), gateway_token(folder, token)
