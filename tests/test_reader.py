"""The reader without its screens: tui_reader.reader.Reader against a real SQLite file in
tmp_path and a real HTTP server, no Textual anywhere — subscribe, refresh, list, open, extract,
highlight, re-anchor, export, import, from several threads."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

from tests import httpserver
from tui_reader.config import Config
from tui_reader.document import Document, stored_document
from tui_reader.errors import (
    ArticleUnavailable,
    DocumentError,
    ExtractionError,
    NotFound,
    ReaderError,
)
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.reader import Reader, RefreshProgress, RefreshSummary

SENTENCE = "The harbour reopened after the storm, and the ferries ran again on Sunday morning."
HTML = "text/html; charset=utf-8"


def page(title: str, words: str = SENTENCE) -> str:
    paragraphs = "".join(f"<p>{words} Paragraph {i} of {escape(title)}.</p>" for i in range(6))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
        f"{paragraphs}</article><footer>Coast News</footer></body></html>"
    )


def feed_xml(server: httpserver.TestServer, titles: list[str]) -> bytes:
    items = "".join(
        f"<item><guid>g-{i}</guid><title>{escape(t)}</title>"
        f"<link>{server.url(f'/post/{i}')}</link>"
        f"<description>&lt;p&gt;Teaser of {escape(t)}. Read more&lt;/p&gt;</description>"
        f"<pubDate>Mon, 06 Jan 2025 1{i}:00:00 GMT</pubDate></item>"
        for i, t in enumerate(titles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Coast News</title><link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


TITLES = ["Harbour reopens", "Ferries return"]


@pytest.fixture
def reader(paths: Paths) -> Iterator[Reader]:
    paths.ensure()
    r = Reader.open(paths, Config())
    yield r
    r.close()


@pytest.fixture
def site(server: httpserver.TestServer) -> str:
    for i, title in enumerate(TITLES):
        server.route(f"/post/{i}", page(title), content_type=HTML)
    return server.route("/feed.xml", feed_xml(server, TITLES))


def test_the_reader_loads_no_ui() -> None:
    """Importing the façade and using it loads neither Textual nor the UI (a fresh process:
    this one may have loaded them for another test)."""
    code = (
        "import sys, tui_reader.reader, tui_reader.document;"
        "tui_reader.document.Document.from_plain_text('x');"
        "print(sorted(m for m in sys.modules if m in ('textual', 'rich')"
        " or m.startswith(('tui_reader.ui', 'tui_reader.cli'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_subscribe_refresh_list_search(reader: Reader, site: str) -> None:
    done = reader.subscribe(site, folder="News/Local")
    assert done.created and done.new_articles == 2 and done.feed.folder == "News/Local"
    again = reader.subscribe(site)
    assert not again.created and again.feed.id == done.feed.id

    seen: list[RefreshProgress] = []
    summary = reader.refresh(progress=seen.append)
    assert isinstance(summary, RefreshSummary)
    assert [f.id for f in summary.ok] == [done.feed.id] and summary.new_articles == 0
    assert [(p.done, p.total, p.feed.id) for p in seen] == [(1, 1, done.feed.id)]

    articles = reader.articles(feed_id=done.feed.id)
    assert sorted(a.title for a in articles) == sorted(TITLES)
    assert reader.articles(folder="News") == articles
    assert [h.article.title for h in reader.search("ferries")] == ["Ferries return"]

    reader.rename_feed(done.feed.id, "\x1b[1mHar\x00bour\t ")  # as pasted into the app
    reader.move_feed(done.feed.id, "Elsewhere")
    moved = reader.feed(done.feed.id)
    assert moved is not None and (moved.title, moved.folder) == ("Harbour", "Elsewhere")
    assert reader.remove_feed(done.feed.id) == 0
    assert reader.feeds() == []


def test_open_extract_highlight_reanchor(
    reader: Reader, site: str, server: httpserver.TestServer
) -> None:
    feed = reader.subscribe(site).feed
    article = next(a for a in reader.articles(feed_id=feed.id) if a.title == TITLES[0])

    opened = reader.open_article(article.id)
    assert not opened.current and opened.stored is None
    assert opened.document.text == f"Teaser of {TITLES[0]}. Read more"  # the quick view
    doc = reader.load_document(article.id, opened=opened)
    assert "Paragraph 5 of Harbour reopens." in doc.text and "Home" not in doc.text

    opened = reader.open_article(article.id)
    assert opened.current and opened.document == doc == reader.stored_document(article.id)
    assert opened.body.doc_version == EXTRACTOR_VERSION

    start = doc.text.index("ferries ran")
    h = reader.add_highlight(article.id, doc.text, start, start + len("ferries ran"), "yellow")
    assert (h.quote, h.start) == ("ferries ran", start)
    reader.update_highlight(h.id, note="  a note ", tags=["#Sea", "sea", "boats"])
    assert reader.highlight(h.id) is not None
    assert reader.highlights(article.id)[0].note == "a note"
    assert reader.highlights(article.id)[0].tags == ("Sea", "boats")
    with pytest.raises(NotFound):
        reader.update_highlight("hl-missing", note="x")

    # The page changes: a forced load stores the new text and the highlight follows it.
    server.route("/post/0", page(TITLES[0], "Breaking: " + SENTENCE), content_type=HTML)
    new = reader.load_document(article.id, force=True)
    moved = reader.highlights(article.id)[0]
    assert moved.start is not None and moved.end is not None
    assert new.text[moved.start : moved.end] == "ferries ran"
    assert moved.start != start

    # Shown a text that is not the stored one: placed for display, nothing saved.
    shown = "Summary. " + SENTENCE
    placed = reader.place_highlights(article.id, shown)
    assert not placed.reanchored and placed.highlights[0].start == shown.index("ferries ran")
    assert reader.highlights(article.id)[0].start == moved.start
    assert reader.reanchor(article.id).placed == 1


def test_unavailable_article_is_typed(reader: Reader, server: httpserver.TestServer) -> None:
    server.route("/post/0", "gone", status=410, content_type="text/plain")
    server.route("/feed.xml", feed_xml(server, ["Lost"]))
    feed = reader.subscribe(server.url("/feed.xml")).feed
    article = reader.articles(feed_id=feed.id)[0]
    doc = reader.load_document(article.id)  # the page fails: the feed's teaser, with a notice
    assert doc.text == "Teaser of Lost. Read more" and "410" in doc.notice

    empty = reader.add_feed("https://nowhere.invalid/feed", title="x")[0]
    reader.store.upsert_entries(empty, [EntryData(guid="e", url="")])
    nothing = reader.articles(feed_id=empty.id)[0]
    with pytest.raises(ArticleUnavailable) as info:
        reader.load_document(nothing.id)
    err = info.value
    assert isinstance(err, ExtractionError) and isinstance(err, ReaderError)
    assert (err.url, err.reason, err.can_open) == (
        "",
        "the article has no web address to fetch",
        False,
    )
    assert str(err) == (
        "could not extract an article from this entry: the article has no web address to fetch"
    )


def test_extraction_errors_have_fields(reader: Reader) -> None:
    with pytest.raises(ExtractionError) as info:
        reader.extract_page(b"", "https://example.org/empty")
    assert (info.value.url, info.value.reason) == ("https://example.org/empty", "the page is empty")
    assert str(info.value) == (
        "could not extract an article from https://example.org/empty: the page is empty"
    )
    with pytest.raises(ExtractionError) as info:
        reader.extract_page(b"\x89PNG\r\n\x1a\n" + bytes(64), "")
    assert info.value.url == "" and "not an HTML page" in info.value.reason
    assert str(info.value).startswith("could not extract an article from the page: it is ")


@pytest.mark.parametrize("text", ["[]", "1", '"x"', "null", "{", '{"blocks": 3}', "[" * 5000])
def test_stored_documents_one_policy(text: str) -> None:
    with pytest.raises(DocumentError) as info:
        Document.from_json(text)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ReaderError)
    assert stored_document(text) is None


def test_export_and_import_without_ui(
    reader: Reader, site: str, tmp_path: Path, paths: Paths
) -> None:
    feed = reader.subscribe(site).feed
    article = reader.articles(feed_id=feed.id)[0]
    doc = reader.load_document(article.id)
    start = doc.text.index("storm")
    reader.add_highlight(article.id, doc.text, start, start + 5, "yellow", note="why")
    reader.set_article_note(article.id, "An article note")

    md = reader.export_article(article.id, folder=tmp_path / "notes")
    text = md.read_text(encoding="utf-8")
    assert "> storm" in text or "storm" in text
    assert "An article note" in text
    out, count = reader.export_json(path=tmp_path / "a.json")
    assert count == 2 and json.loads(out.read_text(encoding="utf-8"))["total"] == 2

    other = Paths(
        data_dir=tmp_path / "other",
        config_dir=tmp_path / "other-config",
        cache_dir=tmp_path / "other-cache",
        log_dir=tmp_path / "other-log",
        export_dir=tmp_path / "other-export",
    )
    with Reader.open(other, Config()) as second:
        result = second.import_annotations(out, fetch=True)
        assert (result.added, result.notes_added) == (1, 1)
        imported = second.article_by_url(article.url)
        assert imported is not None
        [h] = second.highlights(imported.id)
        assert h.quote == "storm" and h.note == "why" and h.start is not None


def test_one_reader_many_threads(reader: Reader, site: str) -> None:
    feed = reader.subscribe(site).feed
    article = reader.articles(feed_id=feed.id)[0]
    doc = reader.load_document(article.id)
    errors: list[BaseException] = []
    connections: set[int] = set()

    together = threading.Barrier(4)  # all alive at once: their connections' ids differ

    def work(n: int) -> None:
        try:
            connections.add(id(reader.store))
            together.wait(timeout=30)
            start = doc.text.index(f"Paragraph {n}")
            reader.add_highlight(article.id, doc.text, start, start + 11, "green")
            reader.set_read([article.id], bool(n % 2))
            assert reader.open_article(article.id).current
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(connections) == 4  # one connection per thread...
    assert len(reader.highlights(article.id)) == 4
    assert len(reader._stores) == 1  # ...closed when it ended: only this thread's is left
    mine = reader.store
    reader.release_thread()
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        mine.conn.execute("SELECT 1")
    assert reader.store is not mine and reader.article(article.id) is not None
    reader.close()
    with pytest.raises(RuntimeError):
        reader.articles()


def test_a_saved_copy_of_a_stored_page_gives_way(reader: Reader, site: str) -> None:
    feed = reader.subscribe(site).feed
    stored = reader.articles(feed_id=feed.id)[0]
    copy = reader.saved_page(stored.url + "?utm_source=x")
    assert copy.id == stored.id  # the same page by another spelling: no copy at all
    amp = reader.saved_page("https://amp.example/story")
    assert amp.feed_id is None and reader.articles(saved=True) == [amp]
    named = reader.name_saved_page(amp.url, title="The story", site="amp.example")
    assert named.id == amp.id and named.title == "The story"
    canonical = Document(url=stored.url, title="The story")
    assert reader.stored_article_for(named, canonical) == stored
    assert reader.article(amp.id) is None and reader.articles(saved=True) == []
    assert reader.stored_article_for(stored, canonical) is None  # not a Saved copy


def test_lists_views_saved_searches_and_commands_through_the_reader(reader: Reader) -> None:
    """Issue 16's list work, reached as the UI reaches it: a list in another order, marked
    read at once and brought back, each list's view kept, saved searches kept and counted, a
    bad query refused in one line, and an article handed to a program with its text."""
    from tui_reader.errors import ReaderError
    from tui_reader.listview import ListView
    from tui_reader.reader import ListFilter

    feed, _ = reader.add_feed("https://example.org/feed.xml", title="Example")
    reader.store.upsert_entries(
        feed,
        [
            EntryData(
                guid=f"g{i}",
                url=f"https://example.org/{i}",
                title=f"Story {i}",
                published=1_700_000_000.0 + i,
                content=f"<p>zebra words {i}</p>",
                text=f"zebra words {i}",
            )
            for i in range(3)
        ],
    )
    newest = [a.title for a in reader.list_articles(ListFilter(feed_id=feed.id))]
    oldest = [a.title for a in reader.list_articles(ListFilter(feed_id=feed.id), sort="oldest")]
    assert newest == ["Story 2", "Story 1", "Story 0"] and oldest == newest[::-1]
    marked = reader.mark_list_read(ListFilter(feed_id=feed.id))
    assert len(marked) == 3 and reader.unread_total() == 0
    reader.mark_unread(marked[:1])
    assert reader.unread_total() == 1

    reader.set_list_views({"feed:1": ListView("title", False), "all": ListView()})
    assert reader.list_views() == {"feed:1": ListView("title", False)}  # defaults not kept

    saved = reader.save_search(" Zebras ", "zebra unread")
    assert (saved.name, saved.query) == ("Zebras", "zebra unread")
    assert reader.saved_search_counts() == [("Zebras", "zebra unread", 1)]
    with pytest.raises(ReaderError, match="as a date"):
        reader.save_search("Bad", "since:nonsense")
    assert [s.name for s in reader.saved_searches()] == ["Zebras"]
    assert reader.list_articles(Reader.saved_search_filter("since:nonsense")) == []
    reader.remove_saved_search("Zebras")
    assert reader.saved_searches() == []

    article = reader.list_articles(ListFilter(feed_id=feed.id))[0]
    # {file} holds the stored text (no pane to give it): the program sees a non-empty file
    # whose text is the article's, and the file is gone once the program ended.
    script = 'grep -q "zebra words 2" "$1" && test "$2" = "Story 2"'
    outcome = reader.run_command(["sh", "-c", script, "sh", "{file}", "{title}"], article)
    assert outcome.ok, outcome
    assert list((reader.paths.cache_dir / "handoff").iterdir()) == []
    failed = reader.run_command(["sh", "-c", "echo nope >&2; exit 3"], article)
    assert (failed.returncode, failed.error_tail) == (3, "nope")
