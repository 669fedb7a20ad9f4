"""Reading what a caller sent: a JSON (or form) body as a dict, the session id from query or header.

Bodies are parsed by hand rather than by pydantic models so that a missing field yields the spec's own
message (``缺少必填参数：comm_password``) with a 400, never pydantic's 422.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from ..domain import messages as msg
from ..domain.errors import InvalidParameter

MAX_BODY = 64 * 1024


async def body_dict(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidParameter("请求体过大", status_code=413)
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "")
    looks_json = raw.lstrip()[:1] in (b"{", b"[")
    if not looks_json and ("application/x-www-form-urlencoded" in ctype or "multipart/form-data" in ctype):
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameter(msg.BAD_JSON) from None
    if not isinstance(data, dict):
        raise InvalidParameter(msg.BAD_JSON)
    return data


def session_id(request: Request) -> str | None:
    """``session_id`` from the query (spec §4) or the ``X-Session-Id`` header; blank means none."""
    value = request.query_params.get("session_id") or request.headers.get("x-session-id")
    return value.strip() or None if value else None
