"""The help screen (``?``): every key in force, grouped by where it works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from tui_reader.ui.keys import KEYS, effective_keys, key_label
from tui_reader.ui.screens.dialog import ListDialog, close_keys
from tui_reader.ui.widgets.keyed import KeyedScroll

_GROUPS = (
    ("app", "Everywhere"),
    ("main", "Reading"),
    ("notes", "Highlights and notes"),
    ("pane", "In the reading pane (the movement keys work in the lists too)"),
    ("select", "Selecting text (after v, or with the mouse; then h highlights it)"),
    ("list", "In the lists"),
    ("feeds", "In the feed list"),
)


def help_content(keymap: Mapping[str, str]) -> Content:
    """The key table. Built from plain strings: nothing in it is read as markup."""
    parts: list[Content] = []
    width = max(len(key_label(effective_keys(s, keymap))) for s in KEYS) + 2
    for scope, title in _GROUPS:
        specs = [s for s in KEYS if s.scope == scope]
        if not specs:
            continue
        parts.append(Content.styled(title, "bold $accent"))
        for spec in specs:
            keys = key_label(effective_keys(spec, keymap))
            line = Content.assemble(
                ("  " + keys.ljust(width), "bold"),
                (spec.description, ""),
                (f"  — {spec.help}" if spec.help else "", "dim"),
                (f"  [{spec.action}]", "dim italic"),
            )
            parts.append(line)
        parts.append(Content(""))
    parts.append(
        Content.styled(
            'Remap any key in config.toml:  [keys]  refresh = "ctrl+r"  (the names in brackets).',
            "dim",
        )
    )
    return Content("\n").join(parts)


class HelpScreen(ListDialog[None]):
    """The key table, scrolled (no entry to choose)."""

    BINDINGS: ClassVar[list[BindingType]] = close_keys("escape,q,question_mark", "close_help")
    BOX_ID = "help-body"
    BOX_TITLE = "Keys"

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = dict(keymap)

    def make_box(self) -> Widget:
        return KeyedScroll(id=self.BOX_ID)

    def compose_entries(self) -> ComposeResult:
        yield Static(help_content(self.keymap), id="help-text")
