"""What the OpenAPI document says about the ``/api/trader`` dialect: bodies and every status it answers.

Request bodies are declared by their request models (``api/models/<dialect>.py``, through
``models.request_body``: /api/trader, ths, easytrader, conditions, repo lending, the kill switch, the
clock), never written by hand here; what stays here is the envelope every status answers in. A complete
document lets a schema fuzzer (schemathesis) check that every response matches what is documented.
"""

from __future__ import annotations

from typing import Any

ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "data"],
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string"},
        "data": {},
    },
}

_ERRORS = {
    400: "参数缺失或格式错误、委托被拒绝",
    401: "session_id 无效或过期（或缺少 API 令牌）",
    403: "来源地址不在允许列表中",
    404: "接口不存在",
    405: "请求方法不允许",
    409: "幂等键已用于另一笔委托",
    413: "请求体过大",
    429: "请求过于频繁",
    500: "服务内部异常或客户端连接失败",
    501: "当前客户端不支持该操作",
    504: "操作超时",
}


def responses() -> dict[int | str, dict[str, Any]]:
    """Every status an endpoint can answer, each in the envelope."""
    out: dict[int | str, dict[str, Any]] = {
        200: {"description": "成功", "content": {"application/json": {"schema": ENVELOPE}}}
    }
    for code, text in _ERRORS.items():
        out[code] = {"description": text, "content": {"application/json": {"schema": ENVELOPE}}}
    return out
