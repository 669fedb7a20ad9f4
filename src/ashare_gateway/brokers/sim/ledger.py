"""The paper broker's books in SQLite: accounts, positions, orders, trades and IPO subscriptions.

Facts are stored (cash, holdings, each order's fills), and beside them the reservations of open orders
(each order's reserved cash or shares, and their totals per account and holding), kept in the same
transaction as the order so 冻结 is one read, not a sum over every open order (:mod:`.reservations`).
The other derived columns (可用, 可取, T+1 availability) are computed from the facts.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Time,
    UniqueConstraint,
)

from ...store.db import DecimalText

metadata = MetaData()

accounts = Table(
    "sim_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("comm_password_hash", String(200)),
    Column("cash", DecimalText, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # Σ reserved_cash of the account's open orders, kept in the orders' own transactions (reservations.py)
    Column("frozen_cash", DecimalText, nullable=False, server_default="0"),
)

positions = Table(
    "sim_positions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("sim_accounts.id"), nullable=False),
    Column("code", String(6), nullable=False),
    Column("name", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("cost_amount", DecimalText, nullable=False),  # 摊薄成本: buys incl. fees minus sells' proceeds
    Column("last_change", Date, nullable=False),
    # Σ reserved_shares of the account's open sells of this code (reservations.py)
    Column("frozen", Integer, nullable=False, server_default="0"),
    UniqueConstraint("account_id", "code"),
)

orders = Table(
    "sim_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("sim_accounts.id"), nullable=False),
    Column("contract_no", String(20), unique=True),
    Column("trade_date", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("code", String(6), nullable=False),
    Column("name", String(32), nullable=False),
    Column("side", String(4), nullable=False),
    Column("market_type", String(32)),  # NULL for limit orders
    Column("price", DecimalText, nullable=False),  # the limit (market orders: their rest/protect price)
    Column("reserve_price", DecimalText, nullable=False),  # cash is frozen at this price (buys)
    Column("quantity", Integer, nullable=False),
    Column("filled", Integer, nullable=False, default=0),
    Column("filled_amount", DecimalText, nullable=False),
    Column("cancelled", Integer, nullable=False, default=0),
    Column("commission_paid", DecimalText, nullable=False),
    Column("status", String(8), nullable=False),
    Column("reason", String(200), nullable=False, default=""),
    Column("is_open", Boolean, nullable=False),
    # What this order holds back while open: a buy's cash (value + most fees), a sell's shares
    Column("reserved_cash", DecimalText, nullable=False, server_default="0"),
    Column("reserved_shares", Integer, nullable=False, server_default="0"),
    Index("ix_sim_orders_open", "is_open", "code"),
    Index("ix_sim_orders_day", "account_id", "trade_date"),
)

trades = Table(
    "sim_trades",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("sim_accounts.id"), nullable=False),
    Column("order_id", ForeignKey("sim_orders.id"), nullable=False),
    Column("trade_date", Date, nullable=False),
    Column("time", Time, nullable=False),
    Column("code", String(6), nullable=False),
    Column("side", String(4), nullable=False),
    Column("price", DecimalText, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount", DecimalText, nullable=False),
    Column("commission", DecimalText, nullable=False),
    Column("stamp_duty", DecimalText, nullable=False),
    Column("transfer_fee", DecimalText, nullable=False),
    Column("t0", Boolean, nullable=False),
    Index("ix_sim_trades_day", "account_id", "trade_date"),
)

ipo_subscriptions = Table(
    "sim_ipo_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", ForeignKey("sim_accounts.id"), nullable=False),
    Column("code", String(6), nullable=False),
    Column("name", String(32), nullable=False),
    Column("price", DecimalText, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("trade_date", Date, nullable=False),
    Column("won", Integer),  # NULL until the lottery (T+1); shares allotted
    Column("settled", Boolean, nullable=False, default=False),  # paid on T+2
    UniqueConstraint("account_id", "code"),
)

market_state = Table(
    "sim_market_state",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", String(64), nullable=False),
)
