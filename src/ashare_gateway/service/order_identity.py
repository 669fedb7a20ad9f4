"""What an order *is*, independent of how it was written: its JSON form, and the fingerprint a retry with
the same Idempotency-Key must match.

Why canonical: ``8.710`` and ``8.71`` are one price, and a caller's retry may spell it either way (a
float in one library, a string in another); hashing the spelling would refuse the retry as another
order (409) or, without a key, miss a duplicate.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from ..domain.market_orders import MarketType
from ..domain.models import OrderRequest, Side


def request_json(req: OrderRequest) -> dict[str, Any]:
    return {
        "code": req.code,
        "side": str(req.side),
        "amount": req.amount,
        "price": str(req.price) if req.price is not None else None,
        "market_type": str(req.market_type) if req.market_type else None,
        "protect_price": str(req.protect_price) if req.protect_price is not None else None,
    }


def request_from_json(raw: dict[str, Any]) -> OrderRequest:
    """The journalled order, to send it again exactly as it was first decided (amount "max" resolved)."""
    return OrderRequest(
        code=raw["code"],
        side=Side(raw["side"]),
        amount=int(raw["amount"]),
        price=Decimal(raw["price"]) if raw.get("price") is not None else None,
        market_type=MarketType(raw["market_type"]) if raw.get("market_type") else None,
        protect_price=Decimal(raw["protect_price"]) if raw.get("protect_price") is not None else None,
    )


def _canonical_decimal(value: str | None) -> str | None:
    """``8.710``, ``8.71`` and ``8.7100`` are one price: hashed as the shortest plain form (``8.71``)."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


def _digest(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprint(account: str, req: OrderRequest) -> str:
    """What the order is, for retries and duplicate checks; equal prices hash equal however written."""
    body = request_json(req)
    for name in ("price", "protect_price"):
        body[name] = _canonical_decimal(body[name])
    return _digest([account, body])


def legacy_fingerprint(account: str, req: OrderRequest) -> str:
    """The fingerprint journals written before prices were canonical hold (price exactly as sent)."""
    return _digest([account, request_json(req)])


def terms_fingerprint(account: str, terms: dict[str, Any]) -> str:
    """An order whose price or amount the gateway works out (ths: no price, amount "max"): a retry is
    the same order when its *terms* are, whatever they resolve to now."""
    body = dict(terms)
    if isinstance(body.get("price"), str):
        body["price"] = _canonical_decimal(body["price"])
    return _digest([account, "terms", body])
