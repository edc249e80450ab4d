"""Parsing feed documents: RSS, Atom, JSON Feed, broken and hostile input, the real corpus."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.fixtures.feeds.builders import HTML_PAGE, atom, json_feed, rss
from tui_reader.feeds.parse import FeedError, parse_feed
from tui_reader.feeds.text import clean_link, fast_clean, fast_line, html_to_text
from tui_reader.sanitize import clean_line, clean_text

FEEDS = CORPUS / "feeds"
needs_corpus = pytest.mark.skipif(not FEEDS.is_dir(), reason="shared corpus not present")


def test_rss_fields() -> None:
    parsed = parse_feed(rss([("g1", "Fish &amp; chips")], title="My &amp; feed"), "https://x/f")
    assert parsed.title == "My & feed"
    assert parsed.site_url == "https://example.org/"
    assert parsed.format == "rss20"
    assert parsed.warning == ""
    (e,) = parsed.entries
    assert e.guid == "g1"
    assert e.title == "Fish & chips"  # unescaped twice-escaped title
    assert e.url == "https://example.org/g1"
    assert e.published == 1736157600.0  # Mon, 06 Jan 2025 10:00:00 GMT
    assert e.summary == "<p>Text of Fish &amp; chips</p>"
    assert e.text == "Text of Fish & chips"


def test_atom_resolves_relative_links_and_keeps_content() -> None:
    parsed = parse_feed(atom(2), "https://atom.example/feed.xml")
    assert parsed.title == "Atom feed"
    first = parsed.entries[0]
    assert first.url == "https://atom.example/posts/0"
    assert first.guid == "urn:a:0"
    assert first.content == "<p>Body 0</p>"
    assert first.summary == ""  # feedparser's copy of the content is not stored twice
    assert first.text == "Body 0"
    assert first.updated == first.published == 1735725600.0


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version: str) -> None:
    parsed = parse_feed(json_feed(3, version=version), "https://json.example/feed.json")
    assert parsed.title == "JSON feed"
    assert parsed.site_url == "https://json.example/"
    assert len(parsed.entries) == 3
    e = parsed.entries[1]
    assert (e.guid, e.url, e.title) == ("j1", "https://json.example/1", "JSON item 1")
    assert e.author == "Feed Author"
    assert e.content == "<p>Hello 1</p>" and e.text == "Hello 1"
    assert e.published == 1735787045.0


def _json_item(item: dict[str, object], **top: object) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "T", **top}
    return json.dumps({**doc, "items": [{"id": "1", "url": "https://j/1", **item}]}).encode()


@pytest.mark.parametrize(
    ("item", "top", "author"),
    [
        # As the spec writes them: 1.1's list of objects, 1.0's one object, the feed's.
        ({"authors": [{"name": "Ann"}, {"name": "Bo"}, {"name": "Ann"}]}, {}, "Ann, Bo"),
        ({"author": {"name": "Cy"}}, {}, "Cy"),
        ({"authors": [{"url": "https://j/me"}]}, {"authors": [{"name": "Feed"}]}, "Feed"),
        # As feeds also write them: one object not in a list, names as strings.
        ({"authors": {"name": "Ann"}}, {}, "Ann"),
        ({"authors": ["Ann", " Bo "]}, {}, "Ann, Bo"),
        ({"author": "Dee"}, {}, "Dee"),
        ({}, {"authors": {"name": "Feed"}}, "Feed"),
        ({"authors": [], "author": {"name": "Cy"}}, {}, "Cy"),
        # Nothing to read: no name, or not a name.
        ({"authors": [None, True, {"name": ["x"]}, " "]}, {}, ""),
    ],
)
def test_json_feed_authors_as_feeds_write_them(
    item: dict[str, object], top: dict[str, object], author: str
) -> None:
    (e,) = parse_feed(_json_item(item, **top), "https://j/").entries
    assert e.author == author


def test_json_feed_one_attachment_not_in_a_list() -> None:
    attachment = {"url": "https://j/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 9}
    (e,) = parse_feed(_json_item({"attachments": attachment}), "https://j/").entries
    assert [(x.url, x.type, x.length) for x in e.enclosures] == [
        ("https://j/a.mp3", "audio/mpeg", 9)
    ]


def test_json_feed_text_content_and_bad_json() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [{"id": 1, "content_text": "a < b\n\nsecond"}, "junk"],
    }
    parsed = parse_feed(json.dumps(doc).encode(), "https://j/")
    (e,) = parsed.entries
    assert e.guid == "1"
    assert e.content == "<p>a &lt; b</p><p>second</p>"
    assert e.text == "a < b\n\nsecond"
    assert "skipped" in parsed.warning
    with pytest.raises(FeedError, match=r"not valid JSON \(line 1"):
        parse_feed(b'{"version": ', "https://j/")
    with pytest.raises(FeedError, match="not a JSON Feed"):
        parse_feed(b'{"hello": "world"}', "https://j/")


def test_malformed_xml_with_entries_is_a_warning() -> None:
    doc = rss(2).replace(b"</channel></rss>", b"<item><title>cut off")
    parsed = parse_feed(doc, "https://x/")
    assert len(parsed.entries) >= 2
    assert parsed.warning.startswith("not well-formed XML (line")


def test_malformed_xml_without_entries_is_an_error() -> None:
    with pytest.raises(FeedError, match="not well-formed XML"):
        parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x', "https://x/")


def test_undefined_entity_and_raw_ampersand_still_parse() -> None:
    doc = (
        b'<rss version="2.0"><channel><title>T &nbsp;</title><item><guid>1</guid>'
        b"<title>caf&eacute;</title><link>https://e.org/a?x=1&y=2</link></item></channel></rss>"
    )
    parsed = parse_feed(doc, "https://x/")
    (e,) = parsed.entries
    assert e.title == "café"
    assert e.url == "https://e.org/a?x=1&y=2"
    assert parsed.warning.startswith("not well-formed XML")


def test_whitespace_before_declaration_is_not_a_problem() -> None:
    parsed = parse_feed(b"\n\n   " + rss(1), "https://x/")
    assert parsed.warning == "" and len(parsed.entries) == 1


def test_wrongly_declared_encodings() -> None:
    latin = rss([("1", "naïve café")], title="Café", encoding="iso-8859-1")
    lying_utf8 = latin.replace(b'encoding="iso-8859-1"', b'encoding="utf-8"')
    parsed = parse_feed(lying_utf8, "https://x/")
    assert parsed.title == "Café" and parsed.entries[0].title == "naïve café"
    assert parsed.warning == "declared as utf-8 but is not; read as windows-1252"

    utf8 = rss([("1", "naïve café")], title="Café")
    lying_latin = utf8.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    parsed = parse_feed(lying_latin, "https://x/")
    assert parsed.entries[0].title == "naïve café"  # not mojibake
    assert "is UTF-8" in parsed.warning

    parsed = parse_feed(latin, "https://x/")  # honest Latin-1
    assert parsed.entries[0].title == "naïve café" and parsed.warning == ""


def test_a_utf8_feed_with_a_stray_latin1_byte_keeps_its_text() -> None:
    """UTF-8 but for one name pasted in from a Latin-1 source: each part is read as what it
    is, as a web page's last resort does (it was read wholly as windows-1252: every curly
    quote of the feed became "â€™")."""
    utf8 = rss([("1", "It’s “quoted”"), ("2", "Zürich")], title="Café’s")
    mixed = utf8.replace("Zürich".encode(), "Zürich".encode("latin-1"))
    parsed = parse_feed(mixed, "https://x/")
    assert parsed.title == "Café’s"
    assert [e.title for e in parsed.entries] == ["It’s “quoted”", "Zürich"]
    assert parsed.warning == (
        "declared as utf-8 but is not; read as UTF-8, windows-1252 for the bytes that are not"
    )


XHTML_PROLOG = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet href="s.css"?>\n'
    b'<!-- made by hand -->\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
    b' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
)


@pytest.mark.parametrize(
    "page",
    [
        HTML_PAGE,
        # XHTML opens with an XML declaration (and may have a style sheet's instruction).
        XHTML_PROLOG + b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'
        b"</head><body><p>x</p></body></html>",
        b'<?xml version="1.0"?><html><body><p>x</p></body></html>',
    ],
)
def test_html_page_is_not_a_feed(page: bytes) -> None:
    with pytest.raises(FeedError, match=r"this is a web page \(HTML\), not a feed"):
        parse_feed(page, "https://x/")


@pytest.mark.parametrize("data", [b"", b"   \n", b"just some text", b"<note>hi</note>"])
def test_other_documents_are_errors(data: bytes) -> None:
    with pytest.raises(FeedError) as info:
        parse_feed(data, "https://x/")
    assert "\n" not in str(info.value)


def test_hostile_text_is_cleaned() -> None:
    doc = (
        '<rss version="2.0"><channel><title>Evil\x1b]0;pwned\x07 feed</title><item>'
        "<guid>1</guid><title>Red \x1b[31mtext\u202e</title>"
        "<link>javascript:alert(1)</link><author>a\x00b</author>"
        "<description>&lt;p&gt;x\x1b[2J&lt;/p&gt;</description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(doc, "https://x/")
    e = parsed.entries[0]
    assert parsed.title == "Evil feed"
    assert e.title == "Red text"
    assert e.url == ""  # only http(s) links are kept
    assert "\x1b" not in e.summary and "\x1b" not in e.text


def test_five_thousand_entries() -> None:
    parsed = parse_feed(rss(5000), "https://x/")
    assert len(parsed.entries) == 5000
    assert len({e.guid for e in parsed.entries}) == 5000


def _manifest() -> list[dict[str, str]]:
    with (FEEDS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@needs_corpus
def test_corpus_sample_parses() -> None:
    rows = _manifest()
    malformed = [r for r in rows if r["xml"] == "malformed"]
    roots: dict[str, dict[str, str]] = {}
    for r in rows:
        roots.setdefault(r["root"], r)
    sample = malformed + list(roots.values()) + rows[::25]
    seen = 0
    warned = 0
    for row in sample:
        data = (FEEDS / row["file"]).read_bytes()
        try:
            parsed = parse_feed(data, "https://corpus.example/feed")
        except FeedError as exc:
            assert row["xml"] == "malformed", f"{row['file']}: {exc}"
            assert "\n" not in str(exc)
            continue
        seen += 1
        assert parsed.entries or row["xml"] != "ok", row["file"]
        warned += bool(parsed.warning)
        for e in parsed.entries:
            assert e.guid or e.url or e.title
            assert e.url == "" or e.url.startswith(("http://", "https://"))
            assert "\x1b" not in e.title + e.text
    assert seen >= len(sample) - 2
    assert warned >= 3  # the bozo ones carry a warning instead of failing


@needs_corpus
def test_buffered_sax_driver_gives_the_same_result() -> None:
    import feedparser

    import tui_reader.feeds.parse as parse_module

    parse_module._load_feedparser()
    files = sorted(FEEDS.glob("*.xml"))[::7]
    saved = list(feedparser.api.PREFERRED_XML_PARSERS)
    try:
        buffered = [_fp(feedparser, f) for f in files]
        feedparser.api.PREFERRED_XML_PARSERS[:] = ["xml.sax.expatreader"]
        plain = [_fp(feedparser, f) for f in files]
    finally:
        feedparser.api.PREFERRED_XML_PARSERS[:] = saved
    assert "tui_reader.feeds.saxdriver" in saved
    assert buffered == plain


def _fp(feedparser: object, path: Path) -> object:
    result = feedparser.parse(  # type: ignore[attr-defined]
        io.BytesIO(path.read_bytes()), sanitize_html=False, resolve_relative_uris=False
    )
    return (result.entries, result.feed, bool(result.bozo))


TRICKY = [
    "plain",
    "tab\tand\nnewline\r\nCRLF",
    "esc \x1b[31mred\x1b[0m and osc \x1b]0;title\x07",
    "c1 \x9b31m and \x85",
    "bidi \u202eevil\u202c and \u2066iso\u2069",
    "zero\u200bwidth\ufeffbom",
    "Zalgo a\u0301\u0302\u0303\u0304\u0305",
    "decomposed e\u0301",
    "emoji 😀 and tag \U000e0041",
    "nonchar \ufdd0 \uffff",
    "\x00\x07\x08\x7f",
    "",
    " ",
    "http://example.org/a?b=c",
    " lead",
    "trail ",
    "doubled  space",
    "   ",
    "a b c",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_clean_is_clean_text(text: str) -> None:
    assert fast_clean(text) == clean_text(text)
    assert fast_line(text) == clean_line(text)


@pytest.mark.parametrize("context", ["a{}b", "é{}b", "😀{}b", "x\u0301{}\u0301"])
def test_fast_clean_is_clean_text_for_every_character(context: str) -> None:
    """fast_clean takes different tests for ASCII text, BMP-only text and text reaching
    beyond the BMP: each must let through exactly what clean_text leaves unchanged."""
    points = [
        *range(0x0, 0x3000),
        *range(0xD7F0, 0x10000),
        *range(0xE0000, 0xE0100),
        *(p * 0x10000 + 0xFFFE for p in range(17)),
        *(p * 0x10000 + 0xFFFF for p in range(17)),
        0x1D165,  # musical combining stem (a mark beyond the BMP)
        0x1F600,
    ]
    for cp in points:
        text = context.format(chr(cp))
        assert fast_clean(text) == clean_text(text), hex(cp)
        assert fast_clean(text * 10) == clean_text(text * 10), hex(cp)


def test_the_latin_clean_class_is_what_it_says() -> None:
    """fast_clean's one search for Latin text: it finds every character but those of
    U+0000-U+02FF and U+2000-U+206F that _MAYBE_UNCLEAN_IN_BMP does not hold."""
    from tui_reader import sanitize

    latin = {*range(0x300), *range(0x2000, 0x2070)}
    for cp in range(0x10000):
        clean = cp in latin and not sanitize._MAYBE_UNCLEAN_IN_BMP.match(chr(cp))
        assert (sanitize._NOT_LATIN_CLEAN.match(chr(cp)) is None) == clean, hex(cp)


def test_text_without_marks_builds_no_mark_regex() -> None:
    """The mark-run regexes take ~13 ms to build from the Unicode tables; the app drawing its
    first title with an accent on the event loop must not pay for them. Text with marks is
    still capped."""
    from tui_reader import sanitize

    sanitize._bmp_mark_run.cache_clear()
    sanitize._any_mark_run.cache_clear()
    assert clean_text("Caf\u00e9 \u201cd\u00e9j\u00e0 vu\u201d \u2014 na\u00efve\r\n") == (
        "Caf\u00e9 \u201cd\u00e9j\u00e0 vu\u201d \u2014 na\u00efve\n"
    )
    assert sanitize._bmp_mark_run.cache_info().currsize == 0
    assert clean_text("\u0e01" + "\u0e49" * 20) == "\u0e01" + "\u0e49" * 8
    assert sanitize._bmp_mark_run.cache_info().currsize == 1
    assert sanitize._any_mark_run.cache_info().currsize == 0
    assert clean_text("a" + "\U0001d165" * 20) == "a" + "\U0001d165" * 8
    assert sanitize._any_mark_run.cache_info().currsize == 1


def test_html_to_text() -> None:
    html = "<p>One&nbsp;two</p><script>x()</script><!-- c --><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "One\u00a0two\na\nb".replace("\u00a0", " ")
    assert html_to_text("no markup at all") == "no markup at all"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        # A quoted attribute value may hold ">": the tag ends after it, not inside it.
        ("<p><a href='x>y'>link</a></p>", "link"),
        ('<p><img alt="Settings > Privacy" src="s.png">Then tap</p>', "Then tap"),
        ('<p class="a>b">one</p><p>two</p>', "one\ntwo"),
        ("<p>a<br title='x>y'>b</p>", "a\nb"),
        # A "<" that starts no tag is text (code samples, comparisons, hearts).
        ("<p>1 < 2 and 3 > 2</p>", "1 < 2 and 3 > 2"),
        (
            "<pre>class StatusHandler < Mongrel::HttpHandler</pre><p>x</p>",
            "class StatusHandler < Mongrel::HttpHandler\nx",
        ),
        ("<p>I <3 it</p>", "I <3 it"),
        # A quote in an unquoted value is a character; declarations and bogus tags go.
        ("<img alt=it's>text", "text"),
        ("<!DOCTYPE html><?xml x?></ p>text", "text"),
        # A start tag ends at its ">", a "<" before it included (HTML's tokenizer reads it
        # into an attribute's name): a tag missing its ">" takes the next one with it.
        ('<p><a href="http://e.org/r/"<img src="i.gif" style="x"></a> Then</p>', "Then"),
        ("<p>x <a y <b z> w</p>", "x w"),
        ("<p>a<br x<i>b</p>", "a\nb"),
        ("<p>one <span class=c<em>two</em></p>", "one two"),
    ],
)
def test_html_to_text_reads_tags_as_html_does(markup: str, text: str) -> None:
    """Found on corpus feeds: 42 entries' HTML holds a "<" that starts no tag (code), which
    took the text up to the next ">" with it; 11 hold a ">" in a quoted attribute value,
    whose rest ('y'>link') was left in the text. Both reach the search index. And one (found
    by reading every corpus entry with Python's html.parser beside it) lacks the ">" of a start
    tag: the tag, href and all, showed as text."""
    assert html_to_text(markup) == text


def test_clean_links_shortcut_gives_what_the_long_way_gives() -> None:
    """clean_link returns a plain absolute link as it is; for every link it takes that way,
    resolving and cleaning it (the long way) must give the same. Random links from parts
    that change under urljoin or clean_url (case, ports, dots, escapes, userinfo...)."""
    from urllib.parse import urljoin

    from tui_reader.sanitize import clean_url, is_web_url

    base = "http://base.example/feed"

    def long_way(value: str) -> str:
        line = fast_line(value)
        if not line:
            return ""
        try:
            joined = urljoin(base, line)
        except ValueError:
            return ""
        return clean_url(joined) if is_web_url(joined) else ""

    parts = [
        "http://",
        "https://",
        "HTTP://",
        "Https://",
        "example.com",
        "EXAMPLE.com",
        "ex-ample.co.uk",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "bücher.example",
        ":80",
        ":443",
        ":8080",
        ":0",
        ":99999",
        "/",
        "/a",
        "/a/../b",
        "/./c",
        "/..",
        "//",
        "/%7Euser",
        "/%41",
        "/a;p",
        "/a,b",
        "/a'b",
        "/x/",
        "..",
        ".",
        "@",
        "user@",
        "/~x",
        "/a%2F",
        "%",
        "/\\",
        "/café",
        ":٨٠",
    ]
    rng = random.Random(7)
    taken = 0
    for _ in range(30_000):
        value = "".join(rng.choice(parts) for _ in range(rng.randint(2, 6)))
        cleaned = clean_link(value, base)
        taken += cleaned == fast_line(value) != ""
        assert cleaned == long_way(value), value
    assert taken >= 500  # (the shortcut's own cases are among them)


def test_clean_link() -> None:
    assert clean_link("/p?utm_source=x&id=3", "https://e.org/f") == "https://e.org/p?id=3"
    assert clean_link("https://e.org/a", "") == "https://e.org/a"
    assert clean_link("data:text/html,hi", "https://e.org/") == ""
    assert clean_link("  ", "https://e.org/") == ""


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"size_in_bytes": ' + b"1" * 5000 + b"}", "not readable JSON (Exceeds the limit"),
        (b'{"attachments": ' + b"[" * 200_000 + b"}", "not readable JSON (nested too deeply)"),
    ],
)
def test_json_that_python_will_not_read_is_a_feed_error(body: bytes, said: str) -> None:
    """json.loads raises more than JSONDecodeError: a plain ValueError for an integer of over
    4,300 digits, RecursionError for deep nesting. Both came out of parse_feed as tracebacks."""
    doc = b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + body + b"]}"
    with pytest.raises(FeedError) as info:
        parse_feed(doc, "https://x/")
    assert str(info.value).startswith(said)


ITEM_BASE_RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title><link>https://example.com/</link>
<item xml:base="https://example.com/first/"><title>First</title><link>first</link></item>
<item><title>Second</title><link>second</link></item>
</channel></rss>"""
ITEM_BASE_ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<entry xml:base="https://example.com/first/"><title>First</title><id>urn:1</id>
<link href="first"/></entry>
<entry><title>Second</title><id>urn:2</id><link href="second"/></entry></feed>"""


@pytest.mark.parametrize("data", [ITEM_BASE_RSS, ITEM_BASE_ATOM], ids=["rss", "atom"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "feedparser"])
def test_an_entrys_xml_base_is_its_own(
    data: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An xml:base on one entry is that entry's: the next one's relative link is resolved
    against the feed's address. Without a base for the document, feedparser (and the fast
    path, which does as it does) kept the first entry's base for the second, whose link then
    moved whenever the entries were reordered (an id-less item stored twice)."""
    import tui_reader.feeds.parse as parse_module

    monkeypatch.setattr(parse_module, "FAST_PATH", fast)
    parsed = parse_feed(data, "https://feeds.example/blog/feed.xml")
    assert [e.url for e in parsed.entries] == [
        "https://example.com/first/first",
        "https://feeds.example/blog/second",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://a.example/x\nhttps://evil.example/", "https://a.example/xhttps://evil.example/"),
        ("\n  https://a.example/story\t \r\n", "https://a.example/story"),
        ("https://a.example/two words?q=a b", "https://a.example/two%20words?q=a%20b"),
        ("https://a.example/wrapped-\n  line", "https://a.example/wrapped-%20%20line"),
    ],
)
def test_a_link_is_read_as_a_browser_reads_it(raw: str, expected: str) -> None:
    """Tabs and line breaks in an address are no part of it, a space inside is %20 (the
    WHATWG URL standard): "https://a/x https://b/" was kept, a link with a space in it."""
    assert clean_link(raw, "https://feed.example/") == expected
    doc = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        f"<guid>g</guid><title>t</title><link>{raw}</link></item></channel></rss>"
    ).encode()
    assert parse_feed(doc, "https://feed.example/rss").entries[0].url == expected


