"""The sidebar: what belongs to the article on show (its highlights and notes).

The annotation work fills it through :meth:`Sidebar.set_items`; choosing an item posts
:class:`Sidebar.ItemChosen` and the main screen scrolls the reading pane to its offset. It hides
itself when it has nothing to show and when the user toggles it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class SidebarItem:
    """One entry. ``text`` is shown literally (a str is never read as markup); ``offset`` is
    where it sits in the document's text (None: nowhere, e.g. an unanchored highlight)."""

    key: str
    text: str | Content
    offset: int | None = None


class Sidebar(Vertical):
    """A column on the right of the reading pane; empty and hidden until given items."""

    class ItemChosen(Message):
        def __init__(self, sidebar: Sidebar, item: SidebarItem) -> None:
            super().__init__()
            self.sidebar = sidebar
            self.item = item

        @property
        def control(self) -> Sidebar:
            return self.sidebar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-hidden -empty")
        self.items: list[SidebarItem] = []
        self.mode: Literal["auto", "shown", "hidden"] = "auto"
        self.border_title = "Notes"
        self._list: OptionList | None = None

    def compose(self) -> ComposeResult:
        # The list is made when first needed: a hidden sidebar costs nothing at start-up.
        yield from ()

    @property
    def option_list(self) -> OptionList:
        """The list of items (made on first use)."""
        if self._list is None:
            self._list = OptionList(id="sidebar-items")
            self.mount(Static(Content("Nothing here yet."), id="sidebar-empty"), self._list)
        return self._list

    def set_title(self, title: str) -> None:
        self.border_title = Content(title)

    def set_items(self, items: Sequence[SidebarItem]) -> None:
        """Replace what the sidebar lists (in document order, as given)."""
        self.items = list(items)
        options = [
            Option(item.text if isinstance(item.text, Content) else Content(item.text))
            for item in self.items
        ]
        self.option_list.set_options(options)
        self.set_class(not self.items, "-empty")
        self._update_display()

    def toggle(self) -> None:
        """Show it if hidden (even empty: it then says so), hide it if shown."""
        self.mode = "hidden" if self.is_shown else "shown"
        self._update_display()

    @property
    def is_shown(self) -> bool:
        """Shown: the user asked for it, or it has items and the user did not hide it."""
        return self.mode == "shown" or (self.mode == "auto" and bool(self.items))

    def _update_display(self) -> None:
        if self.is_shown:
            _ = self.option_list
        self.set_class(not self.is_shown, "-hidden")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.post_message(self.ItemChosen(self, self.items[event.option_index]))
