"""``python -m standin --config standin.json`` (Windows Python, tools/wine on sys.path)."""

from .app import main

raise SystemExit(main())
