"""OPML import/export, feed discovery and the welcome feed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import HTML_PAGE, rss
from tests.httpserver import TestServer
from tui_reader.feeds.discover import (
    DiscoverError,
    discover,
    find_feed_anchors,
    find_feed_links,
)
from tui_reader.feeds.opml import OpmlError, export_opml, import_opml, read_opml
from tui_reader.feeds.welcome import WELCOME_SETTING, WELCOME_URL, ensure_welcome
from tui_reader.store import Store

NESTED = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Top feed" xmlUrl="https://top.example/feed" htmlUrl="https://top.example/"/>
  <outline text="News">
    <outline text="World" title="World">
      <outline text="Daily" xmlUrl="https://daily.example/rss"/>
    </outline>
    <outline title="Local" type="rss" xmlUrl="https://local.example/atom"/>
  </outline>
  <outline text="Tech"><outline text="Blog" xmlUrl="https://blog.example/feed.json"/></outline>
  <outline text="bad" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_nested_outlines_are_folders(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(NESTED)
    result = import_opml(store, path)
    got = {f.url: (f.title, f.folder) for f in result.added}
    assert got == {
        "https://top.example/feed": ("Top feed", ""),
        "https://daily.example/rss": ("Daily", "News/World"),
        "https://local.example/atom": ("Local", "News"),
        "https://blog.example/feed.json": ("Blog", "Tech"),
    }
    assert result.skipped == [("file:///etc/passwd", "not an http(s) URL")]
    top = store.feed_by_url("https://top.example/feed")
    assert top is not None and top.site_url == "https://top.example/"


def test_feed_pseudo_scheme_and_url_attributes_are_read(store: Store, tmp_path: Path) -> None:
    """What other readers write: the feed: pseudo-scheme, and a feed's address in "url" (an
    outline of type rss); a "url" of any other type (a link to a page) is no feed."""
    path = tmp_path / "subs.opml"
    path.write_bytes(
        b'<opml version="2.0"><body>'
        b'<outline text="A" xmlUrl="feed://a.example/rss"/>'
        b'<outline text="B" xmlUrl="feed:https://b.example/atom"/>'
        b'<outline text="C" type="rss" url="https://c.example/feed"/>'
        b'<outline text="D" type="link" url="https://d.example/page"/>'
        b"</body></opml>"
    )
    result = import_opml(store, path)
    assert [f.url for f in result.added] == [
        "https://a.example/rss",
        "https://b.example/atom",
        "https://c.example/feed",
    ]
    # Not a feed's address, but said: a directory of links imported 0 feeds in silence.
    assert [url for url, _ in result.skipped] == ["https://d.example/page"]


def test_importing_again_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(NESTED)
    import_opml(store, path)
    feed = store.feed_by_url("https://daily.example/rss")
    assert feed is not None
    store.rename_feed(feed.id, "Renamed")
    store.set_feed_folder(feed.id, "Elsewhere")
    again = import_opml(store, path)
    assert again.added == [] and len(again.existing) == 4
    after = store.feed_by_url("https://daily.example/rss")
    assert after is not None and (after.title, after.folder) == ("Renamed", "Elsewhere")
    assert len(store.list_feeds()) == 4


def test_an_import_failing_half_way_subscribes_to_none(store: Store, tmp_path: Path) -> None:
    """All or nothing: the database refuses the third feed (a real SQLite error, raised by a
    trigger, as a full disk would be); the two before it are not left subscribed."""
    store.conn.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON feeds WHEN new.url LIKE '%/third%'"
        " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    outlines = "".join(
        f'<outline text="{n}" xmlUrl="https://{n}.example/{n}"/>'
        for n in ("first", "second", "third")
    )
    path = tmp_path / "subs.opml"
    path.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    before = [f.url for f in store.list_feeds()]
    with pytest.raises(sqlite3.IntegrityError, match="disk is full"):
        import_opml(store, path)
    assert [f.url for f in store.list_feeds()] == before


def test_round_trip_keeps_every_feed_and_folder(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(NESTED)
    import_opml(store, path)
    store.add_feed("https://solo.example/x", title="Solo & <friends>", folder="A/B/C")
    exported = tmp_path / "out.opml"
    exported.write_text(export_opml(store.list_feeds()), encoding="utf-8")
    feeds, skipped = read_opml(exported.read_bytes())
    assert skipped == []
    before = {(f.url, f.display_title, f.folder) for f in store.list_feeds()}
    assert {(f.url, f.title, f.folder) for f in feeds} == before


def test_export_is_well_formed_whatever_an_older_version_stored(
    store: Store, tmp_path: Path
) -> None:
    """A title or folder stored with control characters (never by this version: the façade
    cleans what is typed) is exported cleaned: XML 1.0 cannot hold ESC or NUL, and a file
    other readers cannot parse would be no export at all."""
    feed, _ = store.add_feed("https://dirty.example/feed", folder="News\x1b[31m/Lo\x00cal")
    store.rename_feed(feed.id, "\x1b]0;owned\x07Red\tTitle\u202e")
    text = export_opml(store.list_feeds())
    from lxml import etree

    etree.fromstring(text.encode("utf-8"))  # strict: no recovery
    feeds, skipped = read_opml(text.encode("utf-8"))
    assert skipped == []
    assert [(f.url, f.title, f.folder) for f in feeds] == [
        ("https://dirty.example/feed", "Red Title", "News/Local")
    ]


def test_export_leaves_out_the_welcome_feed(store: Store) -> None:
    ensure_welcome(store)
    store.add_feed("https://a.example/feed")
    text = export_opml(store.list_feeds())
    assert WELCOME_URL not in text and "https://a.example/feed" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not xml at all", "not an OPML file: it is not well-formed XML"),
        (b"", "the file is empty"),
        (b"<rss><channel/></rss>", "not an OPML file: the document is <rss>, not <opml>"),
        (b"<opml version='2.0'><head/></opml>", "not an OPML file: it has no <body>"),
    ],
)
def test_files_that_are_not_opml(store: Store, tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.opml"
    path.write_bytes(data)
    with pytest.raises(OpmlError) as info:
        import_opml(store, path)
    assert str(info.value).startswith(message)
    assert store.list_feeds() == []


@pytest.mark.parametrize(
    "entities",
    [
        '<!ENTITY xxe SYSTEM "file://{secret}">',
        '<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">',
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "utf-32"])
def test_entity_declarations_are_refused(tmp_path: Path, entities: str, encoding: str) -> None:
    """In any encoding: in UTF-16 or UTF-32 the bytes "<!ENTITY" are not there to be found,
    and the entities were expanded into the titles."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f"""<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE opml [ {entities.format(secret=secret)} ]>
