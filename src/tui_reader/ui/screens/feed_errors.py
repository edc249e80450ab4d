"""Feeds whose last refresh failed, and why (``e``). Choosing one shows that feed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_reader.models import Feed
from tui_reader.sanitize import shown_url
from tui_reader.ui.render import safe
from tui_reader.ui.screens.dialog import ListDialog, close_keys
from tui_reader.ui.widgets.keyed import KeyedOptionList


class FeedErrorsScreen(ListDialog[int | None]):
    """Returns the chosen feed's id (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = close_keys("escape,E,q", "close_feed_errors")
    BOX_ID = "errors-box"
    BOX_TITLE = "Feed errors"
    BOX_HINT = "enter: show the feed · esc: close"

    def __init__(self, feeds: Sequence[Feed]) -> None:
        super().__init__()
        self.feeds = list(feeds)

    def compose_entries(self) -> ComposeResult:
        if not self.feeds:
            yield OptionList(Option(Content("No feed failed at its last refresh.")))
            return
        options = [
            Option(
                Content.assemble(
                    (safe(f.display_title), "bold"),
                    "\n  ",
                    (safe(f.last_error or "failed"), "$error"),
                    "\n  ",
                    (safe(shown_url(f.url)), "dim"),
                )
            )
            for f in self.feeds
        ]
        yield KeyedOptionList(*options, id="errors-list")

    def result_for(self, index: int) -> int | None:
        return self.feeds[index].id if self.feeds else None
