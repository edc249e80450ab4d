"""One-line fields of any length: a feed's or an entry's title, an author, a page's title and
byline, an OPML outline's name and folder. Each is cut to ``MAX_LINE_CHARS`` where it enters
(``sanitize.cap_line``: ``clean_title`` for feeds, the metadata reader for pages, the store
for feed titles and folders), so no list row, progress line or heading pays for megabytes.
Before, a feed whose template put a whole article in ``<title>`` stored it whole: the CLI
printed a 2 MB "Subscribed to ..." line and a line a feed on every refresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import refresh_one
from tests.httpserver import Response, TestServer
from tui_reader.extract import extract_html
from tui_reader.feeds.opml import import_opml
from tui_reader.sanitize import MAX_LINE_CHARS, cap_line
from tui_reader.store import Store

WORDS = "Word " * 8_000  # 40,000 characters, with spaces to cut at
LONG = "X" * 40_000  # none


def _rss(title: str, author: str) -> bytes:
    items = "".join(
        f"<item><title>{title if i == 0 else f'Item {i}'}</title>"
        f"<link>https://example.org/{i}</link><guid>g{i}</guid>"
        f"<author>a@example.org ({author})</author>"
        f"<description>Text of item {i}.</description></item>"
        for i in range(3)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>"
    ).encode()


def _atom(title: str, author: str) -> bytes:
    entries = "".join(
        f'<entry><title type="html">{title if i == 0 else f"Item {i}"}</title>'
        f"<id>urn:x:{i}</id><link href='https://example.org/{i}'/>"
        f"<updated>2026-01-0{i + 1}T00:00:00Z</updated>"
        f"<author><name>{author}</name></author><content>Text {i}.</content></entry>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def _json_feed(title: str, author: str) -> bytes:
    items = [
        {
            "id": str(i),
            "url": f"https://example.org/{i}",
            "title": title if i == 0 else f"Item {i}",
            "authors": [{"name": author}],
            "content_text": f"Text {i}.",
        }
        for i in range(3)
    ]
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    return json.dumps(doc).encode()


def _loose_rss(title: str, author: str) -> bytes:
    # Not well-formed (an undefined entity): feedparser's loose parser reads it.
    return _rss(title, author).replace(b"<description>", b"<description>&nbsp;&bogus;", 1)


def _check(value: str, source: str) -> None:
    """Cut to the limit, marked as cut, and what is kept is the source's start (an RSS
    author's "address (name)" may stand before it)."""
    assert len(value) <= MAX_LINE_CHARS, len(value)
    kept = value.removeprefix("a@example.org (")
    assert value.endswith("\u2026") and source.startswith(kept[:-1].rstrip())


@pytest.mark.parametrize("make", [_rss, _atom, _json_feed, _loose_rss])
@pytest.mark.parametrize("text", [WORDS, LONG], ids=["words", "one-word"])
def test_titles_and_authors_of_any_length_are_cut_where_a_feed_enters(
    server: TestServer, store: Store, make: object, text: str
) -> None:
    body = make(text, text)  # type: ignore[operator]
    kind = "application/feed+json" if body.startswith(b"{") else "application/xml"
    url = server.route("/long.xml", Response(body=body, content_type=kind))
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok", feed.last_error
    _check(feed.title, text.strip())
    rows = store.conn.execute("SELECT title, author FROM articles WHERE feed_id = ?", (feed.id,))
    titles, authors = zip(*rows, strict=True)
    assert len(titles) == 3 and sorted(t for t in titles if len(t) < 20) == ["Item 1", "Item 2"]
    _check(max(titles, key=len), text.strip())
    for author in authors:
        _check(author, text.strip())


def test_an_opml_outline_of_any_length(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body><outline text="{WORDS}">'
        f'<outline type="rss" text="{LONG}" xmlUrl="https://example.org/feed.xml"/>'
        "</outline></body></opml>"
    )
    import_opml(store, path)
    (feed,) = store.list_feeds()
    _check(feed.title, LONG)
    _check(feed.folder, WORDS.strip())
    store.rename_feed(feed.id, WORDS)
    renamed = store.get_feed(feed.id)
    assert renamed is not None
    _check(renamed.title, WORDS.strip())


def test_a_page_title_and_byline_of_any_length() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story, long enough to be read as the article's text by any"
        " reader of pages, with a few more words to make it so.</p>"
        for i in range(8)
    )
    page = (
        f"<html><head><title>{WORDS}</title><meta property='og:title' content='{LONG}'>"
        f"<meta name='author' content='{WORDS}'></head>"
        f"<body><article><h1>Headline</h1>{paragraphs}</article></body></html>"
    )
    doc = extract_html(page, "https://news.example/story")
    _check(doc.title, LONG)
    _check(doc.byline, WORDS.strip())
    assert "Paragraph 7 of the story" in doc.text


def test_the_cli_prints_a_long_title_cut(server: TestServer, tmp_path: Path) -> None:
    url = server.route("/long.xml", Response(body=_rss(WORDS, "A"), content_type="text/xml"))
    env = {**os.environ, "TUI_READER_HOME": str(tmp_path / "home")}
    for command in (["add", url], ["refresh"]):
        run = subprocess.run(
            [sys.executable, "-m", "tui_reader", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        lines = run.stdout.splitlines()
        assert any("Word Word" in line for line in lines), run.stdout[:500]
        assert max(map(len, lines)) < MAX_LINE_CHARS + 200


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("one two three four", 10, "one two\u2026"),  # at the last space within the limit
        ("abcdefghijklmnop", 10, "abcdefghi\u2026"),  # no space: mid-word
        ("a bcdefghijklmnop", 10, "a bcdefgh\u2026"),  # a space only in the first half
    ],
)
def test_cap_line(text: str, limit: int, expected: str) -> None:
    assert cap_line(text, limit) == expected
    assert len(cap_line(text, limit)) <= limit
