"""Nothing hangs: every pattern and loop that sees outside text runs in time linear in it.

Each case runs one function on adversarial inputs of 100 kB and 400 kB (long runs of
whitespace, openers without closers, near-matches, the seed's debris repeated) and asserts
that (a) 100 kB takes at most BUDGET (best of 3 runs, so a busy machine does not fail it) and
(b) 400 kB takes at most 8x the time of 100 kB (a quadratic loop takes 16x, an exponential
pattern never ends). The end-to-end cases go through the public functions (feed parsing with
and without the fast path, page extraction, OPML, JSON Feed, anchoring, export); they get a
larger budget because parsing 100 kB with feedparser or lxml is itself work. Before the fixes
each end-to-end case here took from seconds to forever (see the commit messages).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import SEEDS
from tui_reader import anchor, net, timestamps
from tui_reader import config as reader_config
from tui_reader.cells import cells, fit, pad
from tui_reader.charsets import codec_for_label, header_charset
from tui_reader.document import Block, Document
from tui_reader.export import anninput, mdtext, regions, webannotation
from tui_reader.export import markdown as md_export
from tui_reader.extract import (
    debris,
    document_from_fragment,
    extract_html,
    metadata,
    pointer,
    postclean,
    preclean,
    prune,
)
from tui_reader.extract import parse as extract_parse
from tui_reader.extract import pipeline as extract_pipeline
from tui_reader.extract.dates import strip_dates
from tui_reader.extract.pagedate import page_date
from tui_reader.extract.parse import parse_html
from tui_reader.extract.pointer import refresh_target
from tui_reader.feeds import authors as feed_authors
from tui_reader.feeds import dates as feed_dates
from tui_reader.feeds import discover as discover_module
from tui_reader.feeds import fastxml
from tui_reader.feeds import parse as feed_parse
from tui_reader.feeds.discover import find_feed_anchors, find_feed_links
from tui_reader.feeds.enclosures import shared_pictures
from tui_reader.feeds.opml import read_opml
from tui_reader.feeds.parse import parse_feed
from tui_reader.feeds.text import clean_html, clean_link, clean_title, html_to_text
from tui_reader.feeds.xmlsafe import neutralize
from tui_reader.mdescape import md_escape
from tui_reader.models import Enclosure, EntryData
from tui_reader.sanitize import (
    cap_line,
    clean_line,
    clean_text,
    clean_url,
    control_map,
    feed_address,
    has_scheme,
    normalize_spaces,
    shown,
    url_key,
    url_text,
)
from tui_reader.store import feeds as store_feeds
from tui_reader.store import identity
from tui_reader.store import sync as sync_state
from tui_reader.store.identity import similar_titles
from tui_reader.words import words

pytestmark = pytest.mark.hostile(category="redos")

SMALL = 100_000
LARGE = 400_000
UNIT_BUDGET = 0.2  # seconds per 100 kB for one pattern or helper (generous: CI may be busy)
# Seconds per 100 kB through a whole parser (feedparser, lxml, readability), the debris
# heuristics (dozens of alternatives tried at each "<": linear, ~5 us a character) or the
# Markdown escapes (one regex replacement per special character), dates (a dozen alternatives
# at each digit) and URLs (the standard library's query parser).
E2E_BUDGET = 2.0
GROWTH = 8.0  # 4x the input may take at most 8x the time (quadratic would be 16x)
FLOOR = 0.05  # seconds: the 100 kB time the growth is measured from, at least
GTAG = "!-- Google tag (gtag.js) -->"
EMPTY_GZ = gzip.compress(b"")

Input = str | bytes


def rep(unit: Input, size: int) -> Any:
    return unit * (size // len(unit) + 1)


@dataclass(frozen=True)
class Case:
    name: str
    func: Callable[[Any], object]
    build: Callable[[int], Input]
    budget: float = UNIT_BUDGET


def _best(func: Callable[[Any], object], arg: Input, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        func(arg)
        best = min(best, time.perf_counter() - t)
    return best


def _check(case: Case) -> None:
    small, large = case.build(SMALL), case.build(LARGE)
    assert len(small) >= SMALL and len(large) >= LARGE
    case.func(small)  # warm up (imports, caches)
    # Up to three tries, each the best of 3 runs: on a busy machine one measurement can be
    # several times too slow, while a super-linear function fails every try.
    for _ in range(3):
        t_small = _best(case.func, small)
        t_large = _best(case.func, large) if t_small <= case.budget else float("inf")
        # (Below FLOOR, cache effects on 4x the memory outweigh the algorithm; a quadratic
        # function at FLOOR on 100 kB still takes 16x FLOOR on 400 kB and fails.)
        if t_large <= GROWTH * max(t_small, FLOOR):
            return
    assert t_small <= case.budget, f"{case.name}: {t_small:.3f} s on 100 kB"
    raise AssertionError(
        f"{case.name}: {t_small:.4f} s on 100 kB but {t_large:.4f} s on 400 kB (super-linear)"
    )


# -- builders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Headline:
    guid_hash: str
    link: str


def _match_all(size: str) -> None:
    """A first sync of one feed: len(size) // 20 local articles, half with their own guid and
    half sharing one, each taken by a server headline (its guid's hash, then its link)."""
    import hashlib
    import sqlite3

    n = len(size) // 20
    c = sqlite3.connect(":memory:")
    c.execute("CREATE TABLE articles(id INTEGER PRIMARY KEY, feed_id, guid, url)")
    c.execute("CREATE TABLE sync_articles(article_id)")
    rows = [(i, 1, f"g{i}" if i % 2 else "shared", f"https://h.example/{i}") for i in range(n)]
    c.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
    matcher = sync_state.Matcher()
    for _, _, guid, url in rows:
        digest = hashlib.sha1(guid.encode()).hexdigest()
        found = matcher.take(c, 1, _Headline(digest, url))  # type: ignore[arg-type]
        assert found is not None
    c.close()


OPENERS = ("<!--", "&lt;!--", "!-- ", "<a ", "<script ", "&lt;b&gt;", "</", "<", "-->")
RUNS = (" ", "\n", " \t\r\n", ".", "5")
NEAR = ("<a x", "if (", "\x1b]", "&#0", GTAG + "\n", "< / p", "encoding='x' ")
# Tags whose quoted attribute values never close, or close over other tags (the tag reader
# honours quotes: alt="a > b").
NEAR += ('<a x="', "<p x='", '<a =" <b ', '<br y="z"', "<a x=it's ")
NEAR += ("&lt;a x=&quot;", '<a x="1"y', "](", "[", "*_", "`", "http://a.b/", "www.", "a@b.")
NEAR += ("&#x", "<![CDATA[", "<!--[if ", "feed:")
NEAR += ("\n    \t", "\n_ ")  # indented code, a rule: lines the Markdown escaper defuses
NEAR += ("x<y, y<z, z>w ", '<a x="<b ', "<a x<b ")  # start tags missing their ">"
# Non-ASCII text: other whitespace; block names matched as ASCII, or (with a character Unicode
# folds to a letter of one) as Unicode.
NEAR += ("\u00a0 \u3000\n", '<p x="\u00e9 ', '<d\u0130v x="', "</\u017fection ")
TEXT_INPUTS = OPENERS + RUNS + NEAR


def _text_cases(
    name: str, func: Callable[[str], object], budget: float = UNIT_BUDGET
) -> list[Case]:
    return [
        Case(f"{name}[{unit!r}]", func, lambda size, u=unit: rep(u, size), budget)
        for unit in TEXT_INPUTS
    ]


def _unit_cases(name: str, func: Callable[[Any], object], units: tuple[Any, ...]) -> list[Case]:
    """``func`` on each of ``units`` repeated (near-matches of what it looks for)."""
    return [Case(f"{name}[{unit!r}]", func, lambda size, u=unit: rep(u, size)) for unit in units]


def _html_fragment(text: str) -> Any:
    import lxml.html

    return lxml.html.fragment_fromstring(text)


def _seed_debris(size: int) -> str:
    """The seed page's first lines (debris, then prose) repeated."""
    seeds = sorted(SEEDS.glob("*.txt"))
    head = seeds[0].read_text(encoding="utf-8")[:2000] if seeds else GTAG + "\n\nProse.\n"
    return rep(head, size)


# -- feeds -------------------------------------------------------------------------------------

SQUARESPACE = (
    b'<?xml version="1.0" encoding="UTF-8"?><!--Generated by Squarespace Site Server v5.13'
    b" (http://www.squarespace.com) on Thu, 24 Oct 2024 00:00:00 GMT-->"
    b'<?xml-stylesheet type="text/xsl" href="/static/rss.xsl"?>'
)


def rss(items: bytes, prolog: bytes = b'<?xml version="1.0" encoding="utf-8"?>\n') -> bytes:
    return (
        prolog
        + b'<rss version="2.0"><channel><title>T</title><link>https://example.org/</link>'
        + items
        + b"</channel></rss>"
    )


def item(description: bytes) -> bytes:
    return (
        b"<item><guid>g1</guid><title>t</title><link>https://example.org/1</link>"
        b"<description>" + description + b"</description></item>"
    )


def _parse(data: bytes) -> object:
    try:
        return parse_feed(data, "https://example.org/feed")
    except feed_parse.FeedError as exc:
        return exc


def _parse_slow_path(data: bytes) -> object:
    saved = feed_parse.FAST_PATH
    feed_parse.FAST_PATH = False
    try:
        return _parse(data)
    finally:
        feed_parse.FAST_PATH = saved


FEEDS: dict[str, Callable[[int], bytes]] = {
    "squarespace-200-spaces": lambda size: rss(item(b"x" * size), prolog=SQUARESPACE + b" " * 200),
    "squarespace-spaces": lambda size: rss(item(b"hi"), prolog=SQUARESPACE + b" " * size),
    "mixed-whitespace-prolog": lambda size: rss(
        item(b"hi"), prolog=b'<?xml version="1.0"?>' + rep(b" \t\r\n", size)
    ),
    "prolog-comments-and-pis": lambda size: rss(
        item(b"hi"), prolog=b'<?xml version="1.0"?>' + rep(b"<!--c--> \t\r\n<?pi x?>", size)
    ),
    "prolog-comment-newlines-entities": lambda size: rss(
        item(b"hi"), prolog=b'<?xml version="1.0"?>\n<!--' + rep(b"\n \n<!ENTITY", size) + b"-->"
    ),
    "doctype-unclosed-comments": lambda size: rss(
        item(b"hi"), prolog=b'<?xml version="1.0"?>\n<!DOCTYPE rss [' + rep(b"<!--", size) + b"]>"
    ),
    "first-line-encodings": lambda size: rss(
        item(rep(b"encoding='x' ", size)), prolog=b'<?xml version="1.0" encoding="utf-8"?>'
    ),
    "description-comment-openers": lambda size: rss(item(rep(b"&lt;!--", size))),
    "description-comment-openers-cdata": lambda size: rss(
        item(b"<![CDATA[" + rep(b"<!--", size) + b"]]>")
    ),
    "description-a-openers": lambda size: rss(item(rep(b"&lt;a ", size))),
    "description-a-openers-cdata": lambda size: rss(
        item(b"<![CDATA[" + rep(b"<a ", size) + b"]]>")
    ),
    "description-script-openers": lambda size: rss(
        item(b"<![CDATA[" + rep(b"<script ", size) + b"]]>")
    ),
    # Enclosures: thousands in one item (8 are kept), one with huge attributes, in Atom too.
    "enclosures-many": lambda size: rss(
        b"<item><guid>g1</guid>"
        + rep(b'<enclosure url="https://e.org/a.mp3" type="audio/mpeg" length="12"/>', size)
        + b"</item>"
    ),
    "enclosure-huge-attributes": lambda size: rss(
        b'<item><guid>g1</guid><enclosure url="https://e.org/'
        + rep(b"a", size // 3)
        + b'" type="audio/'
        + rep(b"x;", size // 3)
        + b'" length="'
        + rep(b"9", size // 3)
        + b'"/></item>'
    ),
    "enclosures-atom-links": lambda size: (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        b"<entry><id>e</id>"
        + rep(b'<link rel="enclosure" href="x.mp3" length=" 1"/>', size)
        + b"</entry></feed>"
    ),
    "json-feed-attachments": lambda size: json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {
                    "id": "1",
                    "attachments": [{"url": "https://e.org/a.mp3", "mime_type": "audio/mpeg"}]
                    * (size // 50)
                    + [{"url": rep("h", size), "mime_type": rep("a/", size)}],
                }
            ],
        }
    ).encode(),
    # Dates that are the common forms up to a long tail (fastxml's own date reading).
    "date-long-fraction": lambda size: rss(
        b"<item><guid>g1</guid><pubDate>2009-01-12T11:44:15."
        + rep(b"9", size)
        + b"Q</pubDate><dc:date xmlns:dc='http://purl.org/dc/elements/1.1/'>Mon, 12 Jan 2009 "
        + rep(b"1", size)
        + b"</dc:date></item>"
    ),
    # Authors' addresses (feeds/authors.py): feedparser's own search for one was quadratic in
    # a run of the characters before an "@" (33 s on 100 kB, on both paths).
    "authors-long-addresses": lambda size: rss(
        b"<item><guid>g1</guid><dc:creator xmlns:dc='http://purl.org/dc/elements/1.1/'>Ann"
        b"</dc:creator>"
        + rep(b"<author>" + b"a" * 200 + b"@ (b)</author><author>a.@b.</author>", size)
        + b"<author>"
        + rep(b"a", size)
        + b"@b.</author></item>"
    ),
    "comments-then-stray-htm": lambda size: rep(b"<!-- c -->", size) + b"<htm",
    "comments-newlines-then-stray-htm": lambda size: rep(b"<!-- c --> \n", size) + b"<htm",
    "json-feed-openers": lambda size: json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": rep("<!--", size // 4),
            "items": [
                {
                    "id": "1",
                    "url": "https://example.org/1",
                    "title": rep("&lt;a ", size // 4),
                    "content_html": rep("<!--<script <a ", size // 2),
                }
            ],
        }
    ).encode(),
}

FEED_CASES = [
    Case(f"parse_feed[{k}]", _parse, b, E2E_BUDGET)
    for k, b in FEEDS.items()
    if k != "first-line-encodings"  # (only feedparser reads the first line)
] + [
    Case(f"parse_feed-feedparser[{k}]", _parse_slow_path, b, E2E_BUDGET)
    for k, b in FEEDS.items()
    if not k.startswith(("description-", "json-", "squarespace", "prolog-"))
]


def _opml(size: int) -> bytes:
    return (
        b'<?xml version="1.0"?>'
        + rep(b" \t\r\n", size // 4)
        + b'<!--c--><opml version="2.0"><body><outline text="'
        + rep(b"&lt;!--", size // 4)
        + b'" xmlUrl="https://example.org/feed"/>'
        + rep(b'<outline text="&lt;a " title="x"/>', size // 2)
        + b"</body></opml>"
    )


def _read_opml(data: bytes) -> object:
    try:
        return read_opml(data)
    except ValueError as exc:
        return exc


XML_CASES = [
    Case("read_opml", _read_opml, _opml, E2E_BUDGET),
    Case(
        "charsets.header_charset[charset-openers]",
        header_charset,
        lambda size: rep("charset =  ';", size),
    ),
    Case("charsets.codec_for_label[long]", codec_for_label, lambda size: "utf-8" * (size // 5)),
    Case(
        "htmltext.html_to_text[unended comment and script openers]",
        html_to_text,
        lambda size: rep("<s<sc<!-<!<style<script", size),
    ),
    Case(
        "htmltext.clean_title[html, unended openers]",
        lambda d: clean_title(d, is_html=True),
        lambda size: rep("<scrip<!-<s>x", size),
    ),
    Case(
        "parse_feed[EBCDIC, its declaration's code page]",
        _parse,
        lambda size: (
            "<?xml version='1.0' encoding='ibm500'?><rss version='2.0'><channel>"
            + rep("<item><title>\xd8</title></item>", size)
            + "</channel></rss>"
        ).encode("cp500"),
        E2E_BUDGET,
    ),
    Case(
        "parse_feed[EBCDIC, declaration never ending]",
        _parse,
        lambda size: ("<?xml version='1.0'" + rep(" encoding='", size)).encode("cp037"),
        E2E_BUDGET,
    ),
    Case(
        "parse_feed[legacy, server's charset]",
        lambda d: feed_parse.parse_feed(d, "https://e.org/", "text/xml; charset=windows-1251"),
        lambda size: (
            b'<rss version="2.0"><channel><title>\xcd</title>'
            + rep(b"<item><title>\xcf\xf0\xe8</title></item>", size)
            + b"</channel></rss>"
        ),
        E2E_BUDGET,
    ),
    Case(
        "find_feed_links[link-openers]",
        lambda d: find_feed_links(d, "https://e.org/"),
        lambda size: rep(b"<link rel=alternate ", size),
        E2E_BUDGET,
    ),
    Case(
        "find_feed_links[comment-openers]",
        lambda d: find_feed_links(d, "https://e.org/"),
        lambda size: rep(b"<!--", size),
        E2E_BUDGET,
    ),
    # A page whose links are read for feed addresses (discover.find_feed_anchors).
    *[
        Case(
            f"find_feed_anchors[{unit!r}]",
            lambda d: find_feed_anchors(d, "https://e.org/"),
            lambda size, u=unit: rep(u, size),
            E2E_BUDGET,
        )
        for unit in (b'<a href="/feed/">', b'<a href="x.', b'<a href="?format=rss&', b"<a href=")
    ],
] + [
    Case(f"{name}[{unit!r}]", func, lambda size, u=unit: rep(u, size))
    for unit in (b" ", b"\r\n ", b"<!--", b"<?", b"<!-- c -->", b"<?pi ?>", b"<!DOCTYPE", b"&#x")
    for name, func in (
        ("fastxml._DOCTYPE", fastxml._DOCTYPE.match),
        ("parse._HTML_START", feed_parse._HTML_START.match),
        ("xmlsafe.neutralize", neutralize),
    )
]


# -- pages -------------------------------------------------------------------------------------


def _page(body: str) -> object:
    html = (
        "<html><head><title>T</title></head><body><article><h1>Title</h1><p>"
        + "Some prose words here. " * 40
        + "</p><p>"
        + body
        + "</p><p>"
        + "More prose words follow. " * 40
        + "</p></article></body></html>"
    )
    try:
        return extract_html(html, "https://example.org/a")
    except Exception as exc:  # ExtractionError: what matters here is the time
        return exc


_LONG_LINE = "The committee met on Tuesday to discuss the new budget for the coming year again."


def _copies(size: int, copies: int) -> str:
    count = size // 90 + 1
    period = max(1, count // copies)
    return "</p>" + "".join(f"<p>{n % period} {_LONG_LINE}</p>" for n in range(count)) + "<p>"


PAGE_BODIES: dict[str, Callable[[int], str]] = {
    "comment-openers": lambda size: rep("&lt;!--", size),
    "bare-comment-openers": lambda size: rep("!-- ", size),
    "script-openers": lambda size: rep("&lt;script ", size),
    "escaped-script-openers": lambda size: rep("&amp;lt;script ", size),
    "style-openers": lambda size: rep("&lt;style", size),
    "a-openers": lambda size: rep("&lt;a ", size),
    "b-pairs-unclosed": lambda size: rep("&lt;b&gt;", size),
    "tag-with-many-words": lambda size: "&lt;a x" + rep(" x", size),
    "gtag-debris": lambda size: rep(GTAG.replace(">", "&gt;") + "\n", size),
    "blank-lines": lambda size: "<pre>" + rep("\n", size) + "</pre>",
    # Tags written as text inside <noscript> (weighed without them, extract/preclean.py).
    "noscript-escaped-openers": lambda size: (
        "</p><noscript>" + rep("&lt;img src=x ", size) + "</noscript><p>"
    ),
    "noscript-escaped-tags": lambda size: (
        "</p><noscript>" + rep("&lt;img src=x&gt;", size) + "</noscript><p>"
    ),
    # Pointer notes under a section's heading (extract/preclean.py): notes nested in notes,
    # each after a heading, and a long row of notes after one heading.
    "nested-notes": lambda size: "</p>" + rep("<h2>S</h2><div role=note>See <a href=x>x</a>", size),
    "sibling-notes": lambda size: "</p><h2>S</h2>" + rep("<div role=note>a b</div>", size),
    # Blocks printed again (a second copy of the article goes, extract/postclean.py): one
    # paragraph over and over, two in turn (each a copy of the two before), and runs of
    # paragraphs that each repeat a different earlier one.
    "repeated-paragraph": lambda size: "</p>" + rep(f"<p>{_LONG_LINE}</p>", size) + "<p>",
    "alternating-paragraphs": lambda size: (
        "</p>" + rep(f"<p>{_LONG_LINE}</p><p>{_LONG_LINE[::-1]}</p>", size) + "<p>"
    ),
    # The same numbered paragraphs over and over (postclean.drop_repeated_copies): as many
    # copies at every size, so that both sizes take the same path (with a fixed period, the
    # copies dropped grew with the size and the larger page went on to a second reading).
    "numbered-paragraphs-twice": lambda size: _copies(size, 2),
    "numbered-paragraphs-eight-times": lambda size: _copies(size, 8),
    # Headers, nested and side by side, each looked into for a <nav> (prune's site header).
    "header-openers": lambda size: rep("<header><a href='/'>site</a> ", size),
    "headers-with-navs": lambda size: rep("<div><header>x<nav>m</nav></header></div>", size),
    # Layout tables, nested and side by side: each row's cells are judged (prune's menu
    # columns), and a cell's text holds the tables inside it.
    "layout-tables-nested": lambda size: (
        "<html><body>"
        + rep("<table><tr><td><a href='/m'>menu</a> <a href='/n'>more</a><td>", size // 2)
        + "text"
        + rep("</td></tr></table>", size // 2)
        + "</body></html>"
    ),
    "layout-table-wide-row": lambda size: (
        "<html><body><table><tr>"
        + rep(
            "<td><a href='/a'>l</a><a href='/b'>l</a><a href='/c'>l</a><a href='/d'>l</a>"
            "<a href='/e'>l</a></td><td>a word or two</td>",
            size,
        )
        + "</tr></table></body></html>"
    ),
    "layout-tables-rows": lambda size: (
        "<html><body><table>"
        + rep(
            "<tr><td><a href='/a'>l</a><a href='/b'>l</a><a href='/c'>l</a><a href='/d'>l</a>"
            "<a href='/e'>l</a></td><td>word word word word word word word word</td></tr>",
            size,
        )
        + "</table></body></html>"
    ),
}

PAGE_CASES = [
    Case(f"extract_html[{k}]", _page, lambda s, b=b: b(s), E2E_BUDGET)
    for k, b in PAGE_BODIES.items()
] + [
    Case(
        "document_from_fragment[comment-openers]",
        document_from_fragment,
        lambda s: "<p>" + rep("&lt;!--", s) + "</p>",
        E2E_BUDGET,
    ),
]

# -- helpers that see outside text -------------------------------------------------------------


def _anchor(text: str) -> object:
    mid = len(text) // 2
    sel = anchor.make_selector(text, mid, mid + 40)
    changed = text[:10] + "x" + text[10:]
    return anchor.locate(changed, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, "")


def _anchor_whole(text: str) -> object:
    """Nearly the whole text highlighted, then one word changed in its middle: the quote is
    as long as the text (its edit distance, whole, was quadratic in it)."""
    sel = anchor.make_selector(text, 10, len(text) - 10)
    mid = len(text) // 2
    changed = text[:mid] + "changed" + text[mid + 3 :]
    return anchor.locate(changed, sel.quote, sel.prefix, sel.suffix, None, None, "")


def _regions(text: str) -> object:
    lines = text.splitlines(keepends=True)
    return regions.find_regions(lines), regions.block_ids(text), regions.split_front_matter(text)


def _front_matter(text: str) -> object:
    return regions.split_front_matter("---\n" + text + "\n---\nbody")


_TABLE = control_map()
_OURS = [("article_id", '"x"'), ("title", '"T"'), ("tags", '["a", "b"]'), ("exported", "now")]


def _front_matter_merge(text: str) -> object:
    """A file's front matter and its header marker's record (regions.FIXED_KEYS) hold what
    the user wrote: a long list, a long title, a long record."""
    old = ["tags: [" + text + "]", "title: " + text, *text.splitlines()[:50]]
    record = regions.parse_written(text.replace(" ", ","))
    merged = regions.merge_front_matter(old, _OURS, written=record)
    marker = "<!-- tui-reader:begin header " + text
    return merged, md_export._same_but_time(marker, marker + " fm=" + text)


_DAY_ENDS = ("24:00", "24:00:0", "1:24:00:", "23:59:6")  # (feeds/dates.py end_of_day)
_FEED_NAMES = ("feed.", "a.rss", "&format=rss", "format=")  # (discover's <a href> fallback)

UNIT_CASES: list[Case] = [
    *_text_cases("html_to_text", html_to_text),
    # A page's meta refresh (extract.pointer): the page's head (its first 64 kB, so each case
    # is bounded as well as linear), and a refresh's content value as long as it may be.
    *_unit_cases(
        "pointer.refresh_target",
        lambda b: refresh_target(b, "https://example.org/a"),
        (
            b"<meta",
            b"<meta http-equiv=refresh content='",
            b'<meta http-equiv="refresh" content="0;url=/b">',
            b'<noscript><!--<meta http-equiv="refresh" content="0">',
            b"<meta http-equiv=refresh content=0;url=" + b"x" * 5000 + b">",
        ),
    ),
    *_text_cases("pointer._target", lambda t: pointer._target(t, "https://example.org/a")),
    # A frame's allow attribute, read for a player's needs (extract.preclean._media_links).
    *_text_cases("preclean._PLAYER_ALLOW", preclean._PLAYER_ALLOW.search),
    *_text_cases("clean_title", lambda t: clean_title(t, is_html=True)),
    *_text_cases("clean_link", lambda t: clean_link(t, "https://example.org/")),
    # An edited title against the stored one (store.identity: words shared).
    *_text_cases("identity.similar_titles", lambda t: similar_titles(t, t[::-1])),
    *_text_cases("sanitize.cap_line", cap_line),
    *_text_cases("sanitize.url_text", url_text),
    Case(
        "feeds.parse._BASE_ATTR",
        lambda b: feed_parse._BASE_ATTR.search(b),
        lambda size: rep(b"base" + b" " * 50, size),
    ),
    # fastxml's test for a link its base cannot change: a host, a path, a query, a fragment
    # that each run long and then fail (one character before the end: " " is none of them).
    *_text_cases("fastxml._PLAIN_ABSOLUTE", lambda t: fastxml._PLAIN_ABSOLUTE.fullmatch(t)),
    *(
        Case(
            f"fastxml._PLAIN_ABSOLUTE[{head!r}]",
            lambda t: fastxml._PLAIN_ABSOLUTE.fullmatch(t),
            lambda size, h=head, u=unit: h + rep(u, size) + " x",
        )
        for head, unit in (
            ("http://", "a."),
            ("https://h", "/a"),
            ("http://h/p", "?a"),
            ("http://h/p?q", "#a"),
            ("http://h:8", "0"),
        )
    ),
    *_text_cases("debris.scrub_text", debris.scrub_text, E2E_BUDGET),
    Case("debris.scrub_text[seed]", debris.scrub_text, _seed_debris, E2E_BUDGET),
    # Lines of prose quoting markup (kept whole) between lines of debris (scrubbed in runs).
    *_text_cases("debris.is_prose", debris.is_prose),
    Case(
        "debris.scrub_text[prose and debris lines]",
        debris.scrub_text,
        lambda size: rep('Add <script src="a.js"></script> to a page, as it says.\n<div x="', size),
        E2E_BUDGET,
    ),
    Case(
        "pipeline.scrub_tree[prose blocks]",
        lambda t: extract_pipeline.scrub_tree(_html_fragment(t)),
        lambda size: (
            "<div>"
            + rep(
                "<p>Add &lt;b&gt; to <a href=x>the</a> page, as the docs say.</p><p>&lt;i&gt;<br>x",
                size,
            )
            + "</div>"
        ),
        E2E_BUDGET,
    ),
    *_text_cases("metadata.clean_byline", metadata.clean_byline, E2E_BUDGET),
    *_text_cases("metadata._clean_title", lambda t: metadata._clean_title(t, "Site")),
    *_unit_cases(
        "metadata._clean_title[separators]",
        lambda t: metadata._clean_title(t, "Site"),
        (" :: ", " ::", ": :", " \u2022 x", "a \u2022", " * ~ ", "\u00bb \u00ab "),
    ),
    *_unit_cases(
        "metadata.clean_byline[labels]",
        metadata.clean_byline,
        ("1 min ", "12minutes read ", " last updated", " Updated:", "by by ", "Author:"),
    ),
    Case(
        "preclean._spaced_text",
        lambda n: preclean._spaced_text(parse_html(n)),
        lambda size: rep("<span>a</span>b", size),
        E2E_BUDGET,
    ),
    *_text_cases("strip_dates", strip_dates, E2E_BUDGET),
    *_text_cases("clean_text", clean_text),
    *_unit_cases("clean_text[8-bit CSI]", clean_text, ("\x9b1", "\x9b" + "1" * 40, "\x9b1;")),
    *_text_cases("clean_line", clean_line),
    *_text_cases("normalize_spaces", normalize_spaces),
    *_text_cases("clean_url", lambda t: clean_url("https://example.org/?" + t), E2E_BUDGET),
    *_text_cases("feed_address", feed_address),
    *_text_cases("Document.from_plain_text", Document.from_plain_text, E2E_BUDGET),
    *_text_cases(
        "Document.to_markdown", lambda t: Document.from_plain_text(t).to_markdown(), E2E_BUDGET
    ),
    *_text_cases("mdtext.plain", mdtext.plain, E2E_BUDGET),
    *_text_cases("mdtext.md_inline", mdtext.md_inline, E2E_BUDGET),
    *_text_cases("mdtext.md_quote_line", mdtext.md_quote_line, E2E_BUDGET),
    *_text_cases("md_escape", md_escape, E2E_BUDGET),
    *_text_cases("mdtext.note_markdown", mdtext.note_markdown, E2E_BUDGET),
    *_text_cases(
        "mdtext.fragment_directive", lambda t: mdtext.fragment_directive(t, text=t), E2E_BUDGET
    ),
    *_text_cases("regions", _regions),
    *_text_cases("regions.front_matter", _front_matter),
    *_text_cases("regions.merge_front_matter", _front_matter_merge),
    *_text_cases("cells.fit", lambda t: (fit(t, 40), pad(t, 40), cells(t))),
    # Subdivision flags (sanitize.TAG_FLAG) kept among tag characters that are dropped.
    *_unit_cases(
        "sanitize.clean_text[flags]",
        lambda t: (clean_text(t), shown(t, _TABLE)),
        (
            "\U0001f3f4\U000e0067\U000e0062",
            "\U0001f3f4" + "\U000e0067" * 3 + "\U000e007f",
            "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f x",
        ),
    ),
    *_text_cases("anchor", _anchor, E2E_BUDGET),
    *_text_cases("anchor[a quote as long as the text]", _anchor_whole, E2E_BUDGET),
    # Class and id words against the negative words (extract/prune.py): the look-behinds that
    # keep "overflow-hidden" from counting as "hidden", at every near-match.
    *_text_cases("prune._NEGATIVE", prune._NEGATIVE.search),
    *(
        Case(f"prune._NEGATIVE[{unit!r}]", prune._NEGATIVE.search, lambda s, u=unit: rep(u, s))
        for unit in ("overflow-", "overflow-x-", "overflow-hidden ", "overflow-x-hidde", "hidde")
    ),
    # The head's "Reviewed by <name>" line (extract/postclean.py), near-matches repeated.
    *[
        Case(
            f"postclean._is_checked_by[{unit!r}]",
            postclean._is_checked_by,
            lambda s, u=unit: rep(u, s),
        )
        for unit in ("medically ", "reviewed by", "fact-checked by \t", "expert reviewed ", " ")
    ],
    Case(
        "postclean._is_checked_by[long space run]",
        postclean._is_checked_by,
        lambda s: "Medically reviewed by" + rep(" ", s),
    ),
    # Feed dates feedparser misreads (feeds/dates.py): a Unix time, a zone given by its name.
    *_text_cases("dates.unix_time", feed_dates.unix_time),
    *_text_cases("dates.end_of_day", feed_dates.end_of_day),
    *_unit_cases("dates._END_OF_DAY", feed_dates._END_OF_DAY.search, _DAY_ENDS),
    *_unit_cases("dates._LEAP_SECOND", lambda t: feed_dates._LEAP_SECOND.sub("", t), _DAY_ENDS),
    *_text_cases("dates.zone_named", feed_dates.zone_named),
    *_text_cases("dates.year_first", feed_dates.year_first),
    # (Both read only the first 100 characters; the patterns are searched in longer text.)
    # Start tags of many attributes, found before libxml2 reads them (extract/parse.py).
    *_text_cases("parse._LONG_TAG", lambda t: extract_parse._LONG_TAG.sub("", t)),
    *_unit_cases(
        "parse._LONG_TAG[near]",
        lambda t: extract_parse._LONG_TAG.sub("", t),
        ("<a ", "<a x", "<" + "a" * 70, '<a b="', "<a/ "),
    ),
    *_unit_cases(
        "parse._QUOTED", lambda t: extract_parse._QUOTED.sub("", t), ("\"'", "'\"", '"a', "a'")
    ),
    Case(
        "parse._fewer_attributes[quotes]",
        lambda t: extract_parse._LONG_TAG.sub(extract_parse._fewer_attributes, "<p " + t + ">"),
        lambda size: rep("a=\"x ' y ", size),
    ),
    Case(
        "parse.parse_html[many attributes]",
        parse_html,
        lambda size: "<p " + rep('a="v" ', size) + ">x</p>",
        E2E_BUDGET,
    ),
    # config.toml's keys of many parts, found before tomllib reads them (config.py).
    *_text_cases("config._overlong_key", reader_config._overlong_key),
    *_unit_cases("config._overlong_key[parts]", reader_config._overlong_key, ("a.", "[a.", "a.=")),
    *_text_cases("dates.twelve_hour", feed_dates.twelve_hour),
    *_text_cases("dates.loose", feed_dates.loose),
    *_text_cases("dates._TWELVE_HOUR", feed_dates._TWELVE_HOUR.search),
    *_text_cases("dates._MONTH_FIRST", feed_dates._MONTH_FIRST.match),
    *_text_cases("dates._GMT_OFFSET", feed_dates._GMT_OFFSET.search),
    *_text_cases("dates._DAY_DOT", lambda t: feed_dates._DAY_DOT.sub("", t)),
    *_text_cases("dates._DE", lambda t: feed_dates._DE.sub("", t)),
    *_unit_cases("dates._DE[near]", lambda t: feed_dates._DE.sub("", t), (" de", "  d", "1. ")),
    *_unit_cases(
        "dates._TWELVE_HOUR[near]", feed_dates._TWELVE_HOUR.search, ("1:2", "12:30 ", "1:23 p")
    ),
    *_unit_cases("dates._GMT_OFFSET[near]", feed_dates._GMT_OFFSET.search, ("GMT+", "UTC -1:")),
    *[
        Case(f"dates[{unit!r}]", func, lambda s, u=unit: rep(u, s))
        for unit in (
            "1234567890",
            "Fri, 31 Mar 2023 20:19:00 ",
            "America/",
            "Mon ",
            "12 ",
            "2024/03/12 ",
            "2024.03.12 05:30",
            "12 Mar 2024 05:30 CEST ",
        )
        for func in (feed_dates.unix_time, feed_dates.zone_named, feed_dates.year_first)
    ],
    # A document's own address in an export (webannotation.py): a scheme, then anything.
    *_text_cases("webannotation._document_address", webannotation._document_address),
    Case(
        "webannotation._document_address[a long scheme]",
        webannotation._document_address,
        lambda s: rep("a", s) + ":",
    ),
    # A stored id resolved by an older version (store/identity.py).
    *_text_cases("identity._is_relative", identity._is_relative),
    *_text_cases("sanitize.has_scheme", has_scheme),
    *_text_cases("feeds.feed_key", lambda t: store_feeds.feed_key("https://" + t)),
    *_text_cases("identity._last_segment", identity._last_segment),
    # Relative ids matched to ids an older version stored resolved: by index, never all pairs.
    Case(
        "identity.match_entries[relative ids, stored ids all ending alike]",
        lambda n: identity.match_entries(
            [
                identity.Known(i, f"https://h.example/{i}/x", "", "", None)
                for i in range(len(n) // 50)
            ],
            [EntryData(guid=f"{i}/x", title="t") for i in range(len(n) // 50)]
            + [EntryData(guid=f"/{i}/x", title="t") for i in range(len(n) // 50)],
        ),
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    # One id that every entry and stored row shares, each with its own link (a generator
    # that writes the site's address as every guid): matched by an index, never all pairs.
    Case(
        "identity.match_entries[one id shared by every entry and row]",
        lambda n: identity.match_entries(
            [
                identity.Known(i, "https://h.example/", f"https://h.example/{i}", "", None)
                for i in range(len(n) // 50)
            ],
            [
                EntryData(guid="https://h.example/", url=f"https://h.example/{i}", title="t")
                for i in range(len(n) // 25)
            ],
        ),
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    # One id and one link on every entry and row, each its own story (a podcast's copied
    # guid): matched by (id, title) and (id, date) indexes, never a walk of the rows per entry.
    Case(
        "identity.match_entries[one id and link for every story]",
        lambda n: identity.match_entries(
            [
                identity.Known(i, "ep", "https://show.example/", f"Episode {i}", float(i + 1))
                for i in range(len(n) // 50)
            ],
            [
                EntryData(
                    guid="ep", url="https://show.example/", title=f"New {i}", published=-1.0 - i
                )
                for i in range(len(n) // 50)
            ],
        ),
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    # A first sync matching a feed's many local articles to the server's (store/sync.py):
    # each one taken leaves the indexes in constant time, never by a walk over them.
    Case(
        "sync.Matcher[every local article matched by its link or a shared guid]",
        _match_all,
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    # A passage named by an annotation's address (export/anninput.py): a text fragment's
    # directives, RFC 5147's char=.
    *_text_cases("anninput._fragment_selectors", lambda t: anninput._fragment_selectors("#" + t)),
    *_unit_cases(
        "anninput._fragment_selectors[directives]",
        lambda t: anninput._fragment_selectors("#:~:" + t),
        ("text=a-,", "x&", "char=1,", ",-", "%2"),
    ),
    # An imported note in HTML or plain text read as Markdown (export/anninput.py): each
    # link's address kept after its words, every character literal.
    *_unit_cases(
        "anninput._as_markdown[html]",
        lambda t: anninput._as_markdown(t, "text/html"),
        ('<a href="https://e.org/x">x</a>', "<a href=", "\ue0001\ue001", "<p><a>", "# *"),
    ),
    *_text_cases(
        "anninput._as_markdown[plain]", lambda t: anninput._as_markdown(t, "text/plain"), E2E_BUDGET
    ),
    # An address's key, its percent-escapes compared as RFC 3986 does (sanitize.url_key).
    *_unit_cases(
        "sanitize.url_key[escapes]",
        lambda t: url_key("https://h.example/" + t + "?" + t),
        ("%66", "%2f%", "%%", "%6", "&%41="),
    ),
    # Words compared without their combining marks (words.py).
    *_text_cases("words.words", words),
    *_text_cases("words.words[marks]", lambda t: words(t.replace(" ", "\u102d\u1004\u103a "))),
    # Sentences and CJK text weighed in what was found (extract/pipeline.py).
    *_text_cases("pipeline._weight", extract_pipeline._weight),
    *_text_cases(
        "pipeline._sentences",
        lambda t: extract_pipeline._sentences([Block("paragraph", t)]),
    ),
    # Ids respelled (a site that moved): every entry new, every row left, matched by index.
    Case(
        "identity.match_entries[every id respelled]",
        lambda n: identity.match_entries(
            [
                identity.Known(i, f"http://old.example/p/{i}/", "", f"Post {i}", float(i))
                for i in range(len(n) // 50)
            ],
            [
                EntryData(guid=f"https://new.example/q/{i}", title=f"Post {i}", published=1.0)
                for i in range(len(n) // 50)
            ],
        ),
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    *_text_cases("identity._id_path", identity._id_path),
    *_text_cases("identity._id_path[a path]", lambda t: identity._id_path("/" + t)),
    # Pictures several entries carry (feeds/enclosures.py): one set walk over them all.
    Case(
        "enclosures.shared_pictures[every entry its own and one shared]",
        lambda n: shared_pictures(
            (Enclosure(f"https://p.example/{i}.jpg", "", None), Enclosure("https://p/a", "", None))
            for i in range(len(n) // 20)
        ),
        lambda s: "x" * s,
        E2E_BUDGET,
    ),
    # A feed that ends early (feeds/parse.py): its root's end tag sought near the end.
    *[
        Case(f"parse._ends_early[{unit!r}]", feed_parse._ends_early, lambda s, u=unit: rep(u, s))
        for unit in (
            b"</",
            b"</a:",
            b"</" + b"x" * 50 + b":",
            b"</rss ",
            b"</feed\t",
            b":",
            b"<item>",
            b"</a:entry ",
            b"<" + b"x" * 50 + b":item",
        )
    ],
    # An Atom text construct (feeds/parse.py): what HTML would read otherwise.
    *_text_cases("parse._atom_text", lambda t: feed_parse._atom_text(t, "text/plain")),
    # ISO 8601 dates beyond Python's reader (timestamps.py: ordinal dates, 24:00, leap seconds).
    *[
        Case(f"timestamps.{name}[{unit!r}]", func, lambda s, u=unit: rep(u, s))
        for unit in ("0", "12:", "2024-", ".0", "24:00:60")
        for name, func in (
            ("_ORDINAL", timestamps._ORDINAL.fullmatch),
            ("_CLOCK", timestamps._CLOCK.match),
            ("_ZERO_FRACTION", timestamps._ZERO_FRACTION.match),
            ("parse_iso", timestamps.parse_iso),
        )
    ],
    # htmldate, asked for a page's date when nothing else gives one (extract/pagedate.py): its
    # patterns run over the page's markup and text, and over its address.
    *[
        Case(
            f"page_date[{where}: {unit!r}]",
            page_date,
            lambda s, u=unit, w=wrap: w(rep(u, s)),
            E2E_BUDGET,
        )
        for unit in (
            "2024-03-12 ",
            "2024-03-12T10:",
            "20240312",
            "2024/03/12/",
            "12.03.2024 ",
            "March 12, 2024 ",
            "© 2024 ",
            "1234567890",
            "2024-",
            " - ",
        )
        for where, wrap in (
            ("text", lambda t: "<html><body><p>" + t + "</p></body></html>"),
            ("class", lambda t: '<html><body><div class="date">' + t + "</div></body></html>"),
            ("time", lambda t: '<html><body><time datetime="' + t + '">x</time></body></html>'),
            ("meta", lambda t: '<html><head><meta name="date" content="' + t + '"></head></html>'),
            ("link", lambda t: '<html><head><link rel="canonical" href="/' + t + '"></head>'),
        )
    ],
    Case(
        "page_date[a date in a long address]",
        lambda u: page_date("<html><body><p>x</p></body></html>", u),
        lambda s: "https://e.org/" + rep("2024/03/", s) + "12/post",
        E2E_BUDGET,
    ),
    Case(
        "dates.year_first[a space run before the time]",
        feed_dates.year_first,
        lambda s: "2024/03/12" + rep(" ", s) + "05:30",
    ),
    # A byline's words before its date (extract/metadata.py), near-matches repeated.
    *_unit_cases(
        "metadata._BEFORE_DATE",
        lambda t: metadata._BEFORE_DATE.sub("", t),
        (" in ", " in a on,", " on ,,", " at", "in x " * 3),
    ),
    *_text_cases("parse._author", lambda t: feed_parse._author({"author": t})),
    *_text_cases("authors.text_author_name", feed_authors.text_author_name),
    *_unit_cases(
        "authors.text_author_name",
        feed_authors.text_author_name,
        ("a", "a.", "a@b.", "a+@", "(a@b.cc) "),
    ),
    *_text_cases("parse._JSON_FEED_VERSION", feed_parse._JSON_FEED_VERSION.fullmatch),
    *_unit_cases(
        "parse._HTML_START",
        feed_parse._HTML_START.match,
        (b"<?", b"<?x ", b"<?a?> ", b"<!--<?", b" <?xml?><!---->"),
    ),
    *_text_cases("discover._BODY_TAG", discover_module._BODY_TAG.search),
    *_text_cases("discover._FEED_SEGMENT", discover_module._FEED_SEGMENT.fullmatch),
    *_text_cases("discover._FEED_QUERY", discover_module._FEED_QUERY.search),
    *_unit_cases("discover._FEED_SEGMENT", discover_module._FEED_SEGMENT.fullmatch, _FEED_NAMES),
    *_unit_cases("discover._FEED_QUERY", discover_module._FEED_QUERY.search, _FEED_NAMES),
    # Stored HTML with escape sequences in it (htmltext.clean_html): text runs between tags.
    *_text_cases("htmltext.clean_html", clean_html),
    *[
        Case(f"htmltext.clean_html[{unit!r}]", clean_html, lambda s, u=unit: rep(u, s))
        for unit in ("&#27;<a ", "&#27;&gt;", '\x1b<p x="', "\x1b]0;", "&#27;[3<b>", "<\x1b")
    ],
    # Class names of boxes that are never the article (extract/preclean.py), near-matches.
    *[
        Case(
            f"preclean._FURNITURE[{unit!r}]",
            preclean._FURNITURE.search,
            lambda s, u=unit: rep(u, s),
        )
        for unit in ("related_", "related-", "relatedX ", "author_", "about_the_", "_-")
    ],
    Case(
        "dates.zone_named[a space run before the zone]",
        feed_dates.zone_named,
        lambda s: "Fri, 31 Mar 2023 20:19:00" + rep(" ", s) + "Europe/Brussels",
    ),
]


def _ui_cases() -> list[Case]:
    from tui_reader.htmltext import quick_document
    from tui_reader.models import Article, ArticleBody
    from tui_reader.ui import render, textunits
    from tui_reader.ui.screens import main

    article = Article(id=1, uid="u", feed_id=1, guid="g", url="https://e.org/", title="t")

    def quick(t: str) -> object:
        return quick_document(ArticleBody(content=t[:200_000], summary=""), article)

    def layout(t: str) -> object:
        return render.render_document(Document.from_plain_text(t), 80)

    return [
        *_text_cases("render.wrap", lambda t: render.wrap(t, 80)),
        *_text_cases("render_document", layout, E2E_BUDGET),
        *_text_cases("textunits.split_sentences", textunits.split_sentences),
        *_unit_cases(
            "textunits.split_sentences[full-width stops]",
            textunits.split_sentences,
            ("。", "！」", "好。」", "」。", "？)"),
        ),
        *_text_cases("htmltext.quick_document", quick),
        *_text_cases("main.match_spans", lambda t: main.match_spans(t, "open it")),
    ]


# -- network -----------------------------------------------------------------------------------


def _decode(kind: str, piece: int) -> Callable[[bytes], object]:
    """A body through net's size-capped decoder in ``piece``-byte reads (a server's small
    chunks)."""

    def run(data: bytes) -> object:
        decoder = net._Decoder(kind, 20_000_000)
        for start in range(0, len(data), piece):
            decoder.feed(data[start : start + piece])
        return decoder.size

    return run


NET_CASES = [
    # zlib's header, then empty stored blocks: deflate that gives no output for as long as
    # the server likes (the raw-deflate fallback kept every byte until the first output, by
    # joining bytes: 0.5 s on 400 kB). Four times the size: per read, the decoder's own
    # (linear) work outweighs the copies that grow with the input up to a few hundred kB.
    Case(
        "net._Decoder[deflate without output]",
        _decode("deflate", 16),
        lambda size: b"\x78\x9c" + rep(b"\x00\x00\x00\xff\xff", 4 * size),
    ),
    Case("net._Decoder[empty gzip members]", _decode("gzip", 4096), lambda s: rep(EMPTY_GZ, s)),
]


ALL = FEED_CASES + XML_CASES + PAGE_CASES + UNIT_CASES + NET_CASES


@pytest.mark.parametrize("case", ALL, ids=[c.name for c in ALL])
def test_linear(case: Case) -> None:
    _check(case)


def test_linear_ui() -> None:
    """The UI's own text helpers (imported here: the core tests do not load Textual)."""
    failures = []
    for case in _ui_cases():
        try:
            _check(case)
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, failures
