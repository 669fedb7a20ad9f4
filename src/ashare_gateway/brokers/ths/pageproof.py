"""Prove that the page on screen is the page asked for, before anything is typed into it.

Why: a navigation command returns before the client has switched pages (it handles the switch
asynchronously), and pages share control IDs — 买入 and 卖出 both have code 1032, price 1033, amount
1034 and submit 1006; 当日委托 and 撤单 both have grid 1047 with the same columns. Typing a sell into
the still-shown buy page places a buy. So a page counts as shown only when what tells it apart is on
screen: the submit button's 买入/卖出, the market-order type box (1541) only on the market pages, the
撤单 button (1099) only on the cancel page.
"""

from __future__ import annotations

from collections.abc import Callable

from ...desktop.driver import DesktopDriver
from .layouts import Layout

SIDE_WORDS = {"buy": "买", "sell": "卖"}


def page_shown(
    page: str, layout: Layout, find: Callable[[int], int | None], text: Callable[[int], str]
) -> bool:
    """Whether ``page`` is the one on screen, from the controls only it has (or only it lacks)."""
    ids = layout.order
    if page in ("buy", "sell", "market_buy", "market_sell"):
        submit = find(ids.submit)
        if submit is None or SIDE_WORDS[page.rsplit("_", 1)[-1]] not in text(submit):
            return False
        return (find(ids.market_type) is not None) == page.startswith("market_")
    if page == "cancel":
        return find(layout.cancel_one_id) is not None
    if page in ("entrusts", "trades"):
        return find(layout.cancel_one_id) is None
    return True


def active_pane(driver: DesktopDriver, main: int, path: tuple[int, ...]) -> int | None:
    """The page on screen: GetDlgItem at each step of ``path`` from the main window; None if absent.

    Why not the whole main window: the client keeps its other pages alive with the same control ids
    (a page just left can still be shown while the switch completes), and a search of every
    descendant takes whichever comes first. Only the page on screen carries the pane id 0xE901
    (puppet: ``PAGE = 59648, 59649``, every control taken with GetDlgItem from it).
    """
    handle: int | None = main
    for control_id in path:
        handle = driver.child(handle, control_id)
        if handle is None:
            return None
    return handle
