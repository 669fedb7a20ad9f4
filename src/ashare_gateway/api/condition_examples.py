"""The OpenAPI examples of ``/api/trader/conditions`` (merged into ``openapi_examples.EXAMPLES``)."""

from __future__ import annotations

from typing import Any

_P = "/api/trader/conditions"
_STOP = {
    "type": "stop_loss",
    "security": "600000",
    "side": "sell",
    "amount": "all",
    "trigger_price": 8.45,
    "price_type": "trigger_offset",
    "ticks": 2,
    "valid": "2026-12-31",
}
_ROW: dict[str, Any] = {
    "id": 7,
    "account": "demo",
    "oco_group": None,
    "kind": "stop_loss",
    "code": "600000",
    "side": "sell",
    "amount": "all",
    "price_type": "trigger_offset",
    "valid_until": "2026-12-31",
    "trigger_price": "8.45",
    "trail_percent": None,
    "trail_amount": None,
    "at": None,
    "limit_price": None,
    "ticks": 2,
    "ttype": None,
    "protect_price": None,
    "kind_label": "止损",
    "state": "armed",
    "state_label": "等待触发",
    "extreme": None,
    "idempotency_key": None,
    "order": None,
    "trigger_last": None,
    "合同编号": None,
    "message": "",
    "created_at": "2026-11-20 10:00:00",
    "triggered_at": None,
    "updated_at": "2026-11-20 10:00:00",
}
_CANCELLED = {**_ROW, "state": "cancelled", "state_label": "撤销", "message": "已撤销"}


def _ok(data: Any, message: str) -> dict[str, Any]:
    return {"code": 200, "message": message, "data": data}


EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", _P): {"request": _STOP, "response": _ok([_ROW], "条件单已创建")},
    ("get", _P): {"query": {"state": "armed"}, "response": _ok([_ROW], "查询成功")},
    ("delete", _P + "/{condition_id}"): {"response": _ok(_CANCELLED, "条件单已撤销")},
    ("post", _P + "/{condition_id}/cancel"): {"response": _ok(_CANCELLED, "条件单已撤销")},
}
