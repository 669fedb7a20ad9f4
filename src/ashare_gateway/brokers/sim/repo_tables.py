"""The paper exchange's 国债逆回购 loans: one row per filled repo order, in its own metadata.

The order itself lives in ``sim_orders`` (so 当日委托, cancels, day expiry and reconciliation treat it
like any order) and its fill in ``sim_trades``; this table keeps what only a loan has: the rate, the
interest and the dates the cash comes back (usable, then withdrawable), and whether it has.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table

from ...store.db import DecimalText

metadata = MetaData()

repo_loans = Table(
    "sim_repo_loans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, nullable=False),  # sim_accounts.id
    Column("order_id", Integer, nullable=False, unique=True),  # sim_orders.id
    Column("contract_no", String(20), nullable=False),
    Column("code", String(6), nullable=False),
    Column("rate", DecimalText, nullable=False),  # the filled annualised rate, %
    Column("quantity", Integer, nullable=False),  # 张 of ¥100
    Column("principal", DecimalText, nullable=False),
    Column("commission", DecimalText, nullable=False),
    Column("interest", DecimalText, nullable=False),
    Column("trade_date", Date, nullable=False),
    Column("first_settlement", Date, nullable=False),
    Column("maturity", Date, nullable=False),  # principal and interest usable (可用) from this business day
    Column("maturity_settlement", Date, nullable=False),  # ... and withdrawable (可取) from this date
    Column("days", Integer, nullable=False),
    Column("repaid", Boolean, nullable=False, default=False),
    Index("ix_sim_repo_loans_open", "repaid", "maturity"),
    Index("ix_sim_repo_loans_account", "account_id", "trade_date"),
)