_POST_3 = "https://site.example/n/post-3"


@pytest.mark.parametrize(
    ("doc", "got"),
    [
        # Atom ids under a feed's xml:base, an entry's, and a content's.
        (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">'
            b"<title>B</title><id>/</id>"
            b'<entry xml:base="https://cdn.example/a/"><id>post-1</id><title>One</title></entry>'
            b'<entry><id>/post-2</id><title>Two</title><content type="html" xml:base="/x/">'
            b"&lt;p&gt;t&lt;/p&gt;</content></entry></feed>",
            [("post-1", ""), ("/post-2", "")],
        ),
        # RSS guids that would stand in for the link (isPermaLink), under an xml:base.
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel xml:base="https://site.example/n/">'
            b"<title>N</title><item><guid>post-1</guid><title>One</title></item>"
            b'<item><guid isPermaLink="false">post-2</guid><title>Two</title></item>'
            b"<item><guid>https://site.example/n/post-3</guid><title>Three</title></item>"
            b"</channel></rss>",
            [("post-1", ""), ("post-2", ""), ("https://site.example/n/post-3", _POST_3)],
        ),
        # Eleventy's and Jekyll's feeds: xml:base on the feed, ids that are names ("42", a
        # UUID). Under the base the link an id stood for was resolved into a made-up page.
        (
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"'
            b' xml:base="https://site.example/blog/"><title>Notes</title><id>urn:f</id>'
            b"<entry><id>42</id><title>42</title></entry>"
            b"<entry><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><title>U</title>"
            b"</entry><entry><id>https://site.example/blog/43</id><title>43</title></entry>"
            b"</feed>",
            [
                ("42", ""),
                ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", ""),
                ("https://site.example/blog/43", "https://site.example/blog/43"),
            ],
        ),
    ],
)
def test_an_id_is_kept_as_written_and_a_link_only_when_it_is_a_whole_address(
    doc: bytes, got: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both parsers (feedparser and the fast path) keep ids as written: resolved, they changed
    with the feed's address or with an xml:base appearing anywhere. An id stands in for a
    missing link only when it is a whole web address, with an xml:base in force or not (as
    "/2020/05/c/" without one, below)."""
    from tests.conftest import parse_both

    slow, fast = parse_both(doc, "https://feeds.example/f.xml", monkeypatch)
    assert slow == fast
    assert [(e.guid, e.url) for e in slow.entries] == got  # type: ignore[attr-defined]


def test_a_relative_link_that_the_guid_repeats_is_a_link(monkeypatch: pytest.MonkeyPatch) -> None:
    """A site built with no base address (Hugo) writes each item's <link> and <guid> as the
    same path: the link is the item's own, resolved; only an id alone is no link."""
    from tests.conftest import parse_both

    doc = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>a</title><link>/2020/05/a/</link><guid>/2020/05/a/</guid></item>"
        b"<item><title>b</title><guid>/2020/05/b/</guid><link>/2020/05/b/</link></item>"
        b"<item><title>c</title><guid>/2020/05/c/</guid></item>"
        b"</channel></rss>"
    )
    slow, fast = parse_both(doc, "https://site.example/index.xml", monkeypatch)
    assert slow == fast
    assert [(e.guid, e.url) for e in slow.entries] == [  # type: ignore[attr-defined]
        ("/2020/05/a/", "https://site.example/2020/05/a/"),
        ("/2020/05/b/", "https://site.example/2020/05/b/"),
        ("/2020/05/c/", ""),
    ]


