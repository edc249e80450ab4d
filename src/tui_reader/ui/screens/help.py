"""The help screen (``?``): every key in force, grouped by where it works."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from tui_reader.config import CommandConfig
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


def help_content(keymap: Mapping[str, str], commands: Sequence[CommandConfig] = ()) -> Content:
    """The key table (and the configured commands). Built from plain strings: nothing in it
    is read as markup."""
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
    if commands:
        parts.append(_commands_content(commands, keymap, width))
    parts.append(
        Content.styled(
            'Remap any key in config.toml:  [keys]  refresh = "f5"  (the names in brackets).',
            "dim",
        )
    )
    return Content("\n").join(parts)


def _commands_content(
    commands: Sequence[CommandConfig], keymap: Mapping[str, str], width: int
) -> Content:
    """The [[commands]] of config.toml, with the keys they really have."""
    from tui_reader.ui.listactions import command_keys

    keys, _problems = command_keys(commands, keymap)
    lines = [
        Content.styled(
            "Commands ([[commands]] in config.toml; also in the palette)", "bold $accent"
        )
    ]
    for i, command in enumerate(commands):
        key = key_label(keys[i]) if i in keys else "palette"
        lines.append(
            Content.assemble(
                ("  " + key.ljust(width), "bold"),
                (command.name, ""),
                ("  — " + " ".join(command.argv), "dim"),
            )
        )
    lines.append(Content(""))
    return Content("\n").join(lines)


class HelpScreen(ListDialog[None]):
    """The key table, scrolled (no entry to choose)."""

    BINDINGS: ClassVar[list[BindingType]] = close_keys("escape,q,question_mark", "close_help")
    BOX_ID = "help-body"
    BOX_TITLE = "Keys"

    def __init__(self, keymap: Mapping[str, str], commands: Sequence[CommandConfig] = ()) -> None:
        super().__init__()
        self.keymap = dict(keymap)
        self.commands = tuple(commands)

    def make_box(self) -> Widget:
        return KeyedScroll(id=self.BOX_ID)

    def compose_entries(self) -> ComposeResult:
        yield Static(help_content(self.keymap, self.commands), id="help-text")
