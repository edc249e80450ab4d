"""The annotations controller against a real store, through the Reader and the app's ordered
writer."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.color import Color

from tests.conftest import HIGHLIGHT_DOC, HIGHLIGHT_TEXT, add_article, span
from tui_reader.anchor import text_hash
from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.document import Block, Document
from tui_reader.errors import is_busy
from tui_reader.models import Article
from tui_reader.store import Store, StoreError
from tui_reader.ui.annotations import Annotations, SaveError
from tui_reader.ui.appreader import AppReader
from tui_reader.ui.highlight_colors import (
    color_index,
    next_color,
    parse_color,
    resolve,
    tint_style,
)
from tui_reader.ui.writer import ReaderWriter


@pytest.fixture
async def writer(store: Store) -> AsyncIterator[ReaderWriter]:
    errors: list[str] = []
    reader = AppReader.at(store.path)
    w = ReaderWriter(reader, errors.append)
    yield w
    w.close()
    reader.close()
    assert errors == []


async def opened(
    writer: ReaderWriter, article: Article, doc: Document = HIGHLIGHT_DOC
) -> Annotations:
    notes = Annotations(writer, DEFAULT_COLORS)
    notes.open(article.id, doc)
    assert await notes.load() is not None
    return notes


async def test_add_is_saved_before_it_returns(store: Store, writer: ReaderWriter) -> None:
    article = add_article(store)
    notes = await opened(writer, article)
    # White space around the selection is not part of the quote.
    start, end = span("discuss the bridge")
    h = await notes.add((start - 1, end + 2))
    assert h.quote == "discuss the bridge."
    rows = store.list_highlights(article.id)
    assert [(r.id, r.quote, r.color) for r in rows] == [(h.id, h.quote, "key point")]
    assert rows[0].text_hash == text_hash(HIGHLIGHT_TEXT)
    assert notes.highlights == rows
    assert notes.at(span("The council met on Tuesday to discuss the bridge.")) == rows[0]
    with pytest.raises(SaveError, match="Nothing to highlight"):
        await notes.add((HIGHLIGHT_TEXT.index("\n\n"), HIGHLIGHT_TEXT.index("\n\n") + 2))


async def test_a_highlight_made_while_another_program_writes_is_saved_once_it_is_done(
    store: Store,
) -> None:
    """A long write elsewhere (an import-notes of a big file is one transaction) held the
    lock past SQLite's busy timeout: the highlight failed with "database is locked" and was
    lost. It now waits, the reader told once, and is saved when the lock is free."""
    article = add_article(store)
    errors: list[str] = []
    waits: list[str] = []
    reader = AppReader.at(store.path)
    w = ReaderWriter(reader, errors.append, waits.append)
    try:
        # (SQLite's own wait shortened, so that the test sees several tries in a second.)
        await asyncio.wrap_future(
            w.submit(lambda r: r.store.conn.execute("PRAGMA busy_timeout = 50"), "setup")
        )
        notes = await opened(w, article)
        other = sqlite3.connect(store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            adding = asyncio.ensure_future(notes.add(span("open in May")))
            await asyncio.sleep(1.0)
            assert not adding.done()
            assert len(waits) == 1 and "highlight" in waits[0]
        finally:
            other.execute("COMMIT")
            other.close()
        h = await adding
        assert [x.quote for x in store.list_highlights(article.id)] == ["open in May"]
        assert h.quote == "open in May" and errors == [] and len(waits) == 1
    finally:
        w.close()
        reader.close()


def test_is_busy_tells_a_locked_store_by_its_code(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, isolation_level=None, timeout=0)
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        second.execute("BEGIN IMMEDIATE")
    first.execute("ROLLBACK")
    assert is_busy(locked.value)
    try:
        raise StoreError("cannot use the database") from locked.value
    except StoreError as wrapped:
        assert is_busy(wrapped)
    with pytest.raises(sqlite3.OperationalError) as other:
        second.execute("SELECT * FROM no_such_table")
    assert not is_busy(other.value)
    assert not is_busy(ValueError("database is locked"))  # (the message is not the test)
    first.close()
    second.close()


async def test_colour_tags_note_delete_undo(store: Store, writer: ReaderWriter) -> None:
    article = add_article(store)
    notes = await opened(writer, article)
    h = await notes.add(span("open in May"))
    h = await notes.cycle_color(h)
    assert store.list_highlights(article.id)[0].color == "disputed"
    h = await notes.update(h, tags=["#money", "city hall"])
    assert store.list_highlights(article.id)[0].tags == ("money", "city-hall")
    h = await notes.update(h, note="[bold]not bold[/]\nsecond line")
    assert store.list_highlights(article.id)[0].note == "[bold]not bold[/]\nsecond line"
    assert notes.highlights[0].note == h.note
    assert await notes.known_tags() == ["city-hall", "money"]

    await notes.delete(h)
    assert store.list_highlights(article.id) == []
    assert notes.highlights == []
    restored = await notes.undo()
    assert restored is not None and restored.id == h.id and restored.tags == h.tags
    assert [r.id for r in store.list_highlights(article.id)] == [h.id]
    assert await notes.undo() is None


async def test_article_note(store: Store, writer: ReaderWriter) -> None:
    article = add_article(store)
    notes = await opened(writer, article)
    assert await notes.set_article_note("  A note\nwith lines  ") == "A note\nwith lines"
    assert store.get_article_note(article.id) == "A note\nwith lines"
    again = await opened(writer, article)
    assert again.note == "A note\nwith lines"
    assert await notes.set_article_note("") == ""
    assert store.get_article_note(article.id) == ""


async def test_changed_stored_text_reanchors_and_saves(store: Store, writer: ReaderWriter) -> None:
    article = add_article(store)
    notes = await opened(writer, article)
    h = await notes.add(span("argued for hours about the cost"))
    new_doc = Document(
        title="Bridge", blocks=(Block("paragraph", "A new first paragraph."), *HIGHLIGHT_DOC.blocks)
    )
    # The stored document changes behind the app's back (another instance re-extracted it).
    with store.transaction() as c:
        c.execute("UPDATE articles SET doc_json = ? WHERE id = ?", (new_doc.to_json(), article.id))
    again = Annotations(writer, DEFAULT_COLORS)
    again.open(article.id, new_doc)
    loaded = await again.load()
    assert loaded is not None and loaded.reanchored
    row = store.list_highlights(article.id)[0]
    assert row.id == h.id and row.text_hash == text_hash(new_doc.text)
    assert new_doc.text[row.start or 0 : row.end or 0] == "argued for hours about the cost"


async def test_a_passing_text_places_for_display_only(store: Store, writer: ReaderWriter) -> None:
    article = add_article(store)
    notes = await opened(writer, article)
    h = await notes.add(span("argued for hours about the cost"))
    summary = Document(blocks=(Block("paragraph", "Summary: members argued for hours."),))
    shown = Annotations(writer, DEFAULT_COLORS)
    shown.open(article.id, summary)
    loaded = await shown.load()
    assert loaded is not None and not loaded.reanchored
    assert shown.unanchored == [shown.get(h.id)]
    # Nothing was written: the stored offsets still refer to the stored text.
    assert store.list_highlights(article.id)[0] == h


async def test_writes_for_another_article_do_not_leak(store: Store, writer: ReaderWriter) -> None:
    a = add_article(store)
    b = add_article(store, guid="b1")
    notes = await opened(writer, a)
    h = await notes.add(span("the bridge"))
    notes.open(b.id, HIGHLIGHT_DOC)
    await notes.load()
    assert notes.highlights == []
    await notes.delete(h)  # e.g. from a list of another article
    assert notes.highlights == []
    assert store.list_highlights(a.id) == []
    assert await notes.undo() is not None
    assert notes.highlights == []
    assert len(store.list_highlights(a.id)) == 1


async def test_a_failed_write_says_why(store: Store, writer: ReaderWriter) -> None:
    notes = Annotations(writer, DEFAULT_COLORS)
    notes.open(999, HIGHLIGHT_DOC)
    with pytest.raises(SaveError, match="Could not save the highlight: no article 999"):
        await notes.add(span("the bridge"))


async def test_paint_uses_configured_colours(store: Store, writer: ReaderWriter) -> None:
    colors = (HighlightColor("mine", "#ff0000"), HighlightColor("other", "not a colour"))
    article = add_article(store)
    notes = Annotations(writer, colors)
    notes.open(article.id, HIGHLIGHT_DOC)
    await notes.load()
    first = await notes.add(span("The council"))
    second = await notes.add(span("open in May"), color="other")
    dark, light = Color(0, 0, 0), Color(255, 255, 255)
    painted = notes.paint(dark)
    assert [(s, e) for s, e, _ in painted] == [(first.start, first.end), (second.start, second.end)]
    # A tint of the colour that keeps the theme's text readable: dark stays dark, light light.
    for background, dark_theme in ((dark, True), (light, False)):
        for _, _, style in notes.paint(background)[:1]:
            assert style.bgcolor is not None
            r, g, b = style.bgcolor.get_truecolor()
            tinted = Color(r, g, b)
            assert r > g and r > b  # visibly red
            assert (tinted.brightness < 0.45) if dark_theme else (tinted.brightness > 0.6)
            assert style.color is None  # the text keeps its own colour
    assert painted[1][2] == tint_style(resolve("other", colors), dark)  # grey fallback


def test_colour_helpers() -> None:
    assert parse_color("bright_yellow") is not None
    assert parse_color("yellow") == Color(255, 255, 0)
    assert parse_color("nope") is None
    assert color_index("yellow", DEFAULT_COLORS) == 0  # an old highlight storing the colour
    assert next_color("key point", DEFAULT_COLORS) == "disputed"
    assert next_color("quote", DEFAULT_COLORS) == "key point"
    assert next_color("gone", DEFAULT_COLORS) == "key point"
