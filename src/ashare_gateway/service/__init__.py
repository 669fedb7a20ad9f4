"""What every broker shares: sessions, validation, the per-client lane (and, later, journal and risk)."""