<opml version="2.0"><body>
  <outline text="&xxe;&b;" xmlUrl="https://x.example/feed"/>
</body></opml>"""
    data = ("\ufeff" if encoding == "utf-16-be" else "") + doc
    with pytest.raises(OpmlError, match="declares XML entities"):
        read_opml(data.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_an_opml_file_in_utf_16_or_32_is_read(encoding: str) -> None:
    doc = """<?xml version="1.0" encoding="UTF-16"?><opml version="2.0"><body>
  <outline text="Caf\u00e9 \u65b0\u805e" xmlUrl="https://x.example/feed"/></body></opml>"""
    data = ("\ufeff" if encoding == "utf-16-le" else "") + doc
    feeds, _ = read_opml(data.encode(encoding))
    assert [(f.url, f.title) for f in feeds] == [
        ("https://x.example/feed", "Caf\u00e9 \u65b0\u805e")
    ]


def test_external_references_in_content_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "file://{secret}">
<opml version="2.0"><body><outline text="t" xmlUrl="https://y.example/feed"/></body></opml>"""
    feeds, _ = read_opml(doc.encode())
    assert [(f.url, f.title) for f in feeds] == [("https://y.example/feed", "t")]


def test_missing_opml_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match="cannot read"):
        import_opml(store, tmp_path / "nope.opml")


# -- discovery ---------------------------------------------------------------------------------


def test_discover_a_feed_url(server: TestServer) -> None:
    url = server.route("/feed.xml", rss(2, title="Direct"), headers={"ETag": '"e"'})
    found = discover(url)
    assert found.url == url and found.parsed.title == "Direct" and found.etag == '"e"'
    assert found.via_page == ""


