"""The built-in paper exchange: A-share rules, a deterministic market, and a SQLite ledger."""

from .broker import SimBroker
from .exchange import SimExchange
from .quotes import OfflineQuotes, QuoteSource

__all__ = ["OfflineQuotes", "QuoteSource", "SimBroker", "SimExchange"]
