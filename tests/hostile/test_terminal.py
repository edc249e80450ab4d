"""Terminal escape sequences and control characters (core side): ANSI CSI, OSC 0/7/8/52/1337,
DCS, APC and C1 controls — raw, as XML character references, and as HTML character references
inside escaped HTML — in feed titles, authors, summaries, content, links and in page HTML.
After a refresh and an extraction nothing of them is stored (every text column of the store),
in a Document (text, spans, links, cells) or in an export (Markdown and JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import (
    FAST,
    assert_clean,
    assert_document_clean,
    assert_store_clean,
    refresh_one,
    rss_doc,
    store_contains,
)
from tests.httpserver import Response
from tui_reader.export import export_json, export_many
from tui_reader.extract import document_from_fragment, extract_html, load_document
from tui_reader.feeds.parse import parse_feed
from tui_reader.reader import add_highlight
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="terminal")

ESC = "\x1b"
PAYLOADS = {
    "csi-colour": f"{ESC}[31mred{ESC}[0m",
    "csi-clear": f"{ESC}[2J{ESC}[H",
    "osc0-title": f"{ESC}]0;pwned\x07",
    "osc7-cwd": f"{ESC}]7;file://evil/etc{ESC}\\",
    "osc8-link": f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\",
    "osc52-clipboard": f"{ESC}]52;c;cm0gLXJmIH4K\x07",
    "osc1337-file": f"{ESC}]1337;File=inline=1:SGk=\x07",
    "dcs": f"{ESC}P+q544e{ESC}\\",
    "apc-kitty": f"{ESC}_Gf=100;AAAA{ESC}\\",
    "c1-csi": "\x9b31mc1\x9b0m",
    "c1-osc": "\x9d0;c1 title\x9c",
    "c1-dcs-apc": "\x90q\x9c\x9fapc\x9c",
    "c0-c1-misc": "\x00\x07\x08\x0b\x0c\x7f\x85\x8d",
}


def _refs(text: str, style: str) -> str:
    """Write every control character of ``text`` as a character reference."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"&#{code};" if style == "dec" else f"&#x{code:x};")
        else:
            out.append(ch.replace("&", "&amp;").replace("<", "&lt;"))
    return "".join(out)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


LONG = " ".join(["The council met on Tuesday and voted on the harbour plan."] * 30)


def _items(page_url: str) -> str:
    """One item per payload and writing: raw characters, decimal and hexadecimal XML
    character references, and references inside escaped HTML (decoded one level later)."""
    out = []
    for name, payload in PAYLOADS.items():
        for style in ("raw", "dec", "hex", "html"):
            if style == "raw":
                text = _xml_text(payload)
            elif style == "html":
                text = _xml_text(_refs(payload, "dec"))  # &amp;#27; -> &#27; in the HTML
            else:
                text = _refs(payload, style)
            guid = f"{name}-{style}"
            body = f"&lt;p&gt;Summary {text} end&lt;/p&gt;"
            # Long content is the article; a teaser makes the reader fetch the page.
            rest = LONG if style in ("dec", "html") else "a teaser"
            content = f"<p>{_refs(payload, 'dec')} {rest}</p>"
            out.append(
                f"<item><guid>{guid}{text}</guid><title>Title {text} end</title>"
                f"<author>Author {text}</author><category>cat {text}</category>"
                f"<link>{page_url}?{guid}</link><description>{body}</description>"
                f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
            )
    return "".join(out)


def _page(payload: str) -> bytes:
    refs = _refs(payload, "hex")
    return (
        f"<html><head><title>Page {payload} {refs}</title>"
        f'<meta name="author" content="Jane {refs} Doe">'
        f'<meta property="og:site_name" content="Site {refs}"></head><body><article>'
        f"<h1>Head {payload}</h1>"
        + "".join(
            f"<p>Paragraph {i} {payload} and {refs} with a "
            f'<a href="https://example.org/{refs}x">link {refs}</a>. {LONG}</p>'
            for i in range(3)
        )
        + f"<pre><code>code {payload} {refs}</code></pre>"
        f"<table><tr><th>h {refs}</th></tr><tr><td>c {payload}</td></tr></table>"
        f'<figure><img src="https://example.org/i{refs}.png" alt="a {refs}">'
        f"<figcaption>cap {payload}</figcaption></figure></article></body></html>"
    ).encode()


def test_feed_fields_are_cleaned_before_storing(server: TestServer, store: Store) -> None:
    page = server.route("/page", Response(_page(PAYLOADS["osc8-link"]), content_type="text/html"))
    ns = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    title = f"Feed {_refs(PAYLOADS['osc0-title'], 'dec')} {_xml_text(PAYLOADS['c1-osc'])}"
    url = server.route(
        "/escapes.xml",
        rss_doc(
            _items(page),
            namespaces=ns,
            channel=(
                f"<title>{title}</title><link>https://example.org/{_refs(ESC, 'hex')}[31m</link>"
            ),
        ),
    )
    summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok", feed.last_error
    assert summary.new_articles == 4 * len(PAYLOADS)
    assert feed.title.startswith("Feed")
    assert assert_store_clean(store.path) > 10 * summary.new_articles  # every column seen
    titles = [a.title for a in store.list_articles(feed_id=feed.id)]
    # (An unterminated OSC or DCS string swallows the rest of its line in the title.)
    assert all(t.startswith("Title") and "\n" not in t for t in titles), titles
    for hidden in ("pwned", "file://evil", "evil.example", "cm0gLXJmIH4K", "SGk=", "q544e"):
        # Sequences go as a whole. (A guid is an opaque key, never shown: the loose parser
        # leaves '&amp;#27;' in it as text, which is harmless.)
        where = [w for w in store_contains(store.path, hidden) if w != "articles.guid"]
        assert where == [], hidden