def test_discover_from_a_web_page(server: TestServer) -> None:
    server.route("/feed.xml", rss(1, title="Posts feed"))
    server.route("/comments.xml", rss(1, title="Comments feed"))
    page = server.route("/blog/", HTML_PAGE, content_type="text/html; charset=utf-8")
    found = discover(page)
    assert found.url == server.url("/feed.xml")  # comment feeds come last
    assert found.parsed.title == "Posts feed"
    assert found.via_page == page


def test_discover_page_without_feed(server: TestServer) -> None:
    page = server.route(
        "/plain", b"<html><head></head><body>x</body></html>", content_type="text/html"
    )
    with pytest.raises(DiscoverError, match="names no feed"):
        discover(page)


def test_discover_from_a_link_in_the_page(server: TestServer) -> None:
    """A page whose head names no feed, but whose links lead to one (feedfinder2's and
    lemon24/reader's second try): the site's own before another's, posts before comments."""
    server.route("/feed/", rss(1, title="Posts feed"))
    server.route("/comments/feed/", rss(1, title="Comments feed"))
    page = server.route(
        "/blog/",
        b'<html><head><title>Blog</title></head><body><a href="/tags/rss-readers">tag</a>'
        b'<a href="https://other.example/feed/">theirs</a><a href="/comments/feed/">c</a>'
        b'<a href="/feed/">RSS</a></body></html>',
        content_type="text/html",
    )
    found = discover(page)
    assert found.url == server.url("/feed/") and found.parsed.title == "Posts feed"
    assert found.via_page == page


def test_discover_from_a_link_that_is_no_feed(server: TestServer) -> None:
    server.route("/feed/", b"<html><body>Subscribe!</body></html>", content_type="text/html")
    page = server.route(
        "/blog/", b'<html><body><a href="/feed/">RSS</a></body></html>', content_type="text/html"
    )
    with pytest.raises(DiscoverError, match="the page links to a feed, but it could not be read"):
        discover(page)


def test_links_that_read_as_feeds() -> None:
    page = b"""<html><head><base href="https://site.example/blog/"></head><body>
    <a href="feed">1</a> <a href="/rss.xml">2</a> <a href="/x/atom.xml#top">3</a>
    <a href="/index.xml">4</a> <a href="/posts.rss">5</a> <a href="/feeds/posts/default">no</a>
    <a href="/feeds/">6</a> <a href="/?format=rss">7</a> <a href="/p?id=1&amp;feed=atom">8</a>
    <a href="https://www.site.example/feed.json">9</a> <a href="https://elsewhere.example/rss/">10</a>
    <a href="/tags/rss-readers">no</a> <a href="/2024/an-atom-bomb">no</a>
    <a href="/sitemap.xml">no</a> <a href="/about">no</a> <a href="javascript:feed()">no</a>
    <a href="mailto:rss@site.example">no</a>
    <a href="feed">1 again</a> <a href="/comments/feed/">last of the site's</a>
    </body></html>"""
    links = find_feed_anchors(page, "https://site.example/blog/")
    assert [link.url for link in links] == [
        "https://site.example/blog/feed",
        "https://site.example/rss.xml",
        "https://site.example/x/atom.xml",
        "https://site.example/index.xml",
        "https://site.example/posts.rss",
        "https://site.example/feeds/",
        "https://site.example/?format=rss",
        "https://site.example/p?id=1&feed=atom",
        "https://www.site.example/feed.json",
        "https://site.example/comments/feed/",
        "https://elsewhere.example/rss/",
    ]


def test_discover_errors(server: TestServer) -> None:
    with pytest.raises(DiscoverError, match="not an http"):
        discover("ftp://example.com/feed")
    with pytest.raises(DiscoverError, match="HTTP 404"):
        discover(server.url("/missing"))


def test_find_feed_links_resolves_and_filters() -> None:
    page = b"""<html><head><base href="https://cdn.example/sub/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml" title="A">
    <link rel="alternate" type="application/feed+json" href="/f.json">
    <link rel="alternate" type="text/html" href="/other">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="stylesheet" type="text/css" href="/s.css">
    </head><body><link rel="alternate" type="application/rss+xml" href="/late.xml"></body>"""
    links = find_feed_links(page, "https://site.example/page")
    assert [link.url for link in links] == [
        "https://cdn.example/sub/atom.xml",
        "https://cdn.example/f.json",
    ]


