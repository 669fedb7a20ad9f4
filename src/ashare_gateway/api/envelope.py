"""The ``/api/trader`` envelope (spec §2): ``{code, message, data}`` with the HTTP status equal to code."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


def ok(data: Any = None, message: str = "查询成功") -> JSONResponse:
    return JSONResponse({"code": 200, "message": message, "data": data}, status_code=200)


def fail(code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": None}, status_code=code)
