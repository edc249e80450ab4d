"""Moving in from newsboat: its urls file and its cache.db, through `tui-reader import`."""

from __future__ import annotations

import codecs
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.feeds.builders import rss
from tests.hostile.test_redos import Case, _check, rep
from tests.httpserver import TestServer
from tui_reader.cli import main
from tui_reader.feeds.newsboat import (
    NewsboatError,
    import_cache,
    read_urls,
    sniff,
    tokenize,
)
from tui_reader.feeds.opml import read_opml_leniently
from tui_reader.feeds.welcome import WELCOME_URL
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.store import Store

# newsboat's cache schema (rss_feed and rss_item as newsboat creates and migrates them).
NEWSBOAT_SCHEMA = """
CREATE TABLE rss_feed (rssurl VARCHAR(1024) PRIMARY KEY NOT NULL, url VARCHAR(1024) NOT NULL,
    title VARCHAR(1024) NOT NULL, lastmodified INTEGER(11) NOT NULL DEFAULT 0,
    is_rtl INTEGER(1) NOT NULL DEFAULT 0, etag VARCHAR(128) NOT NULL DEFAULT "");
CREATE TABLE rss_item (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, guid VARCHAR(64) NOT NULL,
    title VARCHAR(1024) NOT NULL, author VARCHAR(1024) NOT NULL, url VARCHAR(1024) NOT NULL,
    feedurl VARCHAR(1024) NOT NULL, pubDate INTEGER NOT NULL, content VARCHAR(65535) NOT NULL,
    unread INTEGER(1) NOT NULL, enclosure_url VARCHAR(1024), enclosure_type VARCHAR(1024),
    enqueued INTEGER(1) NOT NULL DEFAULT 0, flags VARCHAR(52),
    deleted INTEGER(1) NOT NULL DEFAULT 0, base VARCHAR(128) NOT NULL DEFAULT "",
    content_mime_type VARCHAR(255) NOT NULL DEFAULT "");
CREATE INDEX idx_guid ON rss_item(guid);
CREATE INDEX idx_feedurl ON rss_item(feedurl);
"""

Row = tuple[object, ...]  # guid, title, url, feedurl, pubDate, content, unread, flags, deleted


def make_cache(path: Path, rows: list[Row]) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(NEWSBOAT_SCHEMA)
    conn.executemany(
        "INSERT INTO rss_item(guid, title, author, url, feedurl, pubDate, content, unread,"
        " flags, deleted) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- the urls file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ("https://a.example/rss tech news", ["https://a.example/rss", "tech", "news"]),
        (
            'https://a.example/rss "cool stuff" "~My Title"',
            ["https://a.example/rss", "cool stuff", "~My Title"],
        ),
        (
            'https://a.example/rss "say \\"hi\\" \\\\ now"',
            ["https://a.example/rss", 'say "hi" \\ now'],
        ),
        ('https://a.example/rss\ttab   # a comment "x"', ["https://a.example/rss", "tab"]),
        ('https://a.example/rss "unterminated tag', ["https://a.example/rss", "unterminated tag"]),
        ('https://a.example/rss a"b c#d', ["https://a.example/rss", 'a"b', "c#d"]),
        ("   # only a comment", []),
        ('"query:Unread:unread = \\"yes\\"" tag', ['query:Unread:unread = "yes"', "tag"]),
    ],
)
def test_tokenize_as_newsboat_does(line: str, tokens: list[str]) -> None:
    assert tokenize(line) == tokens


URLS = """\ufeff# my feeds
https://a.example/rss tech "~Alpha Blog" linux
https://b.example/atom.xml "~Beta" "long reads"
https://c.example/feed
"https://d.example/quoted" news/world
https://e.example/hidden "!secret" tech
"query:Unread Articles:unread = \\"yes\\""
"query:Starred:flags # \\"s\\""
exec:~/bin/make-feed.sh tech
filter:~/bin/fix.sh:https://f.example/rss tech
file:///home/me/local.xml
https://a.example/rss duplicate
https://b.example/atom.xml

"""