@pytest.mark.parametrize(
    "stray",
    ['<img src="/pixel.gif" width="1" height="1">', "&nbsp;", "<span>x</span>", ">", "<a>x</a>"],
)
def test_a_stray_element_in_the_head_hides_no_feed_link(stray: str) -> None:
    """A stray element in the <head> (a tracking pixel, an &nbsp;) makes an HTML parser start
    the body there: the feed links after it were not read (Firefox and Miniflux find them)."""
    page = (
        "<!doctype html><html><head><title>t</title>"
        f'{stray}<link rel="alternate" type="application/rss+xml" href="/feed/">'
        "</head><body><p>text</p></body></html>"
    ).encode()
    assert [link.url for link in find_feed_links(page, "https://site.example/")] == [
        "https://site.example/feed/"
    ]


def test_feed_links_as_firefox_reads_them() -> None:
    """From Firefox's feed_discovery.html (which SimplePie's tests use too): rel="feed" is a
    feed in any case, "alternate stylesheet" is not; feeds of generic XML types come after
    the others, so that three of them do not use up the candidates tried before a real one."""
    page = b"""<html><head>
    <link rel="alternate" type="text/xml" href="/generic.xml" title="Bogus">
    <link rel="alternate" type="application/rdf+xml" href="/generic.rdf">
    <link rel="alternate" type="application/xml" href="/generic2.xml">
    <link rel="alternate stylesheet" type="application/rss+xml" href="/style.css">
    <link rel="fEEd" href="/3.xml">
    <link rel="meat feed cake" type="application/atom+xml" href="/8.atom">
    <link rel="feed" type="text/html" href="/h-feed">
    <link rel="alternate" type="application/atom+xml" href="/1.atom">
    </head><body></body></html>"""
    links = find_feed_links(page, "http://example.com/")
    assert [link.url.removeprefix("http://example.com/") for link in links] == [
        "3.xml",
        "8.atom",
        "1.atom",
        "generic.xml",
        "generic.rdf",
        "generic2.xml",
    ]


# -- welcome feed ------------------------------------------------------------------------------


def test_welcome_feed_first_run_only(store: Store) -> None:
    assert ensure_welcome(store) is True
    feed = store.feed_by_url(WELCOME_URL)
    assert feed is not None and feed.title == "Welcome to tui-reader"
    articles = store.list_articles(feed_id=feed.id)
    assert 4 <= len(articles) <= 6
    text = " ".join(a.title for a in articles)
    assert "Highlighting" in text and "Exporting" in text
    assert store.search("ctrl+p palette")  # the articles explain the keys
    assert ensure_welcome(store) is False
    store.remove_feed(feed.id)
    assert ensure_welcome(store) is False  # removed for good
    assert store.feed_by_url(WELCOME_URL) is None
    assert store.get_setting(WELCOME_SETTING)


def test_welcome_file_ships_in_the_package() -> None:
    from importlib import resources

    data = resources.files("tui_reader.feeds").joinpath("welcome.xml").read_bytes()
    assert b"tui-reader locate" in data and b"tui-reader add" in data


def test_a_feed_listed_twice_is_one_feed_and_said(store: Store, tmp_path: Path) -> None:
    """The same address in two folders (or with its host in capitals) is one feed, in the
    first folder; the second listing was dropped without a word."""
    path = tmp_path / "subs.opml"
    path.write_bytes(
        b'<opml version="2.0"><body>'
        b'<outline text="Tech"><outline text="HN" xmlUrl="https://news.example/rss"/></outline>'
        b'<outline text="News"><outline text="HN" xmlUrl="https://NEWS.example/rss"/></outline>'
        b"</body></opml>"
    )
    result = import_opml(store, path)
    assert [(f.url, f.folder) for f in result.added] == [("https://news.example/rss", "Tech")]
    assert result.notes == ["https://news.example/rss is listed again in News: kept in Tech"]


