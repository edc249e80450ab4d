"""Dialogs by mouse: a click on the dimmed screen around a dialog's box does what its escape
key does (a mouse user had no way out of a dialog but the keyboard)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import TextArea

from tests.conftest import Data, settle
from tests.test_highlights_app import opened
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.help import HelpScreen
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.note_editor import NoteEditor


async def click_outside(app: ReaderApp, pilot: Pilot[None]) -> None:
    assert app.get_widget_at(0, 0)[0] is app.screen  # (the corner is outside the box)
    await pilot.click(offset=(0, 0))
    await pilot.pause()


async def test_a_click_outside_the_help_closes_it_and_one_inside_does_not(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.click("#help-text")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await click_outside(app, pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_click_outside_a_changed_note_asks_and_outside_the_question_keeps_it(
    data: Data,
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.query_one(TextArea).insert("typed by a mouse user")
        await click_outside(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)  # "Discard the changes...?"
        await click_outside(app, pilot)  # = no
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "typed by a mouse user"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("a")  # unchanged: a click outside just closes it
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await click_outside(app, pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_mouse_user_gets_back_to_the_hidden_lists_from_the_footer(data: Data) -> None:
    """At 80 columns one pane shows at a time: from the article only escape led back to the
    lists, and a mouse user had nothing to click."""
    from textual.widgets._footer import FooterKey

    from tests.conftest import main, open_row

    app = data.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_row(pilot, 0, "enter")
        await settle(pilot)
        assert app.focused is screen.pane and screen.has_class("-no-lists")
        key = next(k for k in app.screen.query(FooterKey) if "Lists" in str(k.render()))
        await pilot.click(key)
        await settle(pilot)
        assert app.focused is main(app).articles and not main(app).has_class("-no-lists")
        assert not [k for k in app.screen.query(FooterKey) if "Lists" in str(k.render())]
