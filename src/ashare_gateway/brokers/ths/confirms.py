"""Check what a confirm dialog shows against what was asked, before answering 是: pure functions.

Why strict: the confirm is the last moment an order or a cancel can still be stopped. A field typed
into the wrong control, a page that had not switched yet, a grid row that moved between the read and
the click: each shows up here as a confirm that does not match. So the order confirm must show *our*
code, amount and (limit orders) price, and the 撤单确认 must show the selected row's code, price and
amount (the real one shows no 合同编号: easyths order_cancel.py:63-68). Anything missing or different
is a reason to answer 否, returned as a Chinese sentence; ``None`` means it matches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ...domain.models import Entrust, OrderRequest
from .dialogs import parse_contract_no

_CODE = re.compile(r"(?:证券|股票)代码\s*[:：]?\s*(\d{6})")
_PRICE = re.compile(r"价格\s*[:：]\s*(\d+(?:\.\d+)?)")
_AMOUNT = re.compile(r"数量\s*[:：]\s*(\d+)")
_SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# "您确认要撤销这( 2 )笔委托吗？\n\n( 总共 2 笔可撤委托 )" (xiadan-gateway trading_service.py:223):
# the first count is what this click cancels; "共 N 笔" is the older wording's only count.
_MANY = re.compile(r"撤销这?\s*[(（]\s*(\d+)\s*[)）]\s*笔")
_TOTAL = re.compile(r"共\s*(\d+)\s*笔")


@dataclass(frozen=True, slots=True)
class CancelConfirmIds:
    """Statics of the real 撤单确认 (easyths order_cancel.py:64-67)."""

    code: int = 0x412
    price: int = 0x413
    amount: int = 0x414
    tip: int = 0x6E8


@dataclass(frozen=True, slots=True)
class Shown:
    """What a confirm shows; None where it shows nothing readable."""

    code: str | None = None
    price: Decimal | None = None
    amount: int | None = None
    contract_no: str | None = None


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    found = _NUMBER.search(text.replace(",", ""))
    try:
        return Decimal(found.group(0)) if found else None
    except InvalidOperation:
        return None


def order_confirm_shown(text: str) -> Shown:
    """Code, price and amount in a 委托确认 text ("证券代码：600000 … 买入价格：8.41 … 买入数量：200")."""
    code, price, amount = _CODE.search(text), _PRICE.search(text), _AMOUNT.search(text)
    return Shown(
        code=code.group(1) if code else None,
        price=Decimal(price.group(1)) if price else None,
        amount=int(amount.group(1)) if amount else None,
    )


def order_confirm_mismatch(text: str, request: OrderRequest) -> str | None:
    """Why the 委托确认 ``text`` does not confirm ``request`` (None when it does)."""
    shown = order_confirm_shown(text)
    if shown.code is None:
        return "委托确认框中找不到证券代码，无法核对"
    if shown.code != request.code:
        return f"委托确认框的证券代码（{shown.code}）与请求（{request.code}）不符"
    if shown.amount is None:
        return "委托确认框中找不到委托数量，无法核对"
    if shown.amount != request.amount:
        return f"委托确认框的数量（{shown.amount}）与请求（{request.amount}）不符"
    if request.price is not None and not request.is_market:
        if shown.price is None:
            return "委托确认框中找不到委托价格，无法核对"
        if shown.price != request.price:
            return f"委托确认框的价格（{shown.price}）与请求（{request.price}）不符"
    return None


def cancel_confirm_shown(statics: Mapping[int, str], text: str, ids: CancelConfirmIds) -> Shown:
    """What a 撤单确认 shows: from its statics by id, else from its text (a build that writes sentences)."""
    if ids.code in statics:
        code = _SIX_DIGITS.search(statics.get(ids.code, ""))
        amount = _decimal(statics.get(ids.amount))
        return Shown(
            code=code.group(1) if code else None,
            price=_decimal(statics.get(ids.price)),
            amount=int(amount) if amount is not None and amount == amount.to_integral_value() else None,
            contract_no=parse_contract_no(text),
        )
    shown = order_confirm_shown(text)
    return Shown(shown.code, shown.price, shown.amount, parse_contract_no(text))


def cancel_confirm_mismatch(shown: Shown, row: Entrust) -> str | None:
    """Why a 撤单确认 does not show the row selected for cancelling (None when it does).

    The amount may be the order's whole amount or what is still open (builds differ; unverified which
    a given build shows), so either is accepted; a price is compared when the confirm shows one.
    """
    if shown.contract_no is not None and shown.contract_no != row.contract_no:
        return f"撤单确认框的合同编号（{shown.contract_no}）与请求（{row.contract_no}）不符"
    if shown.code is None:
        return "撤单确认框中找不到证券代码，无法核对"
    if shown.code != row.code:
        return f"撤单确认框的证券代码（{shown.code}）与所选委托（{row.code}）不符"
    if shown.price is not None and row.price and shown.price != row.price:
        return f"撤单确认框的价格（{shown.price}）与所选委托（{row.price}）不符"
    open_amount = row.quantity - row.filled_quantity - row.cancelled_quantity
    if shown.amount is not None and shown.amount not in (row.quantity, open_amount):
        return f"撤单确认框的数量（{shown.amount}）与所选委托（{row.quantity}）不符"
    return None


def cancel_many_count(text: str) -> int | None:
    """How many orders a cancel-all confirm says it will cancel; None when it does not say."""
    found = _MANY.search(text) or _TOTAL.search(text)
    return int(found.group(1)) if found else None
