"""OPML as real apps write it: files that are not well-formed XML are read leniently, one
class of damage at a time, and the import says what it repaired and what it could not read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.hostile.test_redos import E2E_BUDGET, Case, _check, rep
from tui_reader.feeds.opml import OpmlError, import_opml, read_opml, read_opml_leniently
from tui_reader.store import Store

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="1.0"><head><title>x</title></head>'


def plenary_like(n: int = 50) -> tuple[bytes, set[str]]:
    """An export in the shape of the Plenary app's: raw <a href="..."> markup inside the
    description attributes, before or after the xmlUrl, some with more markup inside."""
    lines = [HEAD, "<body>"]
    urls = set()
    for i in range(n):
        url = f"https://site{i}.example/feed?format=rss&amp;page={i}"
        urls.add(url.replace("&amp;", "&"))
        desc = (
            f'News from <a href="https://site{i}.example/">site {i}</a>, '
            f'<b>bold</b> and <a href="https://x.example/?a=1&amp;b=2"><img src="y.png"/></a>'
        )
        if i % 3 == 0:
            attrs = f'text="Site {i}" xmlUrl="{url}" description="{desc}" type="rss"'
        elif i % 3 == 1:
            attrs = f'text="Site {i}" description="{desc}" xmlUrl="{url}" type="rss"'
        else:
            attrs = f'text="Site {i}" type="rss" xmlUrl="{url}" htmlUrl="https://site{i}.example/"'
        lines.append(f"  <outline {attrs}/>")
    lines.append("</body></opml>")
    return "\n".join(lines).encode(), urls


def test_markup_inside_attributes_every_outline_is_imported(store: Store, tmp_path: Path) -> None:
    data, urls = plenary_like(50)
    path = tmp_path / "plenary.opml"
    path.write_bytes(data)
    result = import_opml(store, path)
    assert {f.url for f in result.added} == urls
    assert len(result.added) == 50 and result.skipped == []
    # Two outlines of three carry markup; the third kind was well-formed.
    assert result.problem.startswith("it is not well-formed XML (line ")
    assert result.repaired == 34 and result.unreadable == 0
    assert "34 outlines repaired" in result.recovery_note()
    titles = {f.title for f in result.added}
    assert titles == {f"Site {i}" for i in range(50)}
    site = store.feed_by_url("https://site2.example/feed?format=rss&page=2")
    assert site is not None and site.site_url == "https://site2.example/"


def test_a_well_formed_file_is_read_strictly() -> None:
    data, _ = plenary_like(3)
    good = data.replace(b"<a href", b"&lt;a href").replace(b"<b>", b"").replace(b"</b>", b"")
    good = good.replace(b'"https://site0.example/">', b"&quot;https://site0.example/&quot;>")
    found = read_opml_leniently(
        (HEAD + '<body><outline text="A" xmlUrl="https://a.example/f"/></body></opml>').encode()
    )
    assert not found.recovered and found.repaired == 0
    assert [f.url for f in found.feeds] == ["https://a.example/f"]


def test_bare_ampersands_keep_urls_whole() -> None:
    doc = HEAD + (
        '<body><outline text="Tom & Jerry &nbsp;&copy; 2026" xmlUrl="https://a.example/f?x=1&y=2"/>'
        '<outline text="AT&T" xmlUrl="https://b.example/rss?a=&b"/></body></opml>'
    )
    found = read_opml_leniently(doc.encode())
    assert found.recovered and found.entities == 6  # 4 bare "&", &nbsp; and &copy;
    got = [(f.url, f.title) for f in found.feeds]
    assert got == [
        ("https://a.example/f?x=1&y=2", "Tom & Jerry © 2026"),
        ("https://b.example/rss?a=&b", "AT&T"),
    ]


def test_raw_less_than_and_quotes_in_titles() -> None:
    doc = HEAD + (
        '<body><outline text="a < b > c" xmlUrl="https://a.example/f"/>'
        '<outline text="He said "hi" there" xmlUrl="https://b.example/f"/>'
        "<outline text='single \"quoted\" <i>x</i>' xmlUrl='https://c.example/f'/></body></opml>"
    )
    found = read_opml_leniently(doc.encode())
    assert [(f.url, f.title) for f in found.feeds] == [
        ("https://a.example/f", "a < b > c"),
        ("https://b.example/f", 'He said "hi" there'),
        ("https://c.example/f", 'single "quoted" <i>x</i>'),
    ]
    assert found.repaired == 3


@pytest.mark.parametrize("cut", ["mid-url", "mid-tag", "after-tag", "mid-folder"])
def test_truncated_files(cut: str) -> None:
    full = HEAD + (
        '<body><outline text="News">'
        '<outline text="A" xmlUrl="https://a.example/feed"/>'
        '<outline text="B" xmlUrl="https://b.example/feed"/>'
        '<outline text="C" xmlUrl="https://c.example/feed.xml"/>'
        "</outline></body></opml>"
    )
    end = {
        "mid-url": full.index("feed.xml") + 2,
        "mid-tag": full.index("feed.xml") + len('feed.xml"'),
        "after-tag": full.index("feed.xml") + len('feed.xml"/>'),
        "mid-folder": full.index("</outline></body>") + 5,
    }[cut]
    found = read_opml_leniently(full[:end].encode())
    assert found.recovered
    urls = [f.url for f in found.feeds]
    if cut in ("mid-url", "mid-tag"):
        # The last outline is cut off: its URL may be cut short, so it is not imported.
        assert urls == ["https://a.example/feed", "https://b.example/feed"]
        assert found.unreadable == 1
    else:
        assert urls == [
            "https://a.example/feed",
            "https://b.example/feed",
            "https://c.example/feed.xml",
        ]
        assert found.unreadable == 0
    assert {f.folder for f in found.feeds} == {"News"}


def test_wrong_encoding_declared() -> None:
    # Declared UTF-8, written in Latin-1 (not UTF-8 at all).
    latin = (
        HEAD + '<body><outline text="Café Ünïcode" xmlUrl="https://a.example/f"/></body></opml>'
    ).encode("latin-1")
    found = read_opml_leniently(latin)
    assert found.recovered and found.encoding == "Windows-1252"
    assert [f.title for f in found.feeds] == ["Café Ünïcode"]
    # UTF-8 but for one title pasted in from a Latin-1 source: each read as what it is.
    mixed = (
        (
            HEAD + '<body><outline text="It’s “news”" xmlUrl="https://a.example/f"/>'
            '<outline text="ZÜRICH" xmlUrl="https://d.example/f"/></body></opml>'
        )
        .encode()
        .replace("ZÜRICH".encode(), "ZÜRICH".encode("latin-1"))
    )
    found = read_opml_leniently(mixed)
    assert found.recovered and found.encoding == "UTF-8, Windows-1252 for the bytes that are not"
    assert [f.title for f in found.feeds] == ["It’s “news”", "ZÜRICH"]
    # An encoding no one knows, the text in UTF-8.
    bogus = (
        '<?xml version="1.0" encoding="x-no-such-thing"?><opml><body>'
        '<outline text="Ελληνικά" xmlUrl="https://b.example/f"/></body></opml>'
    ).encode()
    found = read_opml_leniently(bogus)
    assert found.recovered and [f.title for f in found.feeds] == ["Ελληνικά"]
    # Declared Latin-1 and broken, the text in UTF-8: read as what it is.
    mislabeled = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml><body>'
        '<outline text="Zürich & more" xmlUrl="https://c.example/f"/></body></opml>'
    ).encode()
    found = read_opml_leniently(mislabeled)
    assert found.encoding == "UTF-8 (it declares ISO-8859-1)"
    assert [f.title for f in found.feeds] == ["Zürich & more"]


def test_utf8_declared_as_latin1_in_a_well_formed_file(store: Store, tmp_path: Path) -> None:
    doc = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml><body>'
        '<outline text="Zürich — Genève" xmlUrl="https://z.example/f"/></body></opml>'
    ).encode()
    path = tmp_path / "mislabeled.opml"
    path.write_bytes(doc)
    result = import_opml(store, path)
    assert [f.title for f in result.added] == ["Zürich — Genève"]
    assert result.recovery_note() == "The file was read as UTF-8 (it declares ISO-8859-1)."
    # A real Latin-1 file keeps its declaration's word.
    latin = doc.decode().replace(" — ", " - ").encode("latin-1")
    feeds, _ = read_opml(latin)
    assert [f.title for f in feeds] == ["Zürich - Genève"]


@pytest.mark.parametrize(
    "prefix",
    [codecs.BOM_UTF8 + b"\n\n", b"   \n", codecs.BOM_UTF8 + codecs.BOM_UTF8],
    ids=["bom-then-blank-lines", "blank-lines", "two-boms"],
)
def test_bom_and_blank_lines_before_the_declaration(prefix: bytes) -> None:
    doc = (
        prefix
        + (HEAD + '<body><outline text="A" xmlUrl="https://a.example/f"/></body></opml>').encode()
    )
    feeds, skipped = read_opml(doc)
    assert [f.url for f in feeds] == ["https://a.example/f"] and skipped == []


def test_utf16_with_broken_markup() -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-16"?><opml><body>'
        '<outline text="Fish & Chips" xmlUrl="https://a.example/f?a=1&b=2"/></body></opml>'
    )
    found = read_opml_leniently(codecs.BOM_UTF16_LE + doc.encode("utf-16-le"))
    assert [(f.url, f.title) for f in found.feeds] == [
        ("https://a.example/f?a=1&b=2", "Fish & Chips")
    ]


def test_nested_and_repeated_bodies() -> None:
    doc = HEAD + (
        '<body><body><outline text="F"><outline text="A" xmlUrl="https://a.example/f"/>'
        "</outline></body></body>"
        '<body><outline text="B" xmlUrl="https://b.example/f"/></body></opml>'
    )
    found = read_opml_leniently(doc.encode())
    assert not found.recovered  # well-formed: the strict reading walks into every body
    assert [(f.url, f.folder) for f in found.feeds] == [
        ("https://a.example/f", "F"),
        ("https://b.example/f", ""),
    ]


def test_html_ish_opml() -> None:
    doc = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>My feeds</title></head>
<BODY>
<p>Exported feeds&nbsp;list<br>
<OUTLINE TEXT="Tech">
  <OUTLINE TEXT=Ars XMLURL=https://ars.example/feed TYPE=rss>
  <OUTLINE TEXT="Blog" XMLURL="https://blog.example/atom.xml" /><br>
</OUTLINE>
<outline text="Loose" xmlUrl="https://loose.example/rss" checked>
</BODY></html>"""
    found = read_opml_leniently(doc)
    assert found.recovered
    got = {(f.url, f.title) for f in found.feeds}
    assert got == {
        ("https://ars.example/feed", "Ars"),
        ("https://blog.example/atom.xml", "Blog"),
        ("https://loose.example/rss", "Loose"),
    }


