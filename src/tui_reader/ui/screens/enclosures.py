"""An article's enclosures (``P``): its podcast and video files, with type and size. Enter
opens the chosen one in the browser (or the player the system gives such files to); ``y``
copies its URL, to hand it to any other program."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets.option_list import Option

from tui_reader.models import Enclosure
from tui_reader.ui.render import safe
from tui_reader.ui.screens.dialog import ListDialog, close_keys
from tui_reader.ui.widgets.keyed import KeyedOptionList

Chosen = tuple[Literal["open", "copy"], Enclosure]


class EnclosuresScreen(ListDialog[Chosen | None]):
    """Returns what to do ("open" or "copy") with which enclosure (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *close_keys("escape,q", "close_enclosures"),
        Binding("y", "copy", "Copy URL", id="copy_enclosure"),
    ]
    BOX_ID = "enclosures-box"
    BOX_TITLE = "Enclosures"
    BOX_HINT = "enter: open · y: copy URL · esc: close"

    def __init__(self, enclosures: Sequence[Enclosure]) -> None:
        super().__init__()
        self.enclosures = list(enclosures)

    def compose_entries(self) -> ComposeResult:
        options = [
            Option(
                Content.assemble(
                    (f"[{n}] ", "bold"),
                    (safe(e.label), "bold"),
                    "\n    ",
                    (safe(e.url), "dim"),
                )
            )
            for n, e in enumerate(self.enclosures, 1)
        ]
        yield KeyedOptionList(*options, id="enclosures-list")

    def result_for(self, index: int) -> Chosen | None:
        return ("open", self.enclosures[index])

    def action_copy(self) -> None:
        index = self.query_one(KeyedOptionList).highlighted
        if index is not None:
            self.dismiss(("copy", self.enclosures[index]))