def test_read_urls_titles_folders_and_what_is_left_out() -> None:
    found = read_urls(URLS.encode())
    # An address listed twice is one feed, in its first place, with the tags of its last
    # line that has any (newsboat's reading: a later line's tags replace the earlier's).
    assert [(f.url, f.title, f.folder) for f in found.feeds] == [
        ("https://a.example/rss", "", "duplicate"),
        ("https://b.example/atom.xml", "Beta", "long reads"),
        ("https://c.example/feed", "", ""),
        ("https://d.example/quoted", "", "news/world"),
        ("https://e.example/hidden", "", "tech"),  # hidden in newsboat's list, subscribed
    ]
    assert found.queries == ["Unread Articles", "Starred"]
    assert found.hidden == ["https://e.example/hidden"]
    assert [reason for _, reason in found.skipped] == [
        "runs a program (exec:); not imported",
        "goes through a filter program; not imported",
        "not an http(s) URL",
    ]


def test_hostile_urls_file() -> None:
    data = (
        'https://a.example/rss "~Evil\x1b[31mTitle\u202e" "fold\x07er"\n'
        "javascript:alert(1) tag\n" + "https://b.example/" + "x" * 5000 + "\n"
    ).encode()
    found = read_urls(data)
    assert found.feeds[0].title == "EvilTitle" and found.feeds[0].folder == "folder"
    assert ("javascript:alert(1)", "not an http(s) URL") in found.skipped
    with pytest.raises(NewsboatError, match="no line starts with a feed's URL"):
        read_urls(b"\n# nothing but comments\n\n")


@pytest.mark.parametrize("hidden", ["\u202e", "\x1b[31m", "\x00", "\u200b"])
def test_an_address_holding_invisible_characters_is_refused_as_in_opml(hidden: str) -> None:
    """Cleaned, "/\u202eexe.xml" would be another address: refused, saying why (it said
    "not an http(s) URL"), as the OPML reader does."""
    found = read_urls(f"https://bidi.example/{hidden}exe.xml\nhttps://ok.example/f\n".encode())
    assert [f.url for f in found.feeds] == ["https://ok.example/f"]
    assert [why for _, why in found.skipped] == ["holds control or invisible characters"]
    if hidden.isprintable() or not hidden.isascii():  # (XML holds no C0 control)
        opml = f'<opml><body><outline xmlUrl="https://bidi.example/{hidden}exe.xml"/></body></opml>'
        assert read_opml_leniently(opml.encode()).skipped[0][1] == found.skipped[0][1]


