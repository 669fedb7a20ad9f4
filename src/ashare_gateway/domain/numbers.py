"""Reading a number a caller sent, refused by its size before it is converted.

Why not ``Decimal(str(value))``: Python's Decimal accepts full-width and other Unicode digits
(``"１００"``), underscores (``"1_00"``), ``NaN`` and ``Infinity``, and a tiny text such as ``1e999999``
whose integer value has a million digits: turning it into an ``int`` holds the GIL for tens of seconds
(the whole gateway froze). Here the text is matched against plain ASCII decimal notation and its digit
count and exponent are bounded first, so every conversion afterwards is cheap.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

MAX_DIGITS = 20  # significant digits, and the largest power of ten: far above any price or amount
MAX_TEXT = 64  # characters, checked before anything else

_DECIMAL = re.compile(r"[+-]?(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]+))?")

TEXTS = {
    "kind": "",  # plain garbage ("abc", a list): the caller's own message says enough
    "long": "数字过长",
    "ascii": "须为半角数字，不支持全角数字、下划线等字符",
    "finite": "不能是NaN或无穷大",
    "size": f"数字过大或位数过多，最多{MAX_DIGITS}位",
}


class NotANumber(ValueError):
    """Not a number this gateway accepts; ``reason`` is a Chinese text for the caller, or "" when the
    value is simply not numeric."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_decimal(value: object) -> Decimal:
    """A finite Decimal from an int, a float or a numeric string; bools and anything else refused."""
    if isinstance(value, bool):
        raise NotANumber(TEXTS["kind"])
    if isinstance(value, int):
        if value.bit_length() > 4 * MAX_DIGITS:  # before any str() or Decimal() of a huge int
            raise NotANumber(TEXTS["size"])
        return _checked(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotANumber(TEXTS["finite"])
        return _checked(Decimal(repr(value)))  # the shortest repr: 8.75 stays 8.75
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(TEXTS["finite"])
        return _checked(value)
    if not isinstance(value, str):
        raise NotANumber(TEXTS["kind"])
    return _checked(_parse_text(value))


def _parse_text(raw: str) -> Decimal:
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise NotANumber(TEXTS["long"])
    if text.lower().lstrip("+-") in ("nan", "snan", "inf", "infinity"):
        raise NotANumber(TEXTS["finite"])
    match = _DECIMAL.fullmatch(text)
    if match is None or not (match["int"] or match["frac"]):
        lookalike = "_" in text or any(c.isdigit() and not c.isascii() for c in text)
        raise NotANumber(TEXTS["ascii"] if lookalike else TEXTS["kind"])
    if match["exp"] is not None and len(match["exp"].lstrip("+-").lstrip("0")) > 3:
        raise NotANumber(TEXTS["size"])  # 1e999999: a short text, a million-digit integer
    return Decimal(text)


def _checked(number: Decimal) -> Decimal:
    """Bound the magnitude and precision, so ``int()`` and quantizing stay cheap."""
    if number and not -MAX_DIGITS <= number.adjusted() < MAX_DIGITS:
        raise NotANumber(TEXTS["size"])
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise NotANumber(TEXTS["size"])
    return number
