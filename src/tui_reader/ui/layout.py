"""Which of the main screen's columns show at a given width: never squeeze the text.

The main screen has three columns: the lists (feeds over articles), the reading pane and the
sidebar. The reading pane always keeps a readable measure (:data:`MIN_TEXT` columns of text):
when the columns do not all fit, the lists go first (while the reading pane or the sidebar has
the focus), then the sidebar (it shows when focused, ``tab`` reaches it), and on the narrowest
screens one column shows at a time, the one with the focus.
"""

from __future__ import annotations

from typing import Literal

View = Literal["lists", "reader", "sidebar"]
Column = Literal["lists", "reader", "sidebar"]

# These match the widths in styles/app.tcss (#left) and styles/reading.tcss (Sidebar).
LISTS_WIDTH = 40
SIDEBAR_WIDTH = 34
# Columns of text the reading pane never goes below when a column shows beside it: what the
# lists leave it at 100 columns, the narrowest screen where the lists and the text sit side by
# side.
MIN_TEXT = 57
PANE_CHROME = 3  # the pane's scrollbar gutter and its one-column margin either side of the text
MIN_READER = MIN_TEXT + PANE_CHROME


def columns(width: int, view: View, sidebar: bool) -> frozenset[Column]:
    """The columns to show at ``width`` when ``view`` has the focus and the sidebar is
    ``sidebar`` (shown by the user or because the article has highlights)."""
    if sidebar and width >= LISTS_WIDTH + MIN_READER + SIDEBAR_WIDTH:
        return frozenset({"lists", "reader", "sidebar"})
    if view == "lists":
        if width >= LISTS_WIDTH + MIN_READER:
            return frozenset({"lists", "reader"})
        return frozenset({"lists"})
    if sidebar and width >= MIN_READER + SIDEBAR_WIDTH:
        return frozenset({"reader", "sidebar"})
    if view == "sidebar" and sidebar:
        return frozenset({"sidebar"})
    if width >= LISTS_WIDTH + MIN_READER:
        return frozenset({"lists", "reader"})
    return frozenset({"reader"})


def is_narrow(width: int) -> bool:
    """Too narrow for the lists and the reading pane side by side."""
    return width < LISTS_WIDTH + MIN_READER
