"""Enclosures (podcast and video files): read from RSS, Atom and JSON Feed, every field checked,
the lxml fast path giving what feedparser gives, stored with the article (and migrated into an
older store), and read back through the Reader after a real refresh over HTTP."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import httpserver
from tests.conftest import CORPUS, fast_path_takes, parse_both
from tui_reader.config import Config
from tui_reader.feeds.enclosures import MAX_ENCLOSURES, MAX_URL, clean_length, clean_type
from tui_reader.feeds.parse import ParsedFeed, parse_feed
from tui_reader.models import Enclosure, EntryData, size_label
from tui_reader.paths import Paths
from tui_reader.reader import Reader
from tui_reader.store import Store
from tui_reader.store.schema import MIGRATIONS

URL = "https://pod.example/feed.xml"
MP3 = "https://cdn.example/ep1.mp3"
FEEDS = CORPUS / "feeds"


def _rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        f"<channel><title>Pod</title><link>https://pod.example/</link>{items}</channel></rss>"
    ).encode()


def _atom(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Pod</title>{entries}</feed>"
    ).encode()


def _item(enclosures: str, n: int = 1) -> str:
    return (
        f"<item><title>Episode {n}</title><guid>ep-{n}</guid>"
        f"<link>https://pod.example/{n}</link><description>Show notes {n}</description>"
        f"{enclosures}</item>"
    )


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    return parse_both(data, URL, monkeypatch)


_taken = fast_path_takes


# -- parsing ------------------------------------------------------------------------------


def test_rss_enclosure_with_type_and_size() -> None:
    data = _rss(_item(f'<enclosure url="{MP3}" length="24300000" type="Audio/MPEG"/>'))
    (entry,) = parse_feed(data, URL).entries
    assert entry.enclosures == (Enclosure(MP3, "audio/mpeg", 24_300_000),)
    assert entry.enclosures[0].label == "audio/mpeg · 24.3 MB · ep1.mp3"


def test_atom_link_rel_enclosure_is_resolved_against_the_feed() -> None:
    data = _atom(
        "<entry><id>urn:e1</id><title>Talk</title>"
        '<link rel="alternate" href="https://pod.example/talk"/>'
        '<link rel="enclosure" href="/media/talk.mp4" type="video/mp4" length="1048576"/>'
        '<link rel="enclosure" href="https://cdn.example/talk.ogg"/>'
        "<updated>2025-01-06T10:00:00Z</updated></entry>"
    )
    (entry,) = parse_feed(data, URL).entries
    assert entry.url == "https://pod.example/talk"
    assert entry.enclosures == (
        Enclosure("https://pod.example/media/talk.mp4", "video/mp4", 1_048_576),
        # No type given: feedparser files every link without one as text/html, which no
        # file a player opens is; unknown, as the same enclosure in RSS is.
        Enclosure("https://cdn.example/talk.ogg", "", None),
    )


def test_json_feed_attachments() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Pod",
        "items": [
            {
                "id": "1",
                "content_text": "Notes",
                "attachments": [
                    {"url": MP3, "mime_type": "audio/mpeg", "size_in_bytes": 5000},
                    {"url": "ep1.m4a", "mime_type": "audio/x-m4a", "size_in_bytes": "77"},
                    {"url": "javascript:alert(1)", "mime_type": "audio/mpeg"},
                    {"url": 5, "mime_type": ["x"], "size_in_bytes": -3},
                    "not an object",
                ],
            },
            {"id": "2", "content_text": "None", "attachments": {"url": MP3}},
        ],
    }
    first, second = parse_feed(json.dumps(doc).encode(), URL).entries
    assert first.enclosures == (
        Enclosure(MP3, "audio/mpeg", 5000),
        Enclosure("https://pod.example/ep1.m4a", "audio/x-m4a", 77),
    )
    # One attachment written as an object, not in a list: read as feeds write it.
    assert second.enclosures == (Enclosure(MP3, "", None),)


HOSTILE = (
    # Not http(s), or hiding characters: refused.
    '<enclosure url="javascript:alert(1)" type="audio/mpeg"/>'
    '<enclosure url="file:///etc/passwd" type="audio/mpeg"/>'
    '<enclosure url="data:audio/mpeg;base64,AAAA"/>'
    '<enclosure url="" type="audio/mpeg"/>'
    '<enclosure type="audio/mpeg" length="5"/>'
    f'<enclosure url="https://cdn.example/{"a" * MAX_URL}.mp3"/>'
    # Kept, with the wrong fields made unknown.
    '<enclosure url="https://cdn.example/a.mp3" type="audio/mpeg&amp;#x1b;[31m" length="-5"/>'
    '<enclosure url="https://cdn.example/b.mp3" type="audio/mpeg; codecs=mp3" length="1e9"/>'
    '<enclosure url="https://cdn.example/c.mp3" type="&lt;b&gt;x&lt;/b&gt;"'
    ' length="99999999999999999999"/>'
    '<enclosure url="https://cdn.example/d.mp3" type="audio/mpeg" length=" 42 "/>'
    '<enclosure url="https://cdn.example/a.mp3" type="audio/mpeg" length="1"/>'  # again: once
)


def test_hostile_enclosure_fields() -> None:
    parsed = parse_feed(_rss(_item(HOSTILE)), URL)
    assert parsed.warning == ""
    (entry,) = parsed.entries
    assert entry.enclosures == (
        Enclosure("https://cdn.example/a.mp3", "", None),
        Enclosure("https://cdn.example/b.mp3", "audio/mpeg", None),
        Enclosure("https://cdn.example/c.mp3", "", None),
        Enclosure("https://cdn.example/d.mp3", "audio/mpeg", 42),
    )


def test_control_and_invisible_characters_never_pass() -> None:
    """JSON can carry what XML cannot: escape sequences, NUL, bidi overrides."""
    attachments = [
        {"url": "https://cdn.example/\u001b]52;c;aGk=\u0007x.mp3", "mime_type": "audio/mpeg"},
        {"url": "https://cdn.example/\u202egpm.exe", "mime_type": "audio/mpeg\u001b[31m"},
        {"url": "\u0000javascript:alert(1)"},
        {"url": "https://cdn.example/ok.mp3", "mime_type": "audio/\u200bmpeg"},
    ]
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [{"id": "1", "content_text": "x", "attachments": attachments}],
    }
    (entry,) = parse_feed(json.dumps(doc).encode(), URL).entries
    for enclosure in entry.enclosures:
        for text in (enclosure.url, enclosure.type, enclosure.label):
            assert text.isprintable(), text
            assert "\u202e" not in text and "\x1b" not in text
    # The characters are removed (the URL then shows what opens); the scheme is checked after.
    assert [e.url for e in entry.enclosures] == [
        "https://cdn.example/x.mp3",  # the whole escape sequence goes
        "https://cdn.example/gpm.exe",
        "https://cdn.example/ok.mp3",
    ]
    assert [e.type for e in entry.enclosures] == ["audio/mpeg"] * 3  # (the CSI sequence went)


def test_at_most_a_few_enclosures_an_entry() -> None:
    many = "".join(f'<enclosure url="https://cdn.example/{i}.mp3"/>' for i in range(500))
    (entry,) = parse_feed(_rss(_item(many)), URL).entries
    assert [e.url for e in entry.enclosures] == [
        f"https://cdn.example/{i}.mp3" for i in range(MAX_ENCLOSURES)
    ]


def test_field_checks() -> None:
    assert clean_type("video/MP4") == "video/mp4"
    assert clean_type("audio") == clean_type("a/b/c") == clean_type(None) == ""
    assert clean_type("audio/mpeg" + "x" * 100) == ""
    assert clean_length(0) is None  # RSS's "not known"
    assert clean_length(True) is None and clean_length(3.5) is None
    assert clean_length(12.0) == 12 and clean_length("0012") == 12
    assert clean_length("12 MB") is None and clean_length("1" * 300) is None
    assert size_label(None) == size_label(0) == ""
    assert size_label(999) == "999 bytes"
    assert size_label(1_500) == "1.5 kB"
    assert size_label(7_250_000_000) == "7.25 GB"
    assert size_label(999_999) == "1 MB"  # was "1000.0 kB"
    assert size_label(2 * 10**12) == "2 TB"  # was "2000.0 GB"
    # The file's name, decoded (a player's URL may wrap another one), never a control char.
    wrapped = "https://anchor.example/play/1/https%3A%2F%2Fcdn.example%2Fexports%2Fep-9.m4a"
    assert Enclosure(wrapped, "audio/x-m4a").label == "audio/x-m4a · ep-9.m4a"
    assert Enclosure("https://c.example/a%1b%5b31mb.mp3?x=1").label == "unknown type · ab.mp3"


# -- the fast path gives what feedparser gives ------------------------------------------------


SAME_BOTH_WAYS = {
    "rss enclosure": _rss(_item(f'<enclosure url="{MP3}" length="5" type="audio/mpeg"/>')),
    "two, one relative (not resolved by feedparser: by the reader)": _rss(
        _item('<enclosure url="/a.mp3" type="AUDIO/MPEG"/><enclosure href="https://c.x/b.ogg"/>')
    ),
    "empty url, href given": _rss(_item('<enclosure url="" href="https://c.x/h.mp3"/>')),
    "hostile fields": _rss(_item(HOSTILE)),
    "atom enclosures among links": _atom(
        "<entry><id>urn:1</id><title>T</title>"
        '<link rel="enclosure" href="a.mp4" type="Video/MP4" length="9"/>'
        '<link href="https://pod.example/1"/>'
        '<link rel="ENCLOSURE" href="https://c.x/b.mp3"/>'
        '<link rel="enclosure">https://c.x/text-link</link></entry>'
    ),
    "an enclosure inside media:group": _rss(
        _item(f'<media:group><enclosure url="{MP3}"/></media:group>')
    ),
    "an enclosure inside an unknown element": _rss(
        _item(f'<foo xmlns="urn:x:y"><enclosure url="{MP3}"/></foo>')
    ),
    "a namespaced url attribute": _rss(
        _item(f'<enclosure xmlns:q="urn:q" q:url="{MP3}" url="https://c.x/real.mp3"/>')
    ),
    "attributes differing in case": _rss(_item(f'<enclosure URL="{MP3}" url="https://c.x/2"/>')),
    "a feed-level enclosure": _rss(f'<enclosure url="{MP3}"/>' + _item("")),
    "an enclosure with children": _rss(
        _item(f'<enclosure url="{MP3}"><title>Not the title</title></enclosure>')
    ),
}


@pytest.mark.parametrize("name", sorted(SAME_BOTH_WAYS))
def test_fast_path_reads_enclosures_as_feedparser(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, fast = _both(SAME_BOTH_WAYS[name], monkeypatch)
    assert isinstance(slow, ParsedFeed)
    assert fast == slow


def test_fast_path_takes_plain_enclosures_and_declines_odd_ones() -> None:
    for name in ("rss enclosure", "atom enclosures among links", "hostile fields"):
        assert _taken(SAME_BOTH_WAYS[name]), name
    for name in (
        "an enclosure inside media:group",
        "an enclosure inside an unknown element",
        "a namespaced url attribute",
        "an enclosure with children",
    ):
        assert not _taken(SAME_BOTH_WAYS[name]), name


@pytest.mark.skipif(not FEEDS.is_dir(), reason="corpus not present")
def test_corpus_feeds_with_enclosures_read_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_enclosures = [p for p in sorted(FEEDS.glob("*.xml")) if b"enclosure" in p.read_bytes()]
    assert len(with_enclosures) >= 10
    found = taken = 0
    for path in with_enclosures:
        data = path.read_bytes()
        slow, fast = _both(data, monkeypatch)
        assert fast == slow, path.name
        if isinstance(slow, ParsedFeed):
            found += sum(len(e.enclosures) for e in slow.entries)
        taken += _taken(data)
    print(f"{len(with_enclosures)} corpus feeds, {found} enclosures, fast path took {taken}")
    assert found >= 50
    assert taken >= len(with_enclosures) // 2


# -- the store -----------------------------------------------------------------------------


def _entry(guid: str, *enclosures: Enclosure, title: str = "Episode") -> EntryData:
    return EntryData(
        guid=guid, url=f"https://pod.example/{guid}", title=title, enclosures=enclosures
    )


def test_store_round_trip(store: Store) -> None:
    feed, _ = store.add_feed(URL)
    one = Enclosure(MP3, "audio/mpeg", 5)
    two = Enclosure("https://cdn.example/ep1.ogg", "", None)
    assert store.upsert_entries(feed, [_entry("a", one, two), _entry("b")]) == (2, 0)
    by_guid = {a.guid: a.id for a in store.list_articles(feed_id=feed.id)}
    assert store.enclosures(by_guid["a"]) == [one, two]
    assert store.enclosures(by_guid["b"]) == []
    # The same entries again: nothing changes. Then the episode's file is replaced.
    assert store.upsert_entries(feed, [_entry("a", one, two), _entry("b")]) == (0, 0)
    three = Enclosure("https://cdn.example/ep1-fixed.mp3", "audio/mpeg", 6)
    assert store.upsert_entries(feed, [_entry("a", three), _entry("b", one)]) == (0, 2)
    assert store.enclosures(by_guid["a"]) == [three]
    assert store.enclosures(by_guid["b"]) == [one]
    assert store.upsert_entries(feed, [_entry("a"), _entry("b", one)]) == (0, 1)
    assert store.enclosures(by_guid["a"]) == []
    # They go with their article.
    store.remove_feed(feed.id)
    assert store.conn.execute("SELECT COUNT(*) FROM enclosures").fetchone()[0] == 0


def test_an_entry_without_enclosures_keeps_its_digest() -> None:
    """Entries stored before enclosures were kept are not all "changed" at the next refresh:
    without enclosures the digest is made as it was before (the fields, each ended by NUL)."""
    import hashlib

    from tui_reader.store.identity import entry_hash

    plain = EntryData(guid="a", url="https://pod.example/a", title="T", summary="S", published=1.5)
    before = hashlib.sha1(usedforsecurity=False)
    for part in ("T", "https://pod.example/a", "", "S", "", "1.5", "None"):
        before.update(part.encode() + b"\0")
    assert entry_hash(plain) == before.hexdigest()
    assert entry_hash(plain) != entry_hash(_entry("a", Enclosure(MP3)))


def test_a_store_at_version_6_gets_the_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:6]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute(f"INSERT INTO feeds(url, added) VALUES ('{URL}', 1)")
    conn.execute(
        "INSERT INTO articles(uid, feed_id, guid, url, title, entry_hash, added)"
        " VALUES ('u1', 1, 'a', 'https://pod.example/a', 'Episode', 'old', 1)"
    )
    # (A feed's articles are indexed by the refresh that stores them: migration 3.)
    conn.execute("INSERT INTO articles_fts(rowid, title, search_text) VALUES (1, 'Episode', '')")
    conn.close()
    with Store.open(path) as store:
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS) >= 7
        (old,) = store.list_articles()
        assert old.title == "Episode" and store.enclosures(old.id) == []
        feed = store.list_feeds()[0]
        # The next refresh stores the enclosures of the articles it already had.
        assert store.upsert_entries(feed, [_entry("a", Enclosure(MP3))]) == (0, 1)
        assert store.enclosures(old.id) == [Enclosure(MP3)]


# -- the Reader, after a real refresh --------------------------------------------------------


@pytest.fixture
def reader(paths: Paths) -> Iterator[Reader]:
    paths.ensure()
    r = Reader.open(paths, Config())
    yield r
    r.close()


def test_reader_lists_an_articles_enclosures(reader: Reader, server: httpserver.TestServer) -> None:
    media = server.url("/media/ep1.mp3")
    items = _item(f'<enclosure url="{media}" length="123456" type="audio/mpeg"/>') + _item("", 2)
    done = reader.subscribe(server.route("/feed.xml", _rss(items)))
    assert done.new_articles == 2
    by_title = {a.title: a for a in reader.articles(feed_id=done.feed.id)}
    assert reader.enclosures(by_title["Episode 1"].id) == [Enclosure(media, "audio/mpeg", 123_456)]
    assert reader.enclosures(by_title["Episode 2"].id) == []


def test_an_opened_article_carries_its_enclosures(
    reader: Reader, server: httpserver.TestServer
) -> None:
    media = server.url("/media/ep1.mp3")
    items = _item(f'<enclosure url="{media}" type="audio/mpeg"/>')
    done = reader.subscribe(server.route("/feed.xml", _rss(items)))
    (article,) = reader.articles(feed_id=done.feed.id)
    assert reader.open_article(article.id).enclosures == (Enclosure(media, "audio/mpeg"),)


MASTODON_ITEM = (
    b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>R</title>'
    b"<item><link>https://social.example/@r/1</link>"
    b"<description>&lt;p&gt;v4 is out&lt;/p&gt;</description>"
    b'<media:content url="https://media.social.example/a.png" type="image/png" fileSize="1234"'
    b' medium="image"><media:rating scheme="urn:simple">nonadult</media:rating>'
    b'<media:description type="plain">A cat</media:description></media:content>'
    b'<media:content url="/b.jpg" medium="image"/>'
    b'<media:group><media:content url="https://www.youtube.com/v/x?version=3"'
    b' type="application/x-shockwave-flash" width="640"/>'
    b'<media:content url="/v.mp4" type="video/mp4"/>'
    b'<media:thumbnail url="https://i.example/t.jpg"/></media:group></item></channel></rss>'
)


@pytest.mark.parametrize("fast", [False, True])
def test_media_rss_pictures_sounds_and_videos_are_enclosures(
    fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Mastodon post's pictures are only in its <media:content>s: they were lost, and a
    post of pictures alone had nothing to show (Miniflux lists them). A picture, a sound or
    a video (by medium or type) is an enclosure; a player (YouTube's Flash URL) and a
    thumbnail are not."""
    import tui_reader.feeds.parse as parse_module

    monkeypatch.setattr(parse_module, "FAST_PATH", fast)
    (e,) = parse_feed(MASTODON_ITEM, "https://social.example/@r.rss").entries
    assert e.enclosures == (
        Enclosure("https://media.social.example/a.png", "image/png", 1234),
        Enclosure("https://social.example/b.jpg", "", None),
        Enclosure("https://social.example/v.mp4", "video/mp4", None),
    )
    assert e.text == "v4 is out"


