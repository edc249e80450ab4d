"""Feeds whose last refresh failed, and why (``e``). Choosing one shows that feed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_reader.models import Feed
from tui_reader.ui.render import safe
from tui_reader.ui.styles import screen_styles
from tui_reader.ui.widgets.keyed import KeyedOptionList


class FeedErrorsScreen(ModalScreen[int | None]):
    """Returns the chosen feed's id (or None)."""

    CSS_PATH = screen_styles("dialogs.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,E", "dismiss", "Close", id="close_feed_errors")
    ]

    def __init__(self, feeds: Sequence[Feed]) -> None:
        super().__init__()
        self.feeds = list(feeds)

    def compose(self) -> ComposeResult:
        with Vertical(id="errors-box") as box:
            box.border_title = "Feed errors"
            box.border_subtitle = "enter: show the feed · esc: close"
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
                        (safe(f.url), "dim"),
                    )
                )
                for f in self.feeds
            ]
            yield KeyedOptionList(*options, id="errors-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.feeds:
            self.dismiss(self.feeds[event.option_index].id)
