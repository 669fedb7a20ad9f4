"""Market rules and value types shared by every layer: no I/O, no HTTP, no GUI."""
