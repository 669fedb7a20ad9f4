"""``python -m ashare_gateway`` is the ``ashare-gateway`` command."""

from .cli import main

main()