def _atom_entry(inner: str) -> bytes:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
        f"<entry><id>urn:e:1</id><title>E</title>{inner}</entry></feed>"
    ).encode()


@pytest.mark.parametrize(
    ("inner", "text"),
    [
        # type="text" is text: what looks like a tag is kept, an entity is not decoded twice,
        # paragraphs stay apart.
        (
            '<content type="text">Vec&lt;String&gt; and &lt;br&gt; &amp;amp; co.\n\nTwo</content>',
            "Vec<String> and <br> &amp; co.\nTwo",
        ),
        ("<summary>if a &lt; b &amp;&amp; c\n\nsecond</summary>", "if a < b && c\nsecond"),
        # A generator that left out type="html" (closing tags of HTML's own): HTML.
        ("<summary>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</summary>", "One\nTwo"),
        ('<summary type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp;</summary>', "Bold &"),
        ("<summary>Plain words only</summary>", "Plain words only"),
    ],
)
def test_an_atom_text_construct_is_read_as_text(
    inner: str, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import parse_both

    slow, fast = parse_both(_atom_entry(inner), "https://feeds.example/f.xml", monkeypatch)
    assert slow == fast
    (entry,) = slow.entries  # type: ignore[attr-defined]
    assert entry.text == text


_FEEDBURNER = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:fb="http://rssnamespace.org/feedburner/ext/1.0"><channel><title>t</title>
<item><title>A</title><link>http://feeds.feedburner.com/~r/site/~3/1/a.html</link>
<guid isPermaLink="false">tag:site,2009:1</guid><fb:origLink>http://site.example/2009/a.html</fb:origLink></item>
<item><title>B</title><link>http://feedproxy.google.com/~r/site/~3/2/b.html</link>
<fb:origLink>  https://site.example/b?x=1&amp;y=2 </fb:origLink></item>
<item><title>C</title><link>http://feeds.feedburner.com/~r/site/~3/3/c.html</link>
<fb:origLink>/relative/c.html</fb:origLink></item>
<item><title>D</title><link>http://feeds.feedburner.com/~r/site/~3/4/d.html</link>
<fb:origLink rel="x">http://site.example/d.html</fb:origLink></item>
</channel></rss>"""


def test_feedburner_entries_link_to_their_own_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """FeedBurner's <link> is its tracker's redirect; feedburner:origLink (any prefix for its
    namespace) is the entry's own address, the page to fetch and the link kept (Miniflux and
    feedjira read it so). Not an address on the web: the link. Both parsing paths agree."""
    from tests.conftest import fast_path_takes, parse_both

    data = _FEEDBURNER.encode()
    slow, fast = parse_both(data, "http://feeds.feedburner.com/site", monkeypatch)
    assert slow == fast
    assert [e.url for e in parse_feed(data, "http://feeds.feedburner.com/site").entries] == [
        "http://site.example/2009/a.html",
        "https://site.example/b?x=1&y=2",
        "http://feeds.feedburner.com/~r/site/~3/3/c.html",
        "http://feeds.feedburner.com/~r/site/~3/4/d.html",  # (an element with attributes:
    ]  # feedparser keeps those, not its text)
    plain = data.replace(b' rel="x"', b"")
    assert fast_path_takes(plain) and not fast_path_takes(data)
    assert parse_feed(plain, "http://x.example/").entries[3].url == "http://site.example/d.html"


def test_an_atom_entry_without_authors_has_its_sources_before_the_feeds() -> None:
    """RFC 4287 4.2.1: a Planet's entries (each a post of another feed, its <source>) were all
    credited to the Planet's own author."""
    doc = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Planet</title>'
        b"<author><name>Planet Admins</name></author><id>urn:p</id>"
        b"<entry><id>urn:e:1</id><title>A</title><source><id>urn:s:a</id>"
        b"<author><name>Alice Anders</name></author></source></entry>"
        b"<entry><id>urn:e:2</id><title>B</title><author><name>Bob</name></author>"
        b"<source><id>urn:s:b</id><author><name>Not Bob</name></author></source></entry>"
        b"<entry><id>urn:e:3</id><title>C</title><source><id>urn:s:c</id></source></entry>"
        b"</feed>"
    )
    authors = [e.author for e in parse_feed(doc, "https://planet.example/atom.xml").entries]
    assert authors == ["Alice Anders", "Bob", "Planet Admins"]


