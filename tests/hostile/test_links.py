"""Links the reader must never open or follow: ``javascript:``, ``data:``, ``file:`` and
friends, however they are spelled, and ``xml:base`` / ``<base>`` tricks that would turn a
relative link into one. ``is_web_url`` is the gate: feed and article URLs, link targets in
documents, feed discovery, OPML import and the fetcher all go through it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.hostile.conftest import refresh_one, rss_doc
from tests.httpserver import Response
from tui_reader.extract import document_from_fragment, extract_html, load_document
from tui_reader.feeds.discover import DiscoverError, discover, find_feed_links
from tui_reader.feeds.opml import read_opml
from tui_reader.net import FetchError, check_url
from tui_reader.sanitize import is_web_url
from tui_reader.store import Store

from .conftest import FAST

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="links")

# Never a link target, a feed URL or an article URL.
OTHER_SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "file://localhost/etc/shadow",
    "ftp://example.org/x",
    "about:blank",
    "chrome://settings",
    "mailto:x@example.org",  # fine inside an article, never a feed or article URL
    "https://",
]
# Refused as they are; cleaned of the hidden character, they are ordinary web links.
DIRTY = ["\x00https://example.org/nul", "https://exa\u202emple.org/", "https://e.org/\x1b[31m"]
BAD_LINKS = OTHER_SCHEMES + DIRTY
# No host: refused by the gate (in a feed, "http:/x" is a relative link, resolved as such).
NO_HOST = ["http:/no-host", "http://", "https:", "http://:80/"]


@pytest.mark.parametrize("link", BAD_LINKS + NO_HOST)
def test_the_gate(link: str) -> None:
    import html

    decoded = html.unescape(link)
    assert not is_web_url(decoded)
    with pytest.raises(FetchError):
        check_url(decoded)


@pytest.mark.parametrize(
    "link",
    [
        "https://example.org/a?b=1#c",
        "HTTP://EXAMPLE.ORG",
        "http://[::1]:8080/x",
        "https://例え.jp/",
    ],
)
def test_the_gate_lets_web_links_through(link: str) -> None:
    assert is_web_url(link)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _opens(link: str) -> bool:
    return is_web_url(link) and link.isprintable() and "\u202e" not in link


def test_feed_entries_never_store_other_schemes(server: TestServer, store: Store) -> None:
    items = "".join(
        f"<item><guid>g{n}</guid><title>t{n}</title><link>{_xml(link)}</link>"
        f'<comments>{_xml(link)}</comments><enclosure url="{_xml(link)}" type="audio/mpeg"/>'
        f"<description>&lt;a href=&quot;{_xml(_xml(link))}&quot;&gt;x&lt;/a&gt;</description>"
        "</item>"
        for n, link in enumerate(BAD_LINKS)
    )
    channel = "<title>Links</title><link>javascript:alert(document.cookie)</link>"
    url = server.route("/links.xml", rss_doc(items, channel=channel))
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok" and feed.total == len(BAD_LINKS)
    assert feed.site_url == ""
    for article in store.list_articles(feed_id=feed.id):
        link = BAD_LINKS[int(article.title[1:])]
        if link in OTHER_SCHEMES:  # gone, or (a literal "&#106;avascript:") a relative path
            assert article.url == "" or article.url.startswith(server.url("/")), article
        else:
            assert _opens(article.url), article
        doc = load_document(store, article.id, FAST) if article.url else None
        if doc is not None:
            assert all(_opens(h) or h.startswith("mailto:") for h in doc.links), doc.links


XML_BASE_TRICKS = {
    "javascript-base": ("javascript:alert(1)//", "x"),
    "file-base": ("file:///etc/", "passwd"),
    "data-base": ("data:text/html,", "x"),
    "protocol-relative-file": ("file://", "//etc/passwd"),
}


@pytest.mark.parametrize("name", list(XML_BASE_TRICKS))
def test_xml_base_cannot_turn_a_link_into_another_scheme(
    name: str, server: TestServer, store: Store
) -> None:
    base, href = XML_BASE_TRICKS[name]
    content = _xml(f'<p>text <a href="{href}">rel</a></p>')
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"'
        f' xml:base="{_xml(base)}"><title>t</title><link href="{_xml(href)}"/>'
        f'<entry xml:base="{_xml(base)}"><id>urn:1</id><title>a</title>'
        f'<link href="{_xml(href)}"/><content type="html">{content}</content></entry></feed>'
    ).encode()
    url = server.route("/base.xml", atom)
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok"
    assert feed.site_url == "" or is_web_url(feed.site_url)
    (article,) = store.list_articles(feed_id=feed.id)
    assert article.url == "" or is_web_url(article.url)
    body = store.get_body(article.id)
    doc = document_from_fragment(body.content, url=article.url)
    assert all(is_web_url(h) for h in doc.links)


@pytest.mark.parametrize("base", ["javascript:alert(1)//", "file:///etc/", "data:text/html,"])
def test_page_base_cannot_turn_links_into_other_schemes(base: str) -> None:
    words = "Words of the article that make it an article. " * 30
    links = "".join(f'<a href="{_xml(link)}">l{n}</a> ' for n, link in enumerate(BAD_LINKS))
    page = (
        f'<html><head><base href="{base}"><title>P</title></head><body><article>'
        f'<p>{words}<a href="passwd">relative</a> {links}</p>'
        f'<img src="passwd.png"><p>{words}</p></article></body></html>'
    ).encode()
    doc = extract_html(page, "https://example.org/story")
    assert doc.links and all(_opens(h) or h.startswith("mailto:") for h in doc.links)
    assert all(is_web_url(b.src) for b in doc.blocks if b.src)
    assert doc.lead_image == "" or is_web_url(doc.lead_image)


def test_discovery_never_follows_other_schemes(server: TestServer, tmp_path: Path) -> None:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{_xml(link)}">'
        for link in BAD_LINKS
    )
    page = f'<html><head><base href="file:///etc/">{links}</head><body>hi</body></html>'
    url = server.route("/page.html", Response(page, content_type="text/html"))
    found = [link.url for link in find_feed_links(page.encode(), url)]
    assert all(_opens(u) for u in found) and len(found) == len(DIRTY)
    assert all(urlsplit(u).hostname in ("example.org", "e.org") for u in found)
    page = f'<html><head><base href="file:///etc/">{links.replace("https", "file")}</head></html>'
    url = server.route("/page.html", Response(page, content_type="text/html"))
    with pytest.raises(DiscoverError, match="names no feed"):
        discover(url)
    assert [r.path for r in server.requests] == ["/page.html"]
    for link in BAD_LINKS:
        with pytest.raises(DiscoverError):
            discover(link)


def test_opml_import_skips_other_schemes() -> None:
    outlines = "".join(
        f'<outline text="o{n}" xmlUrl="{_xml(link)}" htmlUrl="{_xml(link)}"/>'
        for n, link in enumerate(OTHER_SCHEMES)
    )
    doc = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'
    feeds, skipped = read_opml(doc.encode())
    assert feeds == []
    assert len(skipped) == len(OTHER_SCHEMES)
