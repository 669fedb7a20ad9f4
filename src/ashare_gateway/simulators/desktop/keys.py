"""Parse pywinauto ``type_keys`` strings, so the fake client reacts to the same keystrokes Windows would.

Supported: plain characters, ``{NAME}`` and ``{NAME n}`` (repeat), and the modifiers ``^`` (Ctrl),
``+`` (Shift), ``%`` (Alt) applying to the next key. That is the subset the adapter sends; anything
else raises, so a typo in a layout's key table is caught by the tests instead of being typed as text.
"""

from __future__ import annotations

from dataclasses import dataclass

_MODIFIERS = {"^": "ctrl", "+": "shift", "%": "alt"}
_NAMED = {
    "ENTER",
    "TAB",
    "ESC",
    "BACKSPACE",
    "BS",
    "DELETE",
    "DEL",
    "HOME",
    "END",
    "UP",
    "DOWN",
    "LEFT",
    "RIGHT",
    "PGUP",
    "PGDN",
    "SPACE",
    *(f"F{i}" for i in range(1, 13)),
}


@dataclass(frozen=True, slots=True)
class Key:
    name: str  # one character, or an upper-case key name such as "F5"
    mods: frozenset[str] = frozenset()

    @property
    def is_char(self) -> bool:
        return len(self.name) == 1 and not self.mods


def parse_keys(keys: str) -> list[Key]:
    """``"^a^c"`` → [Ctrl+A, Ctrl+C]; ``"{DOWN 3}"`` → three Down keys; ``"600000"`` → six characters."""
    out: list[Key] = []
    mods: set[str] = set()
    i = 0
    while i < len(keys):
        ch = keys[i]
        if ch in _MODIFIERS:
            mods.add(_MODIFIERS[ch])
            i += 1
            continue
        if ch == "{":
            end = keys.index("}", i + 1 if keys[i + 1 : i + 2] != "}" else i + 2)
            body = keys[i + 1 : end]
            name, _, count = body.partition(" ")
            name = name if len(name) == 1 else name.upper()
            if len(name) > 1 and name not in _NAMED:
                raise ValueError(f"unknown key {{{body}}}")
            out.extend(Key(name, frozenset(mods)) for _ in range(int(count or 1)))
            i = end + 1
        else:
            out.append(Key(ch.lower() if mods else ch, frozenset(mods)))
            i += 1
        mods = set()
    return out
