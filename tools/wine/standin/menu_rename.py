"""A broker's build that renames menu items: the stand-in's ``menu_rename`` knob.

Brokers ship their own builds of xiadan.exe, and menu texts differ between them (client-automation.md
§6.2: "menu names change between builds"): one build's ``撤单[F3]`` is another's ``撤单``. The adapter
selects its pages by the menu path of its layout, so a renamed item leaves that page unreachable. The
connect-time fingerprint reads the whole tree (``Win32Driver.tree_paths``) and names the item that is
missing before any order is sent. ``menu_rename`` maps a shown text to the text this build shows
instead (``{"撤单[F3]": "撤单"}``), applied when the tree is filled; the page behind the item and its
F-key stay as they were, as in a real build that only renamed the item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import App


def shown(app: App, text: str) -> str:
    """The text this build shows for the menu item the layout knows as ``text``."""
    return app.config.menu_rename.get(text, text)
