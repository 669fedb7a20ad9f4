"""Paper accounts: opening one (with holdings bought "before today"), the demo account, and logins.

Passwords are stored as scrypt hashes (:mod:`.passwords`); nothing here ever logs or returns one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ...domain.errors import InvalidParameter
from . import ledger as t
from .passwords import hash_password, verify_password
from .quotes import Reference

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_CASH = Decimal("1000000")
# Holdings of the demo account, bought before "today": they make sells, IPO quotas and the spec's
# example positions meaningful from the first request.
DEMO_HOLDINGS = (
    ("600000", 1000, Decimal("8.50")),
    ("000001", 1000, Decimal("10.80")),
    ("000858", 800, Decimal("120.00")),
    ("600519", 100, Decimal("1400.00")),
    ("510300", 10000, Decimal("3.900")),
)
HELD_SINCE_DAYS = 30  # holdings given at opening count as bought this many days earlier


@cache
def _demo_password_hash() -> str:
    """The demo account's password is published (README, ``DEMO_PASSWORD``): its hash guards nothing, so
    it is computed once per process, not once per paper database (55 ms of scrypt each)."""
    return hash_password(DEMO_PASSWORD)


def _password_hash(user: str, password: str) -> str:
    if (user, password) == (DEMO_USER, DEMO_PASSWORD):
        return _demo_password_hash()
    return hash_password(password)


class Accounts:
    """The accounts table: who may log in, and each account's opening cash and holdings."""

    def __init__(
        self, db: Engine, now: Callable[[], dt.datetime], reference: Callable[[str], Reference]
    ) -> None:
        self.db = db
        self._now = now
        self._reference = reference

    def create(
        self,
        user: str,
        password: str,
        comm_password: str | None = None,
        *,
        cash: Decimal = DEMO_CASH,
        holdings: tuple[tuple[str, int, Decimal], ...] = (),
    ) -> None:
        """Open a paper account; ``holdings`` are (code, shares, cost price) bought before today."""
        with self.db.begin() as conn:
            if conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).first():
                raise InvalidParameter(f"账户已存在：{user}")
            now = self._now()
            account_id = conn.execute(
                t.accounts.insert().values(
                    user=user,
                    password_hash=_password_hash(user, password),
                    comm_password_hash=hash_password(comm_password) if comm_password else None,
                    cash=cash,
                    created_at=now.replace(tzinfo=None),
                )
            ).inserted_primary_key[0]
            for code, qty, cost in holdings:
                ref = self._reference(code)
                conn.execute(
                    t.positions.insert().values(
                        account_id=account_id,
                        code=code,
                        name=ref.name,
                        quantity=qty,
                        cost_amount=cost * qty,
                        last_change=now.date() - dt.timedelta(days=HELD_SINCE_DAYS),
                    )
                )

    def exists(self, user: str) -> bool:
        with self.db.connect() as conn:
            return conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).first() is not None

    def check_login(self, user: str, password: str, comm_password: str | None) -> bool:
        """Passwords against the stored hashes; an account with a 通讯密码 requires it."""
        with self.db.connect() as conn:
            row = conn.execute(select(t.accounts).where(t.accounts.c.user == user)).mappings().first()
        if row is None or not verify_password(password, row["password_hash"]):
            return False
        if row["comm_password_hash"]:
            return comm_password is not None and verify_password(comm_password, row["comm_password_hash"])
        return True

    def account_id(self, user: str) -> int:
        with self.db.connect() as conn:
            found = conn.execute(select(t.accounts.c.id).where(t.accounts.c.user == user)).scalar()
        if found is None:
            raise InvalidParameter(f"账户不存在：{user}")
        return int(found)
