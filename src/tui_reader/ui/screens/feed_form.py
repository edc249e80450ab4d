"""A small form for the feed keys: one or more labelled one-line fields (add a feed: its URL
and folder; rename: the title; move: the folder). ``enter`` in any field answers with every
field's text, ``tab`` goes to the next field, ``escape`` cancels (None).

Labels, the subject (a feed's title) and the values are shown literally, never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from tui_reader.sanitize import clean_line
from tui_reader.ui.render import safe
from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles

MAX_CHARS = 2000


@dataclass(frozen=True)
class Field:
    label: str
    value: str = ""
    placeholder: str = ""


class FeedFormScreen(Dialog[tuple[str, ...] | None]):
    CSS_PATH = screen_styles("feeds.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel_form"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], subject: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = tuple(fields)
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = Content(safe(self.title_text))
            box.border_subtitle = "enter: done · tab: next field · esc: cancel"
            if self.subject:
                yield Static(Content(safe(self.subject)[:300]), id="form-subject")
            for i, field in enumerate(self.fields):
                yield Static(Content(field.label), classes="form-label")
                yield Input(
                    value=safe(field.value),
                    placeholder=field.placeholder,
                    max_length=MAX_CHARS,
                    id=f"form-field-{i}",
                )

    def on_mount(self) -> None:
        self.query_one("#form-field-0", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(self.values())

    def values(self) -> tuple[str, ...]:
        return tuple(
            clean_line(self.query_one(f"#form-field-{i}", Input).value)
            for i in range(len(self.fields))
        )
