"""Hostile XML: entity expansion (billion laughs, quadratic blow-up, variants that slip past
feedparser's DOCTYPE filter), external entities and DTDs (local files, the network),
XInclude, impossible character references, backslashes in entity values, and documents
that are paths or URLs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import (
    assert_store_clean,
    item,
    peak_memory,
    refresh_one,
    rss_doc,
    store_contains,
)
from tui_reader.feeds.parse import FeedError, ParsedFeed, parse_feed
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="xml")

MEMORY_BOUND = 50_000_000  # bytes of Python allocations above the baseline, generous


def _laughs(first: str = "lol", *, sep: str = "\n", quote: str = '"', lower: bool = False) -> str:
    """Ten levels of ten references each: 10^9 copies of ``first`` when expanded."""
    entity = "entity" if lower else "ENTITY"
    decls = [f"<!{entity} lol0 {quote}{first}{quote}>"]
    decls += [
        f"<!{entity} lol{i} {quote}" + f"&lol{i - 1};" * 10 + f"{quote}>" for i in range(1, 10)
    ]
    doctype = "doctype" if lower else "DOCTYPE"
    return f"<!{doctype} rss [{sep}" + sep.join(decls) + f"{sep}]>\n"


def _longest_field(parsed: ParsedFeed) -> int:
    fields = [parsed.title, parsed.site_url]
    for e in parsed.entries:
        fields += [e.title, e.author, e.summary, e.content, e.text, e.url, e.guid]
    return max(len(f) for f in fields)


def _parse_bounded(data: bytes) -> ParsedFeed | FeedError:
    """Parse, measuring Python's peak memory; a FeedError is an acceptable outcome."""
    parse_feed(rss_doc(item("warm-up")), "https://example.org/feed")  # imports, caches

    def run() -> ParsedFeed | FeedError:
        try:
            return parse_feed(data, "https://example.org/feed")
        except FeedError as exc:
            return exc

    result, peak = peak_memory(run)
    assert peak < MEMORY_BOUND, f"parsing took {peak / 1e6:.0f} MB"
    return result


LAUGHS = {
    "classic": _laughs(),
    # An entity value holding "<b" ends feedparser's prolog early: the declarations after it
    # escape its filter and reach expat (tens of seconds of CPU before this was fixed).
    "markup-in-value": _laughs("<b>lol</b>"),
    "markup-in-value-one-line": _laughs("<b>lol</b>", sep=""),
    "single-quotes": _laughs(quote="'"),
    "lower-case-keywords": _laughs(lower=True),
    "char-ref-in-value": _laughs("&#60;b>lol"),
}


@pytest.mark.parametrize("name", list(LAUGHS))
def test_billion_laughs_is_not_expanded(name: str) -> None:
    refs = "&lol9;"
    data = rss_doc(
        item("g1", title=refs, description=refs),
        doctype=LAUGHS[name],
        channel=f"<title>{refs}</title>",
    )
    result = _parse_bounded(data)
    if isinstance(result, ParsedFeed):
        assert _longest_field(result) < 1_000
        assert "ignored" in result.warning  # the user is told why the feed looks odd
    else:
        assert "\n" not in str(result)


def test_billion_laughs_in_utf16_is_not_expanded() -> None:
    text = rss_doc(item("g1", description="&lol9;"), doctype=LAUGHS["markup-in-value"]).decode()
    text = text.replace('encoding="utf-8"', 'encoding="utf-16"')
    result = _parse_bounded(text.encode("utf-16"))
    assert isinstance(result, ParsedFeed)
    assert _longest_field(result) < 1_000


def _quadratic() -> bytes:
    """A 35 kB feed: one 10 kB entity referenced 8,000 times (80 MB of text when expanded
    by feedparser's loose parser)."""
    doctype = '<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 10_000 + '">\n]>\n'
    return rss_doc(item("q1", description="&a;" * 8_000), doctype=doctype)


def test_quadratic_blowup_is_neutralised() -> None:
    data = _quadratic()
    assert 30_000 < len(data) < 40_000
    result = _parse_bounded(data)
    assert isinstance(result, ParsedFeed)
    assert _longest_field(result) <= len(data)  # nothing grew
    assert "ignored 1 XML declaration" in result.warning


def test_quadratic_blowup_through_refresh(server: TestServer, store: Store) -> None:
    url = server.route("/quadratic.xml", _quadratic())
    _summary, feed = refresh_one(store, url)
    assert feed.last_status == "ok" and "ignored" in feed.last_error
    longest = store.conn.execute(
        "SELECT MAX(LENGTH(summary) + LENGTH(content) + LENGTH(search_text)) FROM articles"
    ).fetchone()[0]
    assert longest < 100_000


def test_harmless_entities_still_work() -> None:
    """Neutralising is targeted: a character-reference entity, as old RSS 0.91 feeds
    declare, still reads."""
    doctype = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        ' "http://my.netscape.com/publish/formats/rss-0.91.dtd" [\n'
        '<!ENTITY mdash "&#8212;">\n<!ENTITY nbsp "&#160;">\n]>\n'
    )
    parsed = parse_feed(rss_doc(item("g", title="A&mdash;B&nbsp;C"), doctype=doctype), "https://x/")
    assert parsed.entries[0].title == "A\u2014B C" and parsed.warning == ""


