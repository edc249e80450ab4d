"""The base of the app's list dialogs: help (``?``), links (``f``) and feed errors (``E``).

A :class:`ListDialog` is a modal box with a title and a hint under it, holding entries; escape
(and the dialog's own close keys) closes it, and choosing an entry (enter or a click) returns
what that entry stands for. A dialog says only what differs: its box, its entries and what an
entry returns. Its sheet is ``styles/screens/dialogs.tcss`` (read with the first dialog).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import OptionList

from tui_reader.ui.screens.modal import Dialog
from tui_reader.ui.styles import screen_styles

ResultT = TypeVar("ResultT")


def close_keys(keys: str, binding_id: str) -> list[BindingType]:
    """The dialog's close binding (``binding_id`` is its name in ``[keys]``)."""
    return [Binding(keys, "dismiss", "Close", id=binding_id)]


class ListDialog(Dialog[ResultT]):
    """A titled box of entries (see the module's docstring)."""

    CSS_PATH = screen_styles("dialogs.tcss")

    BOX_ID: ClassVar[str] = ""
    BOX_TITLE: ClassVar[str] = ""
    BOX_HINT: ClassVar[str] = "esc to close"

    def make_box(self) -> Widget:
        """The box the entries are in (its border carries the title and the hint)."""
        return Vertical(id=self.BOX_ID)

    def compose_entries(self) -> ComposeResult:
        """What the box holds."""
        yield from ()

    def result_for(self, index: int) -> ResultT | None:
        """What choosing entry ``index`` returns (None: the dialog stays open)."""
        return None

    def compose(self) -> ComposeResult:
        with self.make_box() as box:
            box.border_title = self.BOX_TITLE
            box.border_subtitle = self.BOX_HINT
            yield from self.compose_entries()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        result = self.result_for(event.option_index)
        if result is not None:
            self.dismiss(result)
