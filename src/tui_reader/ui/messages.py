"""Every message the UI's components send, in one place.

The main screen is composed of parts that own their behaviour — the feed and article lists,
the reading pane, the sidebar with its highlights — and they talk through these messages
(attributes go down, messages go up: a part never reaches into its neighbour). Each is a
dataclass, as in toolong's ``messages.py``: its fields are what a handler reads. The handler
is ``on_<name in snake case>`` (``on_cursor_moved``, ``on_row_selected``...).

To add one: a dataclass here, posted by the part that knows, handled by the screen that
composes the parts (or by a parent of the poster).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui_reader.document import Document
    from tui_reader.ui.sources import ListSource
    from tui_reader.ui.widgets.highlight_list import Entry


# -- the lists ----------------------------------------------------------------------------


@dataclass
class RowHighlighted(Message):
    """The cursor of a list (feeds, articles, search results) moved to row ``index``."""

    rows: Widget
    index: int

    @property
    def control(self) -> Widget:
        return self.rows


@dataclass
class RowSelected(Message):
    """Row ``index`` of a list was chosen (enter or a click)."""

    rows: Widget
    index: int

    @property
    def control(self) -> Widget:
        return self.rows


# -- the reading pane ---------------------------------------------------------------------


@dataclass
class DocumentShown(Message):
    """A (new) document is on show in the reading pane: load and paint what belongs to it."""

    pane: Widget
    article_id: int | None
    document: Document

    @property
    def control(self) -> Widget:
        return self.pane


@dataclass
class CursorMoved(Message):
    """The reading cursor moved to another sentence (``start``/``end`` in the text)."""

    pane: Widget
    start: int
    end: int

    @property
    def control(self) -> Widget:
        return self.pane


@dataclass
class FollowLink(Message):
    """The user asked to follow a link (the screen shows the numbered list)."""

    pane: Widget

    @property
    def control(self) -> Widget:
        return self.pane


@dataclass
class ViewImage(Message):
    """The user asked to see the article's images (the screen opens the viewer on
    ``images[index]``; each is a URL and its alt text)."""

    pane: Widget
    images: tuple[tuple[str, str], ...]
    index: int

    @property
    def control(self) -> Widget:
        return self.pane


# -- the sidebar and highlights -----------------------------------------------------------


@dataclass
class SidebarChanged(Message):
    """The sidebar was shown or hidden (the screen decides which columns fit)."""


@dataclass
class HighlightChosen(Message):
    """An entry of the sidebar's list (a highlight or the article's note) was chosen."""

    highlight_list: Widget
    entry: Entry

    @property
    def control(self) -> Widget:
        return self.highlight_list


@dataclass
class OpenArticle(Message):
    """Open this article in the reading pane (e.g. a highlight in another article was chosen
    in the list of all highlights); ``highlight_id``: scroll to it once it is shown."""

    article_id: int
    highlight_id: str | None = None


# -- whole lists and feeds (ui/listactions.py, ui/feedactions.py) ---------------------------


@dataclass
class ReadChanged(Message):
    """These articles were marked read (or unread again) at once: redraw them and the counts."""

    article_ids: frozenset[int]
    read: bool


@dataclass
class ListsChanged(Message):
    """Feeds, saved searches or a list's view changed: read the feed list and the article list
    again (``keep_id``: the article the cursor stays on)."""

    keep_id: int | None = None


@dataclass
class ShowList(Message):
    """Show this list (a feed just added, a saved search just saved, All after a removal)."""

    source: ListSource
    focus_list: bool = False


@dataclass
class RefreshFeeds(Message):
    """Refresh these feeds only (``ctrl+r`` on a feed or a folder)."""

    feed_ids: list[int]