def _wordpress_com_items(n: int) -> bytes:
    """Items as WordPress.com and Jetpack write them: the author's avatar as a Media RSS
    picture of every post (no type, medium="image"), beside each post's own files."""
    items = "".join(
        f"<item><title>Post {i}</title><link>https://b.example/{i}</link>"
        f"<guid>https://b.example/?p={i}</guid><dc:creator>donpark</dc:creator>"
        '<media:content url="https://0.avatars.example/avatar/ce74?s=96" medium="image">'
        '<media:title type="html">donpark</media:title></media:content>'
        f'<media:content url="https://b.example/photo-{i}.jpg" medium="image"/>'
        '<enclosure url="https://b.example/theme.mp3" type="audio/mpeg" length="5"/>'
        "</item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>B</title>'
        f"{items}</channel></rss>"
    ).encode()


@pytest.mark.parametrize("fast", [False, True])
def test_a_picture_every_entry_carries_is_the_feeds_not_an_attachment(
    fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The author's avatar on every post of a WordPress.com blog was listed under each
    article as an attachment of unknown type. A picture two entries or more of one document
    carry is the feed's; each post's own picture stays, and so does a sound they share."""
    import tui_reader.feeds.parse as parse_module

    monkeypatch.setattr(parse_module, "FAST_PATH", fast)
    entries = parse_feed(_wordpress_com_items(3), "https://b.example/feed/").entries
    assert [[x.url for x in e.enclosures] for e in entries] == [
        ["https://b.example/theme.mp3", f"https://b.example/photo-{i}.jpg"] for i in range(3)
    ]