@pytest.mark.parametrize("form", ["file-url", "absolute-path", "relative-path"])
def test_external_entity_never_reads_local_files(
    form: str, secret_file: tuple[Path, str], server: TestServer, store: Store
) -> None:
    path, secret = secret_file
    target = {"file-url": path.as_uri(), "absolute-path": str(path), "relative-path": path.name}
    doctype = f'<!DOCTYPE rss [\n<!ENTITY x SYSTEM "{target[form]}">\n]>\n'
    data = rss_doc(
        item("g", title="&x;", description="&x;"), doctype=doctype, channel=("<title>&x;</title>")
    )
    parsed = parse_feed(data, "https://example.org/feed")
    assert secret not in repr(parsed)
    url = server.route("/xxe.xml", data)
    refresh_one(store, url)
    assert store_contains(store.path, secret) == []


def test_external_dtd_and_entities_never_touch_the_network(
    server: TestServer, store: Store
) -> None:
    leak = server.route("/leak.dtd", '<!ENTITY leak "LEAKED">', content_type="text/plain")
    feeds = {
        "/external-dtd.xml": f'<!DOCTYPE rss SYSTEM "{leak}">\n',
        "/external-entity.xml": f'<!DOCTYPE rss [\n<!ENTITY leak SYSTEM "{leak}">\n]>\n',
        "/parameter-entity.xml": f'<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "{leak}">\n%p;\n]>\n',
        "/public-id.xml": f'<!DOCTYPE rss PUBLIC "-//X//Y//EN" "{leak}">\n',
    }
    for path, doctype in feeds.items():
        url = server.route(path, rss_doc(item("g", description="&leak;"), doctype=doctype))
        _summary, feed = refresh_one(store, url)
        assert feed.last_status in ("ok", "error") and "\n" not in feed.last_error
    assert [r.path for r in server.requests if r.path == "/leak.dtd"] == []
    assert store_contains(store.path, "LEAKED") == []


def test_xinclude_is_not_processed(
    secret_file: tuple[Path, str], server: TestServer, store: Store
) -> None:
    path, secret = secret_file
    remote = server.route("/included.txt", "REMOTE-INCLUDED", content_type="text/plain")
    ns = ' xmlns:xi="http://www.w3.org/2001/XInclude"'
    items = item(
        "g",
        title=f'<xi:include href="{path.as_uri()}" parse="text"/>',
        description=f'<xi:include href="{remote}" parse="text"/>',
    )
    url = server.route("/xinclude.xml", rss_doc(items, namespaces=ns))
    refresh_one(store, url)
    assert store_contains(store.path, secret) == []
    assert store_contains(store.path, "REMOTE-INCLUDED") == []
    assert [r.path for r in server.requests if r.path == "/included.txt"] == []


BAD_REFS = ["&#xD800;", "&#55296;", "&#xDFFF;", "&#x110000;", "&#99999999999999999999;", "&#xD800"]


@pytest.mark.parametrize("ref", BAD_REFS)
@pytest.mark.parametrize("loose", [False, True], ids=["well-formed", "broken"])
def test_impossible_character_references(ref: str, loose: bool) -> None:
    """feedparser raised (UnicodeEncodeError, ValueError, OverflowError) instead of
    reporting a broken feed."""
    stray = " & " if loose else ""  # a raw & sends feedparser to its loose parser
    data = rss_doc(
        item("g", title=f"t{ref}", description=f"d{ref}{stray}", link=f"https://e.org/{ref}")
    )
    parsed = parse_feed(data, "https://x/")
    (entry,) = parsed.entries
    assert entry.title.startswith("t") and entry.text.startswith("d")
    assert "\ud800" not in entry.title + entry.text + entry.url


@pytest.mark.parametrize("value", ["a\\x", "\\u12", "\\N", "\\g<0>", "\\1", "\\\\", "\\"])
def test_backslashes_in_entity_values(value: str) -> None:
    """feedparser put entity values into a regex replacement: ``\\x`` raised re.error."""
    doctype = f'<!DOCTYPE rss [\n<!ENTITY a "{value}">\n]>\n'
    result = _parse_bounded(rss_doc(item("g", title="&a;", description="&a;"), doctype=doctype))
    assert isinstance(result, ParsedFeed) and len(result.entries) == 1


def test_hostile_xml_never_escapes_refresh(server: TestServer, store: Store) -> None:
    """Every case above through a real refresh: a per-feed result, never an 'unexpected'
    error, and the store stays clean."""
    docs = {
        "/bad-ref.xml": rss_doc(item("g", description="&#xD800; &#x110000; &")),
        "/backslash.xml": rss_doc(
            item("g", description="&a;"), doctype='<!DOCTYPE rss [\n<!ENTITY a "\\x">\n]>\n'
        ),
        "/laughs.xml": rss_doc(item("g", description="&lol9;"), doctype=LAUGHS["markup-in-value"]),
    }
    for path, data in docs.items():
        _summary, feed = refresh_one(store, server.route(path, data))
        assert feed.last_status == "ok", feed.last_error
        assert "unexpected" not in feed.last_error
    assert_store_clean(store.path)


def test_parse_feed_never_opens_a_path_or_url(
    secret_file: tuple[Path, str], server: TestServer
) -> None:
    """feedparser.parse(str) opens files and URLs; parse_feed always hands it a byte stream,
    so bytes that spell a path or a URL are just a (bad) document."""
    path, secret = secret_file
    probe = server.route("/probe.xml", rss_doc(item("probe")))
    for data in (str(path).encode(), path.as_uri().encode(), probe.encode()):
        with pytest.raises(FeedError) as info:
            parse_feed(data, "https://example.org/")
        assert secret not in str(info.value) and "probe" not in str(info.value)
    assert server.requests == []