def test_entity_declarations_stay_refused_when_broken() -> None:
    doc = b"""<?xml version="1.0"?>
<!DOCTYPE opml [ <!ENTITY a "aaaaaaaaaaaaaaaa"> ]>
<opml><body><outline text="&a; & broken <" xmlUrl="https://a.example/f"/></body></opml>"""
    with pytest.raises(OpmlError, match="declares XML entities"):
        read_opml_leniently(doc)
    # Also when the declaration hides after broken markup (the strict check looks before <opml).
    late = HEAD.encode() + b'<body><outline text="x & y" xmlUrl="https://a.example/f"/>'
    late += b'<!DOCTYPE x [<!ENTITY b "bbbbbbbb">]></body></opml>'
    with pytest.raises(OpmlError, match="declares XML entities"):
        read_opml_leniently(late)


def test_external_entities_are_not_read_when_recovering(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "file://{secret}">
<opml><body><outline text="t & u" xmlUrl="https://y.example/feed"/></body></opml>"""
    found = read_opml_leniently(doc.encode())
    assert found.recovered and [f.title for f in found.feeds] == ["t & u"]
    assert "TOP-SECRET" not in repr(found)


def test_a_file_with_nothing_to_recover_is_still_refused() -> None:
    with pytest.raises(OpmlError, match=r"not an OPML file: it is not well-formed XML \(line 1\)"):
        read_opml_leniently(b"<rss><channel><item>broken & unclosed")


def test_other_schemes_are_skipped_when_recovering() -> None:
    doc = HEAD + (
        '<body><outline text="x & y" xmlUrl="javascript:alert(1)"/>'
        '<outline text="ok" xmlUrl="https://a.example/f"/></body></opml>'
    )
    found = read_opml_leniently(doc.encode())
    assert [f.url for f in found.feeds] == ["https://a.example/f"]
    assert found.skipped == [("javascript:alert(1)", "not an http(s) URL")]


def test_corpus_opml_files() -> None:
    """The corpus's OPML files, if it has any, read (strictly or leniently) to feeds."""
    files = [p for p in CORPUS.rglob("*") if p.suffix.lower() in (".opml", ".ompl")]
    if not files:
        pytest.skip("the corpus holds no OPML file")
    for path in files:
        feeds, _ = read_opml(path.read_bytes())
        assert feeds, path


# -- linear time on hostile broken files (see tests/hostile/test_redos.py) ---------------------


def _lenient(data: bytes) -> object:
    try:
        return read_opml_leniently(data)
    except OpmlError as exc:
        return exc


def _broken(unit: bytes) -> object:
    def build(size: int) -> bytes:
        return (
            HEAD.encode()
            + b'<body><outline text="x & y'
            + rep(unit, size)
            + b'" xmlUrl="https://a.example/f"/></body></opml>'
        )

    return build


LENIENT_CASES = [
    Case(f"read_opml_leniently[{unit!r}]", _lenient, _broken(unit), E2E_BUDGET)  # type: ignore[arg-type]
    for unit in (b'"', b'" ', b'"   \n', b'" a', b'">', b'" >x', b"&", b"&a", b"<", b"<a ", b" a=")
] + [
    Case(
        "read_opml_leniently[outline-openers]",
        _lenient,
        lambda size: HEAD.encode() + b"<body>" + rep(b'<outline text="a & b', size),
        E2E_BUDGET,
    ),
    Case(
        "read_opml[many-attributes]",
        _lenient,
        lambda size: (
            HEAD
            + "<body><outline "
            + " ".join(f'a{n}="1"' for n in range(size // 8))
            + ' xmlUrl="https://a.example/f"/></body></opml>'
        ).encode(),
        E2E_BUDGET,
    ),
    Case(
        "read_opml_leniently[many-attributes]",
        _lenient,
        lambda size: HEAD.encode() + b"<body><outline " + rep(b'a="1" & ', size),
        E2E_BUDGET,
    ),
]


@pytest.mark.hostile(category="redos")
@pytest.mark.parametrize("case", LENIENT_CASES, ids=lambda c: c.name)
def test_lenient_reading_is_linear(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#xDFFF;"])
def test_a_reference_to_a_surrogate_loses_a_title_or_skips_an_address(ref: str) -> None:
    doc = HEAD + (
        f'<body><outline text="{ref}" xmlUrl="https://a.example/f"/>'
        f'<outline text="B" xmlUrl="https://b.example/{ref}"/>'
        '<outline text="C" xmlUrl="https://c.example/f"/></body></opml>'
    )
    found = read_opml_leniently(doc.encode())
    assert [(f.url, f.title) for f in found.feeds] == [
        ("https://a.example/f", ""),
        ("https://c.example/f", "C"),
    ]
    assert found.skipped == [("an outline", "its address holds a reference to no character")]


def test_raw_escape_sequences_go_whole_in_a_broken_file() -> None:
    """Raw ESC bytes (not allowed in XML: the lenient reader takes the file) were made spaces
    one control at a time, and '[31m', ']0;pwned' and '[2J' stayed in titles and folders.
    The same written as character references came out clean; so do these now."""
    doc = (
        HEAD + '<body><outline text="Red \x1b[31mFolder\x1b[0m">'
        '<outline text="T1 \x1b]0;pwned\x07osc \x1b[2J" xmlUrl="https://a.example/f"/>'
        "</outline></body></opml>"
    ).encode()
    found = read_opml_leniently(doc)
    assert found.recovered
    [(feed)] = found.feeds
    assert (feed.title, feed.folder) == ("T1 osc", "Red Folder")


def test_an_address_that_cleaning_would_change_is_refused() -> None:
    """Stripping a bidi control or a line break out of an address fetches another one
    ('/\u202eexe.xml' is not '/exe.xml'); a host with a space can exist nowhere."""
    doc = (
        HEAD + "<body>"
        '<outline text="a" xmlUrl="https://example.com/\u202eexe.xml"/>'
        '<outline text="b" xmlUrl="https://example.com/new&#10;line.xml"/>'
        '<outline text="c" xmlUrl="https://exa mple.com/x.xml"/>'
        '<outline text="d" xmlUrl="https://example.com/a b.xml"/>'
        "</body></opml>"
    ).encode()
    feeds, skipped = read_opml(doc)
    assert [f.url for f in feeds] == ["https://example.com/a b.xml"]  # (sent as %20)
    reasons = dict(skipped)
    assert reasons["https://example.com/exe.xml"] == "holds control or invisible characters"
    assert reasons["https://example.com/new line.xml"] == "holds control or invisible characters"
    assert reasons["https://exa mple.com/x.xml"] == "not an http(s) URL"


def test_a_link_outline_is_said_not_dropped() -> None:
    """A directory's entries (type="link" url="...", no xmlUrl) imported nothing and said
    nothing: 'Imported 0 new feeds'. Each is now skipped with its reason."""
    doc = (
        HEAD + "<body>"
        '<outline text="Podcast" type="link" url="http://feeds.example/show.rss"/>'
        '<outline text="Feed" xmlUrl="https://a.example/f"/>'
        "</body></opml>"
    ).encode()
    feeds, skipped = read_opml(doc)
    assert [f.url for f in feeds] == ["https://a.example/f"]
    assert [url for url, _ in skipped] == ["http://feeds.example/show.rss"]
    assert "no xmlUrl" in skipped[0][1]


def test_a_host_in_capitals_is_the_same_feed() -> None:
    """Host names are case-insensitive: "https://NEWS.example/rss" was stored as a second
    feed beside "https://news.example/rss" (the same articles fetched twice). The scheme and
    host are written in lower case; the path, query and login stay as they are."""
    from tui_reader.sanitize import feed_address

    doc = (
        HEAD + "<body>"
        '<outline text="a" xmlUrl="https://news.example/rss"/>'
        '<outline text="b" xmlUrl="HTTPS://NEWS.Example/rss"/>'
        '<outline text="c" xmlUrl="https://U:Pw@NEWS.example/Path/A?Q=B"/>'
        "</body></opml>"
    ).encode()
    feeds, _skipped = read_opml(doc)
    assert [f.url for f in feeds] == [
        "https://news.example/rss",
        "https://news.example/rss",
        "https://U:Pw@news.example/Path/A?Q=B",
    ]
    assert feed_address("feed://EX.org/R") == "https://ex.org/R"
    assert feed_address("Ex.ORG/rss") == "https://ex.org/rss"
    assert feed_address("https://EX.org?x=A#F") == "https://ex.org?x=A#F"


def test_outlines_nested_past_the_parsers_limit_are_refused_as_such() -> None:
    """lxml stops at 256 levels (kept: its guard against hostile files). Such a file was
    'not well-formed XML (line 3)', which it may well be not; now the line says why."""
    doc = (
        HEAD
        + "<body>"
        + '<outline text="f">' * 300
        + '<outline text="a" xmlUrl="https://a.example/f"/>'
        + "</outline>" * 300
        + "</body></opml>"
    ).encode()
    with pytest.raises(OpmlError, match="nests more than 256 levels deep"):
        read_opml_leniently(doc)


def test_a_json_feed_author_given_as_a_name() -> None:
    """The spec's author is an object; some feeds write the name alone. It was dropped."""
    from tui_reader.feeds.parse import parse_feed

    doc = (
        b'{"version": "https://jsonfeed.org/version/1", "title": "T", "author": "Ann Writer",'
        b' "items": [{"id": "1", "content_text": "x"}, {"id": "2", "author": "Bo",'
        b' "content_text": "y"}]}'
    )
    feed = parse_feed(doc, "https://e.example/feed.json")
    assert [e.author for e in feed.entries] == ["Ann Writer", "Bo"]


@pytest.mark.parametrize(
    ("given", "url"),
    [
        # feed: before a whole address, with the slashes some apps add (it became
        # "https://http://host/x", an address no fetch could reach).
        ("feed://http://host.example/x", "http://host.example/x"),
        ("feed://https://Host.example/x", "https://host.example/x"),
        ("feed:http://host.example/x", "http://host.example/x"),
        # Podcast apps' subscribe links (they were refused).
        ("itpc://pods.example/show.xml", "https://pods.example/show.xml"),
        ("pcast://pods.example/show.xml", "https://pods.example/show.xml"),
        ("podcast://pods.example/show.xml", "https://pods.example/show.xml"),
        ("itpc://http://pods.example/show.xml", "http://pods.example/show.xml"),
    ],
)
def test_subscribe_links_name_the_feed_they_hold(given: str, url: str) -> None:
    from tui_reader.sanitize import feed_address

    assert feed_address(given) == url
    doc = f'<opml version="2.0"><body><outline text="S" xmlUrl="{given}"/></body></opml>'
    feeds, skipped = read_opml(doc.encode())
    assert [f.url for f in feeds] == [url] and skipped == []
