"""Reading what a caller sent: a JSON (or form) body as a dict, the session id from query or header.

The body read here is then checked by the route's pydantic model (``api/models/``), whose validators
raise the spec's own messages (``缺少必填参数：comm_password``) with a 400, never pydantic's 422.
The JSON reader is strict
where Python's ``json`` is lenient and the lenience costs money or a 500: a key given twice (which one
is the amount?), ``NaN``/``Infinity``, nesting deep enough to raise RecursionError, lone UTF-16
surrogates (which later fail to encode into SQLite or a response), and numbers long enough to be slow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from ..domain import messages as msg
from ..domain.errors import InvalidParameter

MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # JSON nesting; the spec's bodies are flat objects (easytrader nests one "kwargs")
MAX_NUMBER_TEXT = 64  # characters of one JSON number literal

TEXTS = {
    "duplicate": "参数重复：{name}（同一参数只能给一次）",
    "depth": f"请求体嵌套过深（最多{MAX_DEPTH}层）",
    "constant": "请求体包含不支持的数值：{name}（NaN或无穷大）",
    "number": "请求体中的数字过长",
    "surrogate": "请求体包含无效的Unicode字符（孤立的代理项）",
}

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class _Refused(ValueError):
    """Raised from inside the JSON decoder's hooks; carries the Chinese message."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Refused(TEXTS["duplicate"].format(name=_short(key)))
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise _Refused(TEXTS["constant"].format(name=name))


def _bounded(convert: type) -> Any:
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_TEXT:
            raise _Refused(TEXTS["number"])
        return convert(text)

    return parse


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_object,
    parse_constant=_no_constant,
    parse_int=_bounded(int),
    parse_float=_bounded(float),
)


def _too_deep(raw: bytes) -> bool:
    """Whether brackets nest deeper than MAX_DEPTH, counted outside string literals (linear, no recursion)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _has_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object body, or :class:`InvalidParameter` with the reason (never RecursionError)."""
    if _too_deep(raw):
        raise InvalidParameter(TEXTS["depth"])
    try:
        data = _DECODER.decode(raw.decode("utf-8-sig"))
    except _Refused as exc:
        raise InvalidParameter(str(exc)) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidParameter(msg.BAD_JSON) from None
    if not isinstance(data, dict):
        raise InvalidParameter(msg.BAD_JSON)
    if _has_surrogate(data):
        raise InvalidParameter(TEXTS["surrogate"])
    return data


def duplicate_name(pairs: Iterable[tuple[str, Any]]) -> str | None:
    """The first name given twice, if any (a query string or form with ``amount=100&amount=max``)."""
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            return name
        seen.add(name)
    return None


def duplicate_query_name(query_string: bytes) -> str | None:
    """The first query parameter given twice; read from the raw ASGI query string."""
    if not query_string:
        return None
    return duplicate_name(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


def duplicate_refusal(name: str) -> str:
    return TEXTS["duplicate"].format(name=_short(name))


def _short(name: str) -> str:
    return name if len(name) <= 32 else name[:32] + "…"


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
        items = form.multi_items()
        name = duplicate_name(items)
        if name is not None:
            raise InvalidParameter(duplicate_refusal(name))
        return {k: v for k, v in items if isinstance(v, str)}
    return parse_json_object(raw)


def session_id(request: Request) -> str | None:
    """``session_id`` from the query (spec §4) or the ``X-Session-Id`` header; blank means none."""
    value = request.query_params.get("session_id") or request.headers.get("x-session-id")
    return value.strip() or None if value else None
