"""Editing a note (``a``) and a highlight's tags (``t``).

:class:`NoteEditor` is a multi-line editor: ``ctrl+s`` saves (returns the text), ``escape``
cancels (returns None; with unsaved changes it asks first). :class:`TagEditor` edits tags as
words on one line, completing the one being typed from the tags already in use.

What they are about (a quote, an article title) is shown literally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Static, TextArea

from tui_reader.sanitize import clean_text
from tui_reader.ui.render import safe
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles
from tui_reader.ui.widgets.highlight_list import shorten

SUBJECT_CHARS = 300
_TAG_SPLIT = re.compile(r"[,\s]+")


class NoteEditor(Dialog[str | None]):
    """A note. Returns the new text (ctrl+s) or None (escape)."""

    CSS_PATH = screen_styles("notes.tcss")
    OUTSIDE_ACTION = "cancel"  # (asks before a changed note is dropped)

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: those run as the key arrives, ahead of the keys still queued
        # for the editor (a paste, fast typing), and the save would take a cut-short text.
        Binding("ctrl+s", "save", "Save", id="save_note"),
        Binding("escape", "cancel", "Cancel", id="cancel_note"),
    ]

    def __init__(self, title: str, subject: str, text: str = "", problem: str = "") -> None:
        """``problem``: why the editor is open again (a save that failed, a note changed
        elsewhere), shown above the text."""
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.problem = problem
        # A note the store holds with control characters (it cleans what it writes, but it
        # may be older or written by something else) is edited clean.
        self.original = clean_text(text)
        self.loaded = self.original  # the text as the editor holds it (see on_mount)
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box") as box:
            box.border_title = Content(self.title_text)
            box.border_subtitle = "ctrl+s: save · esc: cancel"
            if self.subject.strip():
                yield Static(Content(shorten(self.subject, SUBJECT_CHARS)), id="note-subject")
            if self.problem:
                yield Static(Content(self.problem), id="note-problem")
            yield TextArea(self.original, soft_wrap=True, id="note-text")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#note-text", TextArea)

    def on_mount(self) -> None:
        editor = self.editor
        self.loaded = editor.text
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        """Save the text as it is once every key sent before ``ctrl+s`` is applied: the
        editor takes its keys from its own queue, so the text is read from a callback queued
        behind them (however the save was asked for)."""
        if self._saving:
            return
        self._saving = True
        editor = self.editor

        def take_text() -> None:  # in the editor's queue
            text = editor.text

            def close() -> None:  # in the screen's (closing waits for the editor's queue)
                self.dismiss(text)  # not awaited: from its own queue, a screen cannot

            self.call_later(close)

        editor.call_later(take_text)

    @property
    def changed(self) -> bool:
        """Whether the text is not the one the editor opened with (a quit must not lose it)."""
        return self.is_mounted and self.editor.text != self.loaded

    def action_cancel(self) -> None:
        if self.editor.text == self.loaded:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard the changes to this note?",
                "ctrl+s in the editor saves them instead.",
                yes="Discard",
                no="Keep editing",
                title="Unsaved note",
            ),
            answered,
        )


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed as words separated by spaces or commas (a leading # is dropped)."""
    return tuple(t.lstrip("#") for t in _TAG_SPLIT.split(text) if t.lstrip("#"))


class TagSuggester(Suggester):
    """Completes the word being typed from the tags in use."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        word = word.lstrip("#")
        if not word:
            return None
        typed = set(parse_tags(head))
        for tag in self.tags:
            if tag.casefold().startswith(word.casefold()) and tag not in typed:
                return (head + " " if head else "") + tag
        return None


class TagEditor(Dialog[tuple[str, ...] | None]):
    """A highlight's tags. Returns them (enter) or None (escape)."""

    CSS_PATH = screen_styles("notes.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel_tags"),
    ]

    def __init__(self, subject: str, tags: Sequence[str], known: Sequence[str] = ()) -> None:
        super().__init__()
        self.subject = subject
        self.tags = tuple(filter(None, map(safe, tags)))
        self.known = [t for t in map(safe, known) if t and t not in self.tags]

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box") as box:
            box.border_title = "Tags"
            box.border_subtitle = "enter: save · esc: cancel"
            if self.subject.strip():
                yield Static(Content(shorten(self.subject, SUBJECT_CHARS)), id="tags-subject")
            yield Input(
                " ".join(self.tags),
                placeholder="words separated by spaces, e.g. claim economy",
                suggester=TagSuggester(self.known),
                id="tags-input",
            )
            if self.known:
                yield Static(
                    Content.assemble(("In use: ", "bold"), " ".join(self.known[:30])),
                    id="tags-known",
                )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(parse_tags(event.value))
