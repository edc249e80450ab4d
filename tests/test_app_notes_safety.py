"""Notes and highlights that could be lost between two readers, or on a failed write: a note
whose save failed went with its editor; a note saved in one reader was written over by the
other's, silently; both readers highlighting one sentence stored it twice."""

from __future__ import annotations

import sqlite3

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from tests.conftest import Data
from tests.test_highlights_app import done, messages, opened
from tui_reader.reader import Reader
from tui_reader.ui.highlights import CHANGED_ELSEWHERE
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.note_editor import NoteEditor


async def _reopened(pilot: Pilot[None]) -> None:
    """Wait for the editor to open again (its worker waits on it: not for the workers)."""
    for _ in range(100):
        await pilot.pause(0.05)
        screen = pilot.app.screen
        if isinstance(screen, NoteEditor) and screen.problem:
            return


async def test_a_note_whose_save_fails_stays_in_its_editor(
    data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, pane = await opened(pilot)
        failures = [sqlite3.OperationalError("database or disk is full")]
        real = Reader.set_article_note

        def set_note(self: Reader, article_id: int, note: str) -> None:
            if failures:
                raise failures.pop()
            real(self, article_id, note)

        monkeypatch.setattr(Reader, "set_article_note", set_note)
        await pilot.press("j", "a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("Minutes of typing")
        await pilot.press("ctrl+s")
        await _reopened(pilot)
        assert isinstance(app.screen, NoteEditor)  # open again, with the text
        assert app.screen.query_one(TextArea).text == "Minutes of typing"
        assert "disk is full" in str(app.screen.query_one("#note-problem").render())
        await pilot.press("ctrl+s")  # (the disk has room again)
        await done(pilot)
        assert isinstance(app.screen, MainScreen)
        assert data.store.get_article_note(pane.article_id or 0) == "Minutes of typing"


async def test_a_note_changed_elsewhere_meanwhile_is_not_written_over(data: Data) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, pane = await opened(pilot)
        article_id = pane.article_id or 0
        await pilot.press("j", "a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("Mine")
        with Reader(data.paths) as other:  # another reader saves first
            other.set_article_note(article_id, "Theirs")
        await pilot.press("ctrl+s")
        await _reopened(pilot)
        assert data.store.get_article_note(article_id) == "Theirs"  # not written over
        assert isinstance(app.screen, NoteEditor)
        both = app.screen.query_one(TextArea).text
        assert both == f"Mine\n\n{CHANGED_ELSEWHERE}\n\nTheirs"
        await pilot.press("ctrl+s")  # the reader keeps both
        await done(pilot)
        assert data.store.get_article_note(article_id) == both


async def test_a_sentence_another_reader_highlighted_meanwhile_is_not_stored_twice(
    data: Data,
) -> None:
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, pane = await opened(pilot)
        article_id = pane.article_id or 0
        start, end = pane.cursor_range
        with Reader(data.paths) as other:
            text = other.stored_document(article_id)
            assert text is not None and pane.document is not None
            assert text.text == pane.document.text
            other.add_highlight(article_id, text.text, start, end, "key point")
        await pilot.press("h")
        await done(pilot)
        assert len(data.store.list_highlights(article_id)) == 1
        assert any("Already highlighted" in m for m in messages(app))


async def test_quitting_with_a_changed_note_open_keeps_the_app_and_the_note(data: Data) -> None:
    """ctrl+q (Textual's quit) and the palette's Quit left at once, the typed note lost."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("Not saved yet")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "Not saved yet"
        assert any("A note has changes" in m for m in messages(app))


async def test_the_command_palette_does_not_open_over_a_dialog(data: Data) -> None:
    """Its commands act on the main screen beneath: "Delete highlight" from it deleted the
    highlight whose note was open."""
    from textual.command import CommandPalette

    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)  # (over the main screen, as ever)


async def test_a_note_on_a_highlight_deleted_elsewhere_is_not_saved_into_it(data: Data) -> None:
    """It was stored on the deleted (hidden) highlight, "Note saved.", and shown nowhere."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, pane = await opened(pilot)
        await pilot.press("h")
        await done(pilot)
        [h] = data.store.list_highlights(pane.article_id or 0)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("A thought")
        with Reader(data.paths) as other:
            other.delete_highlight(h.id)
        await pilot.press("ctrl+s")
        await _reopened(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "A thought"
        assert "deleted elsewhere" in app.screen.problem
        stored = data.store.get_highlight(h.id)
        assert stored is not None and stored.note == ""


async def test_sigterm_quits_even_with_a_changed_note_open(data: Data) -> None:
    """The quit that keeps a changed note (ctrl+q) must not keep the app from SIGTERM."""
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        app.screen.query_one(TextArea).insert("Not saved yet")
        app._terminated()
        for _ in range(30):
            if not app.is_running:
                break
            await pilot.pause(0.1)
        assert not app.is_running and app.terminated
