"""Exit codes of the trading commands: what a script can branch on. Documented in docs/cli.md."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    REFUSED = 1  # the gateway or the broker said no (bad input, rejected order, key conflict): nothing done
    USAGE = 2  # bad command line (typer's own code too)
    UNREACHABLE = 3  # no gateway answered at the URL
    UNAUTHORIZED = 4  # token missing/wrong, session invalid, address not allowed
    FAILED = 5  # the client or the gateway failed (5xx)
    UNKNOWN = 6  # an order's outcome is unknown (504): check `orders` before sending it again
    NOT_CONFIRMED = 7  # the confirmation was declined (or no terminal to ask): nothing sent
