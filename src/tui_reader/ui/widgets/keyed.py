"""Textual's lists and scrolling views with the app's movement keys (j/k, space/b, g/G and
the arrows, remapped by ``[keys]`` like everywhere else): every list and every scrolling
dialog moves the way the help says lists do."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList

from tui_reader.ui.keys import bindings


class KeyedOptionList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = bindings("list")

    def action_top(self) -> None:
        self.action_first()

    def action_bottom(self) -> None:
        self.action_last()


class KeyedScroll(VerticalScroll):
    """A scrolling view (no cursor): the movement keys scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("list", moves_only=True)

    def action_cursor_down(self) -> None:
        self.scroll_down()

    def action_cursor_up(self) -> None:
        self.scroll_up()

    def action_top(self) -> None:
        self.scroll_home()

    def action_bottom(self) -> None:
        self.scroll_end()