def test_a_json_feed_item_whose_id_is_an_address_and_has_no_url_links_to_it() -> None:
    """As an RSS guid or an Atom id that is a whole web address: the item had no link."""
    data = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {"id": "https://j.example/p/1", "content_text": "a"},
                {"id": "42", "content_text": "b"},
                {
                    "id": "https://j.example/p/3",
                    "url": "https://j.example/three",
                    "content_text": "c",
                },
            ],
        }
    ).encode()
    got = [(e.guid, e.url) for e in parse_feed(data, "https://j.example/feed.json").entries]
    assert got == [
        ("https://j.example/p/1", "https://j.example/p/1"),
        ("42", ""),
        ("https://j.example/p/3", "https://j.example/three"),
    ]


def test_relative_links_in_content_resolve_against_the_xml_base_in_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Drupal's RSS sets xml:base on its root: "sites/default/files/report.pdf" in an item's
    description resolved against the item's link pointed into the article's folder."""
    from tests.conftest import parse_both
    from tui_reader.extract.pipeline import document_from_fragment

    doc = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"'
        b' xml:base="https://site.example/"><title>S</title><id>urn:s</id>'
        b'<entry><id>urn:1</id><title>Root</title><link href="/2024/03/post.html"/>'
        b'<content type="html">&lt;a href="docs/guide.html"&gt;guide&lt;/a&gt;</content></entry>'
        b'<entry><id>urn:2</id><title>CDN</title><link href="/2024/03/two.html"/>'
        b'<content type="html" xml:base="https://cdn.example/assets/">'
        b'&lt;a href="doc.pdf"&gt;file&lt;/a&gt;</content></entry>'
        b'<entry><id>urn:3</id><title>Own</title><link href="/2024/03/three/"/>'
        b'<content type="html" xml:base="/2024/03/three/">&lt;img src="p.png"&gt;</content>'
        b"</entry></feed>"
    )
    slow, fast = parse_both(doc, "https://feeds.example/atom.xml", monkeypatch)
    assert slow == fast
    links = []
    for e in slow.entries:  # type: ignore[attr-defined]
        d = document_from_fragment(e.content, title=e.title, url=e.url)
        links.append([s.href for b in d.blocks for s in b.spans if s.kind == "link"])
    assert links[:2] == [
        ["https://site.example/docs/guide.html"],
        ["https://cdn.example/assets/doc.pdf"],
    ]
    # (An xml:base that is the entry's own link adds nothing: resolved as before.)
    assert "<base" not in slow.entries[2].content  # type: ignore[attr-defined]
