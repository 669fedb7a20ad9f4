"""SQLite persistence (SQLAlchemy Core): the paper ledger and the order journal each own their tables."""

from .db import DecimalText, open_engine

__all__ = ["DecimalText", "open_engine"]
