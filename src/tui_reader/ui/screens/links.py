"""The article's links (``f``): numbered as in the text; type a number and enter, or pick one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Input
from textual.widgets.option_list import Option

from tui_reader.sanitize import is_web_url
from tui_reader.ui.render import safe
from tui_reader.ui.screens.dialog import ListDialog, close_keys
from tui_reader.ui.widgets.keyed import KeyedOptionList


class LinksScreen(ListDialog[str | None]):
    """Returns the chosen link's URL (or None)."""

    BINDINGS: ClassVar[list[BindingType]] = close_keys("escape", "close_links")
    BOX_ID = "links-box"
    BOX_TITLE = "Links"
    BOX_HINT = "number + enter · esc: close"

    def __init__(self, links: Sequence[str]) -> None:
        super().__init__()
        self.links = list(links)

    def compose_entries(self) -> ComposeResult:
        yield Input(placeholder="link number", id="links-number", type="integer")
        options = []
        for n, url in enumerate(self.links, 1):
            note = "" if is_web_url(url) else "  (not a web link: will not open)"
            options.append(Option(Content.assemble((f"[{n}] ", "bold"), safe(url), note)))
        yield KeyedOptionList(*options, id="links-list")

    def result_for(self, index: int) -> str | None:
        return self.links[index]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value.isdigit() and 1 <= int(value) <= len(self.links):
            self.dismiss(self.links[int(value) - 1])
        else:
            self.notify(
                f"There is no link {value or '(none given)'}; links go from 1 to"
                f" {len(self.links)}.",
                severity="warning",
                markup=False,
            )