@pytest.mark.parametrize(
    "bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_a_urls_file_saved_as_utf16_is_a_urls_file(bom: bytes, codec: str) -> None:
    """A Windows editor's "Unicode" urls file: it was taken for OPML ("not well-formed XML")."""
    data = bom + 'https://a.example/rss "~Caf\u00e9" news\n'.encode(codec)
    assert sniff(data) == "newsboat-urls"
    assert [(f.url, f.title, f.folder) for f in read_urls(data).feeds] == [
        ("https://a.example/rss", "Caf\u00e9", "news")
    ]
    assert sniff(bom + "<opml/>".encode(codec)) == "opml"


def test_format_is_judged_by_content_not_name() -> None:
    assert sniff(URLS.encode()) == "newsboat-urls"
    assert sniff(b"https://a.example/rss\n") == "newsboat-urls"
    assert sniff(b'<?xml version="1.0"?><opml/>') == "opml"
    assert sniff(b"\xef\xbb\xbf\n  <opml>") == "opml"
    assert sniff("<opml/>".encode("utf-16")) == "opml"
    assert sniff(b"SQLite format 3\x00rest") == "newsboat-cache"
    assert sniff(b"just some notes") == "unknown"


# -- the cache -------------------------------------------------------------------------------

FEED = "https://a.example/rss"


def entry(guid: str, title: str, url: str = "") -> EntryData:
    return EntryData(guid=guid, url=url or f"https://a.example/{guid or title}", title=title)


def seeded(store: Store) -> int:
    feed, _ = store.add_feed(FEED, title="A")
    store.upsert_entries(
        feed,
        [
            entry("g1", "One"),
            entry("g2", "Two"),
            entry("g3", "Three"),
            entry("", "No id", "https://a.example/noid"),
        ],
    )
    return feed.id


def state(store: Store, feed_id: int) -> dict[str, tuple[bool, bool]]:
    return {a.title: (a.read, a.starred) for a in store.list_articles(feed_id=feed_id)}


def test_cache_state_is_carried_over_and_the_cache_never_changes(
    store: Store, tmp_path: Path
) -> None:
    feed_id = seeded(store)
    cache = make_cache(
        tmp_path / "cache.db",
        [
            ("g1", "One", "https://a.example/g1", FEED, 1700000000, "<p>1</p>", 0, "", 0),
            ("g2", "Two", "https://a.example/g2", FEED, 1700000000, "<p>2</p>", 1, "s", 0),
            ("g3", "Three", "https://a.example/g3", FEED, 1700000000, "", 0, "sx", 1),  # deleted
            # newsboat's stand-in guid for an entry without one: its link.
            ("https://a.example/noid", "No id", "https://a.example/noid", FEED, 0, "", 0, "", 0),
            (
                "g9",
                "Only in newsboat",
                "https://a.example/g9",
                FEED,
                1600000000,
                "<p>kept <b>text</b></p>",
                0,
                "q",
                0,
            ),
            ("o1", "Other", "https://o.example/1", "https://other.example/rss", 0, "", 0, "s", 0),
        ],
    )
    before = hashlib.sha256(cache.read_bytes()).hexdigest()
    cache.chmod(0o444)
    result = import_cache(store, cache)
    assert hashlib.sha256(cache.read_bytes()).hexdigest() == before
    assert (result.items, result.matched, result.added, result.other_feeds) == (6, 4, 1, 1)
    assert (result.read, result.starred, result.invalid, result.deleted) == (4, 2, 0, 1)
    assert state(store, feed_id) == {
        "One": (True, False),
        "Two": (False, True),
        # Deleted in newsboat: read here (left as it was, it came back unread at the next
        # refresh), not starred by its flags.
        "Three": (True, False),
        "No id": (True, False),
        "Only in newsboat": (True, True),
    }
    added = next(a for a in store.list_articles(feed_id=feed_id) if a.guid == "g9")
    assert added.published == 1600000000.0
    assert [hit.article.id for hit in store.search("kept")] == [added.id]  # indexed text
    # Again: nothing more to do, nothing duplicated.
    again = import_cache(store, cache)
    assert (again.added, again.read, again.starred) == (0, 0, 0)
    assert len(store.list_articles(feed_id=feed_id)) == 5


def test_star_flags_choose_which_flags_star(store: Store, tmp_path: Path) -> None:
    feed_id = seeded(store)
    cache = make_cache(
        tmp_path / "cache.db",
        [
            ("g1", "One", "https://a.example/g1", FEED, 0, "", 1, "s", 0),
            ("g2", "Two", "https://a.example/g2", FEED, 0, "", 1, "x", 0),
        ],
    )
    result = import_cache(store, cache, star_flags="s")
    assert result.starred == 1
    assert state(store, feed_id)["One"] == (False, True)
    assert state(store, feed_id)["Two"] == (False, False)


def test_hostile_cache_values_are_checked(store: Store, tmp_path: Path) -> None:
    feed_id = seeded(store)
    cache = make_cache(
        tmp_path / "cache.db",
        [
            ("g1", "One", "https://a.example/g1", FEED, 0, "", "yes", "s", 0),  # unread: text
            ("", "", "", FEED, 0, "", 0, "", 0),  # no guid, no link
            (b"\xff\xfe", "Blob", "javascript:alert(1)", FEED, 0, "", 0, "", 0),
            (
                "h1",
                "\x1b]52;c;bad\x07Title\u202e",
                "https://a.example/h1",
                FEED,
                2**62,
                "\x1b[2J<p>x</p>" + "y" * 3_000_000,
                0,
                "s" * 500,
                0,
            ),
            ("h2", "Two", "https://a.example/h2", 12345, "not a date", "", 0, None, "x"),
        ],
    )
    result = import_cache(store, cache)
    assert result.invalid == 3 and result.other_feeds == 0 and result.added == 2
    hostile = next(a for a in store.list_articles(feed_id=feed_id) if a.guid == "h1")
    assert hostile.title == "Title" and hostile.published is None and not hostile.starred
    body = store.get_body(hostile.id)
    assert "\x1b" not in body.content and len(body.content) <= 2_000_000
    assert state(store, feed_id)["One"] == (False, False)


# An SQLite file holds code as well as data: a view, a virtual table or a generated column
# runs as it is read. A view that never ends hung the import for good.
_ENDLESS = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0"
)


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        (
            "CREATE VIEW rss_item AS SELECT 'v1' AS guid, 'https://a.example/rss' AS feedurl,"
            " 0 AS unread, 'From a view' AS title, 'https://a.example/v1' AS url",
            "view",
        ),
        (
            "CREATE VIEW rss_item AS SELECT x AS guid, x AS feedurl, x AS unread"
            f" FROM ({_ENDLESS})",
            "view",
        ),
        (
            "CREATE VIRTUAL TABLE rss_item USING fts5(guid, feedurl, unread, title, url);"
            " INSERT INTO rss_item VALUES ('v1', 'https://a.example/rss', 0, 'Virtual',"
            " 'https://a.example/v1')",
            "table",  # a virtual one
        ),
    ],
)
def test_a_cache_whose_items_are_code_is_refused(
    store: Store, tmp_path: Path, schema: str, kind: str
) -> None:
    feed_id = seeded(store)
    cache = tmp_path / "cache.db"
    conn = sqlite3.connect(cache)
    conn.executescript(schema)
    conn.commit()
    conn.close()
    with pytest.raises(NewsboatError, match=f"not a newsboat cache: its rss_item is a {kind}"):
        import_cache(store, cache)
    assert set(state(store, feed_id)) == {"One", "Two", "Three", "No id"}