def test_a_feeds_error_is_stored_clean(store: Store) -> None:
    """A fetch's error may quote a server or a document; the store keeps it as one clean line,
    whichever message forgot to clean what it quotes."""
    feed, _ = store.add_feed("https://example.org/f.xml")
    error = f"not a feed: {PAYLOADS['osc8-link']}\nsecond line"
    store.record_fetch(feed.id, status="error", error=error)
    assert assert_store_clean(store.path) > 0
    stored = store.feed_by_url("https://example.org/f.xml")
    assert stored is not None and stored.last_error.startswith("not a feed:")
    assert "\n" not in stored.last_error and stored.last_error.endswith("second line")


def test_json_feed_fields_are_cleaned(server: TestServer, store: Store) -> None:
    items = [
        {
            "id": f"{name}{payload}",
            "url": f"https://example.org/{name}{payload}",
            "title": f"Title {payload}",
            "authors": [{"name": f"Author {payload}"}],
            "content_html": f"<p>{_refs(payload, 'dec')} {payload}</p>",
            "summary": payload,
        }
        for name, payload in PAYLOADS.items()
    ]
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": f"J {ESC}[5m", "items": items}
    url = server.route("/escapes.json", json.dumps(doc), content_type="application/feed+json")
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok" and feed.total == len(PAYLOADS)
    assert_store_clean(store.path)


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_page_html_is_cleaned_in_the_document(name: str) -> None:
    doc = extract_html(_page(PAYLOADS[name]), "https://example.org/story")
    assert_document_clean(doc)
    assert "Paragraph 2" in doc.text and doc.links


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_feed_content_is_cleaned_in_the_document(name: str) -> None:
    payload = PAYLOADS[name]
    fragment = (
        f"<p>{payload} {_refs(payload, 'dec')} "
        f'<a href="https://e.org/{_refs(payload, "hex")}">l</a></p>'
    )
    doc = document_from_fragment(fragment, title=f"T {payload}", byline=f"B {payload}")
    assert_document_clean(doc)


def test_stored_articles_open_and_export_clean(
    server: TestServer, store: Store, tmp_path: Path
) -> None:
    """The whole way: refresh, open each article (feed content or the fetched page), make a
    highlight and a note with hostile text, export Markdown and JSON."""
    page = server.route("/page", Response(_page(PAYLOADS["csi-colour"]), content_type="text/html"))
    ns = ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    url = server.route("/escapes.xml", rss_doc(_items(page), namespaces=ns))
    _summary, feed = refresh_one(store, url)
    articles = store.list_articles(feed_id=feed.id)[:16]
    sources = set()
    for article in articles:
        doc = load_document(store, article.id, FAST)
        assert_document_clean(doc)
        sources.add(store.get_body(article.id).doc_source)
        add_highlight(
            store,
            article.id,
            doc.text,
            0,
            min(40, len(doc.text)),
            "key point",
            tags=[f"t{PAYLOADS['osc52-clipboard']}"],
            note=f"note {PAYLOADS['dcs']}",
        )
        store.set_article_note(article.id, f"mine {PAYLOADS['c1-csi']} {ESC}[1m")
    assert sources == {"feed", "page"}
    assert_store_clean(store.path)
    folder = tmp_path / "export"
    written = export_many(store, folder, colors=FAST.colors)
    assert len(written) == len(articles)
    json_path, count = export_json(store, path=tmp_path / "all.json")
    assert count >= len(articles)
    for path in [*folder.rglob("*"), json_path]:
        if path.is_file():
            assert_clean(path.name, "file name")
            assert_clean(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize(
    "title", ["a&#27;[31mb&#27;]0;pwned&#7;c", "a&amp;#27;[31mb&amp;#x1b;[0mc"]
)
def test_parsed_entries_hold_no_escape_residue(title: str) -> None:
    """A sequence goes as a whole: no '[31m' or ']0;pwned' left behind to look like text.
    (A C1 reference in HTML, ``&#x9b;``, is what HTML says it is: the windows-1252
    character '›'; a raw U+009B goes with its sequence.)"""
    doc = rss_doc(f"<item><guid>g</guid><title>{title}</title><author>{title}</author></item>")
    (entry,) = parse_feed(doc, "https://x/").entries
    assert entry.title == "abc" and entry.author == "abc"
    (entry,) = parse_feed(doc.replace(b"<guid>", b"& <guid>"), "https://x/").entries  # loose
    assert entry.title == "abc" and entry.author == "abc"
