"""``config.ini`` files with ``[Account:NAME]`` sections, as the tests of several accounts write them.

One builder instead of the same sections typed out in every file: :func:`account` is one section
(its keys in the order given, as a user writes them), :func:`two_paper` the usual pair of paper
accounts ``p1``/``p2`` (users ``base+1``/``base+2``, passwords ``pw-1``/``pw-2``), and
:func:`write_config` puts the text in ``folder/config.ini`` for ``--config`` or ``Settings.config_path``.
"""

from __future__ import annotations

from pathlib import Path


def account(name: str, broker: str = "sim", **keys: object) -> str:
    """One ``[Account:NAME]`` section: ``broker`` first, then ``keys`` as ``key = value`` lines."""
    lines = [f"[Account:{name}]", f"broker = {broker}", *(f"{key} = {value}" for key, value in keys.items())]
    return "\n".join(lines) + "\n"


def two_paper(base_user: int, **p2_keys: object) -> str:
    """Paper accounts p1 and p2 (users ``base_user + 1`` and ``+ 2``); ``p2_keys`` go to p2 only."""
    p1 = account("p1", user=base_user + 1, password="pw-1")
    p2 = account("p2", user=base_user + 2, password="pw-2", **p2_keys)
    return config_ini(p1, p2)


def config_ini(*sections: str) -> str:
    """Sections (``[Account:...]`` or any other, e.g. ``[mcp]``) one blank line apart."""
    return "\n".join(section if section.endswith("\n") else section + "\n" for section in sections)


def write_config(folder: Path, text: str) -> Path:
    """``folder/config.ini`` holding ``text``; returns its path."""
    path = folder / "config.ini"
    path.write_text(text, encoding="utf-8")
    return path
