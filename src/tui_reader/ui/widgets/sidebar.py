"""The sidebar: what belongs to the article on show — its note and its highlights.

The highlights component (:mod:`tui_reader.ui.highlights`) fills it through
:meth:`Sidebar.show`; the list inside posts :class:`~tui_reader.ui.messages.HighlightChosen`
when an entry is chosen, and the reading pane is scrolled to it. The sidebar hides
itself when it has nothing to show and when the user toggles it off (``i``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.models import Highlight
from tui_reader.ui.messages import SidebarChanged

if TYPE_CHECKING:
    from tui_reader.ui.widgets.highlight_list import HighlightList

EMPTY = "No highlights or notes yet. Select with v (or the mouse) and press h; a: a note."


class Sidebar(Vertical):
    """A column on the right of the reading pane; empty and hidden until given something."""

    def __init__(
        self, *, colors: Sequence[HighlightColor] = DEFAULT_COLORS, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="-hidden -empty")
        self.highlight_colors = tuple(colors) or DEFAULT_COLORS
        self.count = 0
        self.mode: Literal["auto", "shown", "hidden"] = "auto"
        self.border_title = "Notes"
        self._list: HighlightList | None = None

    def compose(self) -> ComposeResult:
        # The list is made when first needed: a hidden sidebar costs nothing at start-up.
        yield from ()

    @property
    def option_list(self) -> HighlightList:
        """The list of the note and highlights (made on first use)."""
        if self._list is None:
            from tui_reader.ui.widgets.highlight_list import HighlightList

            self._list = HighlightList(colors=self.highlight_colors, id="sidebar-items")
            self.mount(Static(Content(EMPTY), id="sidebar-empty"), self._list)
        return self._list

    def show(self, highlights: Sequence[Highlight], note: str) -> None:
        """List the article's ``note`` and ``highlights`` (document order, as given)."""
        self.count = len(highlights) + (1 if note.strip() else 0)
        if self.count or self._list is not None:
            self.option_list.show(highlights, note)
        n = len(highlights)
        self.border_title = Content(
            f"Notes · {n} highlight{'s' if n != 1 else ''}" if n else "Notes"
        )
        self.set_class(not self.count, "-empty")
        self._update_display()

    def toggle(self) -> None:
        """Show it if hidden (even empty: it then says so), hide it if shown."""
        self.mode = "hidden" if self.is_shown else "shown"
        self._update_display()

    @property
    def is_shown(self) -> bool:
        """Shown: the user asked for it, or it has something and the user did not hide it."""
        return self.mode == "shown" or (self.mode == "auto" and self.count > 0)

    def _update_display(self) -> None:
        if self.is_shown:
            _ = self.option_list
        if self.has_class("-hidden") == self.is_shown:
            self.set_class(not self.is_shown, "-hidden")
            self.post_message(SidebarChanged())
