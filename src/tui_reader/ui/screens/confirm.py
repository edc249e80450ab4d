"""A yes/no question (``y``/``enter`` yes, ``n``/``esc`` no). Returns True or False."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles


class ConfirmScreen(Dialog[bool]):
    """``question`` and ``detail`` are shown literally (a str is never read as markup)."""

    CSS_PATH = screen_styles("notes.tcss")
    OUTSIDE_ACTION = "answer(False)"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(
        self,
        question: str | Content,
        detail: str | Content = "",
        *,
        yes: str = "Yes",
        no: str = "No",
        title: str = "Confirm",
    ) -> None:
        super().__init__()
        self.question = question if isinstance(question, Content) else Content(question)
        self.detail = detail if isinstance(detail, Content) else Content(detail)
        self.yes_label = yes
        self.no_label = no
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = Content(self.title_text)
            box.border_subtitle = "y: yes · n/esc: no"
            yield Static(self.question, id="confirm-question")
            if self.detail.plain:
                yield Static(self.detail, id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self.yes_label), variant="error", id="confirm-yes")
                yield Button(Content(self.no_label), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")
