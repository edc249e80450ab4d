"""Highlights given only by a position (a W3C TextPositionSelector without a quote) are kept:
placed, their quote taken from the text, when the article's text is the one their offsets
were given for (by hash) — stored already, fetched by the import, or at the article's first
opening after an import offline; else stored unanchored with the reason, and counted so. Such
a highlight exports validly (a TextPositionSelector alone) and shows in the sidebar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import HIGHLIGHT_TEXT, Data, add_article, open_row, span
from tests.httpserver import TestServer
from tests.w3c import must_failures, suite_present
from tui_reader.anchor import text_hash
from tui_reader.config import Config
from tui_reader.export.markdown import export_article
from tui_reader.export.webannotation import import_annotations, to_collection
from tui_reader.models import POSITION_ONLY_LABEL, Highlight
from tui_reader.paths import Paths
from tui_reader.placing import place
from tui_reader.reader import Reader
from tui_reader.store import Store

CHANGED = "the text changed since this highlight was made: it had only a position"
FILLER = (
    "The harbour board has argued about dredging the channel for years, and each plan was"
    " costed, shelved and costed again as the ships that use the port grew larger."
)
PAGE = f"""<!doctype html><html><head><title>The harbour vote</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>The harbour vote</h1>
<p>{FILLER} Nobody expected a decision this month.</p>
<p>The board approved the dredging contract after a short debate. Fishermen said the work
would close the inner harbour for a whole season, and asked for compensation.</p>
<p>{FILLER}</p><p>{FILLER} The work starts in autumn.</p>
</article></main><footer>Copyright</footer></body></html>"""
QUOTE = "The board approved the dredging contract after a short debate."


def position_only(source: str, start: int, end: int, hash_: str, n: int = 1) -> dict[str, Any]:
    return {
        "type": "Annotation",
        "id": f"http://example.org/annotations/{n}",
        "body": {"type": "TextualBody", "value": f"note {n}", "purpose": "commenting"},
        "target": {
            "source": source,
            "selector": {"type": "TextPositionSelector", "start": start, "end": end},
        },
        "tui-reader": {"textHash": hash_},
    }


def write(tmp_path: Path, annotations: list[dict[str, Any]]) -> Path:
    path = tmp_path / "positions.json"
    path.write_text(json.dumps(annotations), "utf-8")
    return path


def page_text(reader: Reader, server: TestServer) -> str:
    """The text this reader extracts from PAGE (served once at a path of its own)."""
    return reader.extract_url(server.route("/draft", PAGE, content_type="text/html")).text


def test_hash_match_is_placed_through_the_fetch(
    paths: Paths, server: TestServer, tmp_path: Path
) -> None:
    url = server.route("/news/harbour", PAGE, content_type="text/html; charset=utf-8")
    with Reader.open(paths, Config()) as reader:
        text = page_text(reader, server)
        start = text.index(QUOTE)
        path = write(tmp_path, [position_only(url, start, start + len(QUOTE), text_hash(text))])
        result = reader.import_annotations(path, fetch=True)
        assert (result.added, result.placed, result.unanchored, result.fetched) == (1, 1, 0, 1)
        assert result.problems == [] and "skipped" not in result.summary()
        [article] = reader.store.annotated_articles()
        [h] = reader.highlights(article.id)
        assert h.quote == QUOTE and (h.start, h.end) == (start, start + len(QUOTE))
        assert h.prefix and h.suffix and h.position is None and h.note == "note 1"
        assert h.text_hash == text_hash(text)


def test_hash_mismatch_is_kept_unanchored_with_the_reason(store: Store) -> None:
    a = add_article(store)
    start, end = span("the cost of the project")
    data = [
        position_only(a.url, start, end, "0123456789abcdef", n=1),  # made on another text
        position_only(a.url, start, end, text_hash(HIGHLIGHT_TEXT), n=2),  # made on this one
        position_only(a.url, end, len(HIGHLIGHT_TEXT) + 5, text_hash(HIGHLIGHT_TEXT), n=3),
    ]
    result = import_annotations(store, data, placer=place)
    assert (result.added, result.placed, result.unanchored) == (3, 1, 2)
    assert result.problems == [
        f"annotation 1: kept unanchored: {CHANGED}",
        "annotation 3: kept unanchored: it had only a position, and there is no text at"
        " those offsets",
    ]
    assert "1 placed, 2 unanchored" in result.summary() and "skipped" not in result.summary()
    by_note = {h.note: h for h in store.list_highlights(a.id)}
    changed, same = by_note["note 1"], by_note["note 2"]
    assert not changed.anchored and changed.quote == "" and changed.position == (start, end)
    assert changed.position_only and changed.text_hash == "0123456789abcdef"
    assert same.quote == "the cost of the project" and (same.start, same.end) == (start, end)
    # Importing the same file again adds nothing (the kept one is recognised too).
    again = import_annotations(store, data, placer=place)
    assert (again.added, again.skipped, again.problems) == (0, 3, [])


def test_offline_kept_then_placed_at_first_open(
    paths: Paths, server: TestServer, tmp_path: Path
) -> None:
    url = server.url("/news/harbour")  # nothing served there yet: the fetch fails
    with Reader.open(paths, Config()) as reader:
        text = page_text(reader, server)
        start = text.index(QUOTE)
        end = start + len(QUOTE)
        path = write(
            tmp_path,
            [
                position_only(url, start, end, text_hash(text), n=1),
                position_only(url, start, end, "0123456789abcdef", n=2),
            ],
        )
        result = reader.import_annotations(path, fetch=True)
        assert (result.added, result.placed, result.unanchored, result.fetched) == (2, 0, 2, 0)
        assert len(result.problems) == 2
        assert all(
            "is not here yet: placed when the article is first opened" in p for p in result.problems
        )
        [article] = reader.store.annotated_articles()
        assert all(h.position_only for h in reader.highlights(article.id))

        server.route("/news/harbour", PAGE, content_type="text/html; charset=utf-8")
        opened = reader.load_document(article.id)  # the first opening
        assert opened.text == text
        by_note = {h.note: h for h in reader.highlights(article.id)}
        placed, waiting = by_note["note 1"], by_note["note 2"]
        assert placed.quote == QUOTE and (placed.start, placed.end) == (start, end)
        assert placed.position is None and placed.text_hash == text_hash(text)
        assert waiting.position_only and not waiting.anchored  # another text's offsets
        shown = reader.place_highlights(article.id, opened.text).highlights
        assert [h.quote for h in shown if h.anchored] == [QUOTE]


def test_unplaced_position_only_exports_validly(store: Store, tmp_path: Path) -> None:
    a = add_article(store)
    start, end = span("the cost of the project")
    import_annotations(store, [position_only(a.url, start, end, "feedc0de")], placer=place)
    data = to_collection(store, [a.id], now=1_780_000_000.0)
    [item] = data["first"]["items"]
    assert item["target"]["selector"] == [
        {"type": "TextPositionSelector", "start": start, "end": end}
    ]
    assert item["tui-reader"]["textHash"] == "feedc0de"
    if suite_present():
        assert must_failures(data) == []
    markdown = export_article(store, a.id, tmp_path / "notes").read_text("utf-8")
    assert "position only, not placed yet" in markdown and "note 1" in markdown
    # Moved to another store, it is still the same position waiting for the same text.
    other = Store.open(tmp_path / "other.db")
    try:
        result = import_annotations(other, json.loads(json.dumps(data)), placer=place)
        assert (result.added, result.unanchored) == (1, 1)
        [h] = other.list_highlights(other.annotated_articles()[0].id)
        assert h.position == (start, end) and h.text_hash == "feedc0de" and h.quote == ""
    finally:
        other.close()


async def test_sidebar_shows_a_position_only_highlight(data: Data) -> None:
    article_id = data.articles["News story 0"]
    waiting = Highlight(
        id="hl-0000beef",
        article_id=article_id,
        quote="",
        text_hash="0123456789abcdef",  # not this article's text: it stays unplaced
        note="my note on it",
        color="fact",
        position=(3, 12),
    )
    assert data.store.insert_highlight(waiting)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_row(pilot, 0)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.sidebar.is_shown
        shown = "\n".join(str(o.prompt) for o in screen.sidebar.option_list.options)
        assert "Not found in the current text (1)" in shown
        assert POSITION_ONLY_LABEL in shown and "my note on it" in shown
        assert "“”" not in shown
    stored = data.store.get_highlight(waiting.id)
    assert stored is not None and stored.position_only  # opening it did not move it


def test_a_store_made_before_positions_were_kept_keeps_its_highlights(tmp_path: Path) -> None:
    import sqlite3

    from tui_reader.store.schema import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:6]):  # every migration before this one
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute("INSERT INTO articles(uid, title, added) VALUES ('u1', 'Old', 1.0)")
    conn.execute(
        "INSERT INTO highlights(id, article_id, quote, start, end_, text_hash, created, updated)"
        " VALUES ('hl-00000001', 1, 'an old quote', 4, 16, 'abc', 1.0, 1.0)"
    )
    conn.close()
    store = Store.open(path)
    try:
        [h] = store.list_highlights(1)
        assert (h.quote, h.start, h.end, h.position) == ("an old quote", 4, 16, None)
        assert not h.position_only
        kept = Highlight(id="hl-00000002", article_id=1, quote="", position=(2, 9), created=2.0)
        assert store.insert_highlight(kept)
        assert store.get_highlight(kept.id) == Highlight(
            id="hl-00000002", article_id=1, quote="", position=(2, 9), created=2.0, updated=2.0
        )
    finally:
        store.close()


def test_import_notes_command_says_why_a_position_is_unanchored(tmp_path: Path) -> None:
    from tests.test_export_cli import run

    url = "https://example.org/news/not-fetched"
    path = write(tmp_path, [position_only(url, 10, 30, "0123456789abcdef")])
    proc = run("import-notes", "--no-fetch", str(path))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("tui-reader: annotation 1: kept unanchored: it has only a position")
    assert lines[-1] == (
        "tui-reader: 1 highlight added, 0 placed, 1 unanchored, 1 article(s) created under Saved"
    )


async def test_all_highlights_view_shows_a_position_only_highlight(store: Store) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from tui_reader.config import DEFAULT_COLORS
    from tui_reader.ui.appreader import AppReader
    from tui_reader.ui.screens.all_highlights import AllHighlightsScreen
    from tui_reader.ui.styles import stylesheets

    a = add_article(store)
    import_annotations(store, [position_only(a.url, 3, 12, "0123456789abcdef")], placer=place)
    screen = AllHighlightsScreen(AppReader.at(store.path), DEFAULT_COLORS)

    class Harness(App[None]):
        def __init__(self) -> None:
            super().__init__(css_path=list(stylesheets()))

        def compose(self) -> ComposeResult:
            yield Static("")

        def on_mount(self) -> None:
            self.push_screen(screen)

    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [h.note for h in screen.results] == ["note 1"]
        shown = "\n".join(str(o.prompt) for o in screen.option_list.options)
        assert POSITION_ONLY_LABEL in shown and "“”" not in shown


def _alternatives(source: str, quotes: tuple[str, ...]) -> dict[str, Any]:
    """An annotation whose target gives several TextQuoteSelectors: alternatives, by the W3C
    model (4.2), each describing the same passage."""
    return {
        "type": "Annotation",
        "id": "http://example.org/annotations/alt",
        "body": {"type": "TextualBody", "value": "spelled two ways"},
        "target": {
            "source": source,
            "selector": [{"type": "TextQuoteSelector", "exact": q} for q in quotes],
        },
    }


def test_of_alternative_quotes_the_one_in_the_text_is_placed(store: Store) -> None:
    article = add_article(store)
    result = import_annotations(
        store,
        [_alternatives(article.url, ("the Bridge hearing", "cost of the project", "open"))],
        placer=place,
    )
    assert (result.added, result.placed) == (1, 1)
    [h] = store.list_highlights(article.id)
    assert h.quote == "cost of the project"
    assert HIGHLIGHT_TEXT[h.start : h.end] == "cost of the project"


def test_of_alternative_quotes_the_one_in_the_fetched_text_is_placed(
    paths: Paths, server: TestServer, tmp_path: Path
) -> None:
    url = server.route("/news/harbour", PAGE, content_type="text/html; charset=utf-8")
    with Reader.open(paths, Config()) as reader:
        absent = QUOTE.replace(" ", " not ", 1)
        path = write(tmp_path, [_alternatives(url, (absent, QUOTE))])
        result = reader.import_annotations(path, fetch=True)
        assert (result.added, result.placed, result.fetched) == (1, 1, 1)
        [article] = reader.store.annotated_articles()
        [h] = reader.highlights(article.id)
        assert h.quote == QUOTE and h.start is not None
