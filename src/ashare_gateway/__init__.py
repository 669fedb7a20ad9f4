"""ashare-gateway: one safe HTTP API in front of A-share broker desktop clients.

The package is layered (see docs/architecture.md): ``api`` (HTTP dialects) calls ``service`` (sessions,
validation, journal, lanes), which calls a broker adapter from ``brokers`` (the paper exchange in
``brokers.sim``, GUI clients in ``brokers.xiadan`` / ``brokers.hexin`` over the shared 同花顺-family
automation in ``brokers.ths``), which for GUI clients calls the ``desktop`` driver. ``domain`` holds the
market rules every layer shares; ``simulators`` holds the fake clients (tests and demos only).
"""

__version__ = "0.1.0"
