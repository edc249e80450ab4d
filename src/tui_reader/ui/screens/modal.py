"""The base of every dialog: a modal box over the dimmed app.

A click on the dimmed part around the box does what the dialog's escape does (close, answer
no, cancel — asking first when that would lose typed text): a mouse user otherwise had no way
out of a dialog but the keyboard.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal screen that a click outside its box closes (see the module's docstring)."""

    # The action a click outside runs: the one the dialog's escape key runs.
    OUTSIDE_ACTION: ClassVar[str] = "dismiss"

    async def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # (not a widget of the box: the dimmed screen itself)
            event.stop()
            await self.run_action(self.OUTSIDE_ACTION)
