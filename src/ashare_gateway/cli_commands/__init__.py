"""``ashare-gateway`` subcommands beyond ``serve``, one module per group, each with a ``register(app)``."""