def test_an_untitled_feed_exported_and_imported_again_is_still_untitled(
    store: Store, tmp_path: Path
) -> None:
    """OPML makes an export name every outline, so an untitled feed is named by its address;
    imported again, that address was a title the user had chosen, never replaced by the
    feed's own. (Other readers write it so too, with the address as written.)"""
    store.add_feed("https://a.example/feed.xml")
    store.add_feed("https://b.example/rss", title="Mine")
    path = tmp_path / "out.opml"
    path.write_text(export_opml(store.list_feeds()), encoding="utf-8")
    path.write_text(
        path.read_text("utf-8").replace(
            "</body>",
            '<outline text=" https://c.example/x.xml " xmlUrl=" https://c.example/x.xml "/></body>',
        ),
        encoding="utf-8",
    )
    feeds, _ = read_opml(path.read_bytes())
    assert sorted((f.url, f.title) for f in feeds) == [
        ("https://a.example/feed.xml", ""),
        ("https://b.example/rss", "Mine"),
        ("https://c.example/x.xml", ""),
    ]


def test_opml_2_categories_name_the_folder_of_a_feed_outside_any() -> None:
    """OPML 2.0's ``category`` attribute ("/a/b" paths, or tags), as listparser reads it: the
    feeds landed outside any folder. A folder by nesting comes first."""
    doc = b"""<opml version="2.0"><body>
<outline category="/News/World,/Daily" text="A" xmlUrl="https://a.example/f"/>
<outline category="tech,linux" text="B" xmlUrl="https://b.example/f"/>
<outline text="Folder"><outline category="/Else" text="C" xmlUrl="https://c.example/f"/></outline>
<outline category="" text="D" xmlUrl="https://d.example/f"/>
</body></opml>"""
    feeds, _ = read_opml(doc)
    assert [(f.url, f.folder) for f in feeds] == [
        ("https://a.example/f", "News/World"),
        ("https://b.example/f", "tech"),
        ("https://c.example/f", "Folder"),
        ("https://d.example/f", ""),
    ]


def test_outlines_that_subscribe_to_nothing_are_said_for_what_they_are() -> None:
    """A feed whose address the exporter lost was dropped without a word; a podcast app's
    played episodes were each a "link to add", and its shows marked not subscribed were
    subscribed again; a sub-list was called a link to add."""
    doc = b"""<opml version="2.0"><body>
<outline type="rss" text="Lost" xmlUrl="" htmlUrl="https://lost.example/"/>
<outline type="include" text="More" url="https://lists.example/more.opml"/>
<outline text="feeds">
  <outline type="rss" text="Show" xmlUrl="https://pods.example/show.xml" subscribed="1">
    <outline type="podcast-episode" title="Ep 1" url="https://pods.example/ep1"/>
    <outline type="podcast-episode" title="Ep 2" url="https://pods.example/ep2"/>
  </outline>
  <outline type="rss" text="Old" xmlUrl="https://pods.example/old.xml" subscribed="0"/>
</outline>
</body></opml>"""
    feeds, skipped = read_opml(doc)
    assert [(f.url, f.folder) for f in feeds] == [("https://pods.example/show.xml", "feeds")]
    assert skipped == [
        ("https://lost.example/", "no feed address (`tui-reader add` its page)"),
        ("https://lists.example/more.opml", "another list of subscriptions (import it on its own)"),
        ("https://pods.example/old.xml", "marked as not subscribed (subscribed=0)"),
    ]


def test_one_feed_written_otherwise_is_one_subscription(store: Store, tmp_path: Path) -> None:
    """An international host and its xn-- form, a default port, http or https and a trailing
    slash name one feed: they were as many subscriptions, every article stored twice."""
    first, _ = store.add_feed("https://bücher.example/feed")
    path = tmp_path / "list.opml"
    path.write_text(
        '<opml version="2.0"><body>'
        '<outline text="A" xmlUrl="https://xn--bcher-kva.example/feed"/>'
        '<outline text="B" xmlUrl="https://bücher.example:443/feed/"/>'
        '<outline text="C" xmlUrl="http://BÜCHER.example/feed"/>'
        '<outline text="D" xmlUrl="https://bücher.example/other"/>'
        '<outline text="E" xmlUrl="https://me:pw@bücher.example/feed"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    import_opml(store, path)
    urls = sorted(f.url for f in store.list_feeds())
    assert urls == [
        "https://bücher.example/feed",
        "https://bücher.example/other",
        "https://me:pw@bücher.example/feed",  # another account's feed
    ]
    assert store.add_feed("https://xn--bcher-kva.example/feed/") == (
        store.get_feed(first.id),
        False,
    )