def test_a_generated_column_counts_as_absent(store: Store, tmp_path: Path) -> None:
    """A generated column is computed by the file's own expression as it is read (one of
    printf('%.*c', 1e9, 'x') is a gigabyte a row): its value is not taken. (A guard: the
    columns were read with PRAGMA table_info, which leaves them out; the reader now looks at
    table_xinfo to tell a plain table, and must still leave them out.)"""
    feed_id = seeded(store)
    cache = make_cache(tmp_path / "cache.db", [])
    conn = sqlite3.connect(cache)
    conn.executescript(
        "ALTER TABLE rss_item RENAME TO old_item;"
        "CREATE TABLE rss_item (guid TEXT, feedurl TEXT, unread INTEGER, url TEXT,"
        " title TEXT AS ('Generated ' || guid) VIRTUAL,"
        " content TEXT AS (printf('%.*c', 3000000, 'x')) VIRTUAL);"
        "INSERT INTO rss_item(guid, feedurl, unread, url)"
        " VALUES ('g7', 'https://a.example/rss', 0, 'https://a.example/g7');"
    )
    conn.commit()
    conn.close()
    result = import_cache(store, cache)
    assert result.added == 1
    added = next(a for a in store.list_articles(feed_id=feed_id) if a.guid == "g7")
    assert added.title == "" and added.read
    assert store.get_body(added.id).content == ""


