"""Simulators of the outside programs the gateway drives (xiadan.exe, hexin.exe), wired to the paper
exchange: for tests, demos and the ``*-fake`` brokers; never imported by the driver layer."""