def test_each_step_of_reading_the_cache_has_a_time_budget(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.feeds import newsboat

    cache = make_cache(tmp_path / "cache.db", [])
    budget = newsboat._StepBudget(0.05)
    conn = newsboat._ro_connect(cache, budget)
    try:
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            list(newsboat._rows(conn, budget, _ENDLESS))
        assert budget.expired
        # Once more, as a plain query: each step starts its own budget.
        assert list(newsboat._rows(conn, budget, "SELECT 1 UNION ALL SELECT 2")) == [(1,), (2,)]
    finally:
        conn.close()
    # What the import says when the budget runs out.
    seeded(store)
    monkeypatch.setattr(newsboat, "STEP_SECONDS", 0.0)
    monkeypatch.setattr(newsboat, "_PROGRESS_OPS", 1)
    with pytest.raises(NewsboatError, match="took longer than 0 s at one step"):
        import_cache(store, cache)


def test_not_a_newsboat_cache(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NewsboatError, match="not a newsboat cache"):
        import_cache(store, other)
    text = tmp_path / "cache.txt"
    text.write_text("hello")
    with pytest.raises(NewsboatError, match="not an SQLite database"):
        import_cache(store, text)


# -- the command -----------------------------------------------------------------------------


def test_import_urls_and_cache_then_refresh_keeps_the_state(
    tmp_path: Path, paths: Paths, server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_url = server.route("/feed.xml", rss(3, title="Served", prefix="p"))
    hidden = server.route("/hidden.xml", rss(1, title="Hidden", prefix="h"))
    urls = tmp_path / "subscriptions.opml"  # the name says OPML; the content says urls
    urls.write_text(f'{feed_url} news "~My Feed"\n{hidden} "!h"\n"query:All:unread = \\"yes\\""\n')
    cache = make_cache(
        tmp_path / "newsboat.cache",
        [
            ("p-0", "Article 0", "https://example.org/p-0", feed_url, 1736157600, "", 0, "s", 0),
            ("p-1", "Article 1", "https://example.org/p-1", feed_url, 1736157600, "", 0, "", 0),
        ],
    )
    status, out, err = run(capsys, "import", str(cache), str(urls))
    assert status == 0, err
    assert f"Imported 2 new feeds from {urls}" in out
    assert "Left out 1 query feed (newsboat's saved searches: All)." in out
    assert (
        '1 feed newsboat hides from its list (tagged "!") is subscribed like the others:'
        f" {hidden}" in out
    )
    assert (
        f"From newsboat's cache {cache}: 2 articles; 0 already here, 2 added;"
        " 2 articles marked read, 1 starred." in out
    )
    status, out, _ = run(capsys, "refresh")
    # p-2 is new; p-0 and p-1 were there (their text now the feed's, their state kept).
    assert status == 0 and "New articles: 2 (2 updated)." in out
    with Store.open(paths.database) as store:
        feed = store.feed_by_url(feed_url)
        assert feed is not None and (feed.title, feed.folder) == ("My Feed", "news")
        got = {a.guid: (a.read, a.starred) for a in store.list_articles(feed_id=feed.id)}
    assert got == {"p-0": (True, True), "p-1": (True, False), "p-2": (False, False)}


def test_articles_imported_before_their_feed_had_a_title_take_its_title(
    tmp_path: Path, paths: Paths, server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The urls file names no title: the cache's articles were stored under the feed's
    # address, the name they keep in exports and under Saved once the feed is removed.
    feed_url = server.route("/feed.xml", rss(2, title="Served Title", prefix="p"))
    urls = tmp_path / "urls"
    urls.write_text(f"{feed_url}\n")
    cache = make_cache(
        tmp_path / "cache.db",
        [("p-0", "Article 0", "https://example.org/p-0", feed_url, 1736157600, "", 0, "s", 0)],
    )
    assert run(capsys, "import", str(urls), str(cache))[0] == 0
    assert run(capsys, "refresh")[0] == 0
    with Store.open(paths.database) as store:
        feed = store.feed_by_url(feed_url)
        assert feed is not None and feed.title == "Served Title"
        got = {a.guid: a.source_title for a in store.list_articles(feed_id=feed.id)}
    assert got == {"p-0": "Served Title", "p-1": "Served Title"}
    # A user's own name for the feed is never overwritten, nor are its articles renamed.
    with Store.open(paths.database) as store:
        assert feed is not None
        store.rename_feed(feed.id, "Mine")
    assert run(capsys, "refresh")[0] == 0
    with Store.open(paths.database) as store:
        titles = {a.source_title for a in store.list_articles(feed_id=feed.id)}
    assert titles == {"Served Title"}


def test_import_cache_alone_for_feeds_already_here(
    tmp_path: Path, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = make_cache(
        tmp_path / "cache.db",
        [("g1", "x", "https://n.example/1", "https://not-here.example/rss", 0, "", 0, "", 0)],
    )
    status, out, _ = run(capsys, "import", str(cache))
    assert status == 0
    assert "1 article of feeds not subscribed here left out" in out
    with Store.open(paths.database) as store:
        assert [f.url for f in store.list_feeds()] == [WELCOME_URL]


# -- linear time on hostile urls files (see tests/hostile/test_redos.py) -----------------------


def _read(data: bytes) -> object:
    try:
        return read_urls(data)
    except NewsboatError as exc:
        return exc


URLS_CASES = [
    Case(f"read_urls[{unit!r}]", _read, lambda size, u=unit: b"https://a.example/ " + rep(u, size))
    for unit in (b'"', b'\\"', b"\\", b" ", b"\t#", b'"~', b'"a b', b"\n", b"query:")
]


@pytest.mark.hostile(category="redos")
@pytest.mark.parametrize("case", URLS_CASES, ids=lambda c: c.name)
def test_urls_reading_is_linear(case: Case) -> None:
    _check(case)


def test_a_urls_file_mentioning_opml_in_a_comment_is_a_urls_file() -> None:
    from tui_reader.feeds.newsboat import sniff

    urls = b'# exported from <opml> once; see <outline> notes\nhttps://a.example/f "~A"\n'
    assert sniff(urls) == "newsboat-urls"
    assert [f.url for f in read_urls(urls).feeds] == ["https://a.example/f"]
    # OPML after a server's warning is still OPML.
    assert sniff(b'Warning: x\n<?xml version="1.0"?><opml><body></body></opml>') == "opml"


def test_a_urls_file_that_is_not_utf_8_is_read_as_windows_1252_and_said() -> None:
    found = read_urls('https://a.example/f "~Café crème" Actualités\n'.encode("cp1252"))
    assert [(f.title, f.folder) for f in found.feeds] == [("Café crème", "Actualités")]
    assert found.encoding == "Windows-1252 (it is not UTF-8)"
    assert read_urls('https://a.example/f "~Café"\n'.encode()).encoding == ""


@pytest.mark.parametrize(
    "cached_at",
    [
        "https://old.example/rss",  # the address the feed moved from (a refresh's 301)
        "https://A.EXAMPLE/%72ss",  # the same address written otherwise
    ],
)
def test_the_cache_finds_a_feed_by_any_address_that_names_it(
    store: Store, tmp_path: Path, cached_at: str
) -> None:
    """newsboat files articles under the urls file's spelling, kept after a redirect: only the
    stored address character for character was matched, every article of the feed left
    out ("of feeds not subscribed here")."""
    feed_id = seeded(store)
    store.record_move("https://old.example/rss", feed_id)
    cache = make_cache(
        tmp_path / "cache.db",
        [("g1", "One", "https://a.example/g1", cached_at, 1700000000, "", 0, "s", 0)],
    )
    result = import_cache(store, cache)
    assert (result.matched, result.other_feeds) == (1, 0)
    assert state(store, feed_id)["One"] == (True, True)


def test_an_article_only_the_cache_has_keeps_its_enclosure(store: Store, tmp_path: Path) -> None:
    """A podcast episode the feed no longer lists: its audio was only in the cache."""
    feed_id = seeded(store)
    cache = make_cache(
        tmp_path / "cache.db",
        [("ep1", "Episode 1", "https://a.example/ep1", FEED, 1600000000, "", 0, "", 0)],
    )
    conn = sqlite3.connect(cache)
    conn.execute(
        "UPDATE rss_item SET enclosure_url = 'https://cdn.example/ep1.mp3',"
        " enclosure_type = 'audio/mpeg'"
    )
    conn.commit()
    conn.close()
    assert import_cache(store, cache).added == 1
    added = next(a for a in store.list_articles(feed_id=feed_id) if a.guid == "ep1")
    [enclosure] = store.enclosures(added.id)
    assert (enclosure.url, enclosure.type) == ("https://cdn.example/ep1.mp3", "audio/mpeg")


def test_no_import_line_shows_a_feeds_password(paths: Paths, tmp_path: Path) -> None:
    """The "listed again" line masked it; the hidden-feed and skipped lines did not."""
    urls = tmp_path / "urls"
    urls.write_text(
        'https://me:hunter2@private.example/feed.xml "!hidden"\n'
        "ftp://me:hunter2@old.example/feed.xml\n"
    )
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml><body><outline text="A" xmlUrl="ftp://me:hunter2@o.example/f"/></body></opml>'
    )
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "import", str(urls), str(opml)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = done.stdout + done.stderr
    assert "hunter2" not in said and said.count("me:***@") >= 3, said


def test_newsboats_stand_in_ids_for_entries_without_one_match_them(
    store: Store, tmp_path: Path
) -> None:
    """newsboat names an entry without a guid by its link and its date as written, or by
    its title when it has no link: kept as ids, they matched no entry, and the next refresh
    stored each entry again, unread."""
    feed, _ = store.add_feed(FEED, title="A")
    store.upsert_entries(
        feed,
        [
            EntryData(guid="", url="https://a.example/same", title="First on the page"),
            EntryData(guid="", url="https://a.example/same", title="Second on the page"),
            EntryData(guid="", url="", title="No link at all"),
        ],
    )
    date = "Wed, 03 Jan 2024 10:00:00 GMT"
    cache = make_cache(
        tmp_path / "cache.db",
        [
            (
                f"https://a.example/same{date}",
                "First on the page",
                "https://a.example/same",
                FEED,
                1704276000,
                "",
                0,
                "s",
                0,
            ),
            (
                f"https://a.example/same{date}x",
                "Second on the page",
                "https://a.example/same",
                FEED,
                1704276000,
                "",
                0,
                "",
                0,
            ),
            ("No link at all", "No link at all", "", FEED, 0, "", 0, "", 0),
        ],
    )
    result = import_cache(store, cache)
    assert (result.matched, result.added) == (3, 0)
    assert state(store, feed.id) == {
        "First on the page": (True, True),
        "Second on the page": (True, False),
        "No link at all": (True, False),
    }


def test_the_line_about_feeds_not_subscribed_does_not_send_back_to_the_urls_file(
    paths: Paths, tmp_path: Path
) -> None:
    """Imported together, an exec: feed skipped: it said to import the urls file (again)."""
    urls = tmp_path / "urls"
    urls.write_text('"exec:~/bin/feed.sh"\n')
    cache = make_cache(
        tmp_path / "cache.db",
        [("g1", "One", "https://a.example/1", "exec:~/bin/feed.sh", 0, "", 0, "", 0)],
    )
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "import", str(urls), str(cache)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "1 article of feeds not subscribed here left out" in done.stdout, done.stdout
    assert "import the urls file" not in done.stdout
