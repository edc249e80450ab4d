"""Hostile pages: 10,000-deep nesting, 50 MB of HTML (generated here, never committed), pages
without an article. Each ends with a Document or a one-line ExtractionError naming the page,
in bounded memory (measured in a child process: lxml's memory is invisible to tracemalloc)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import FAST, assert_document_clean
from tests.httpserver import Response
from tui_reader.config import Config, RefreshConfig
from tui_reader.extract import ExtractionError, document_from_fragment, extract_html, load_document
from tui_reader.models import EntryData
from tui_reader.store import Store

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="html")

URL = "https://news.example/page"
PARAGRAPH = "<p>" + "The ferry resumed service after the storm passed the harbour. " * 8 + "</p>"

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from tui_reader.extract import ExtractionError, extract_html
    kind = sys.argv[1]
    if kind == "50mb-text":
        page = b"<html><body><article><p>" + b"word " * 10_000_000 + b"</p></article></body></html>"
    elif kind == "50mb-tags":
        page = b"<html><body>" + b"<div><p>x</p></div>" * 2_700_000 + b"</body></html>"
    else:
        page = b"<html><body><article>" + (b"<p>" + b"word " * 200 + b"</p>") * 7_000
        page += b"</article></body></html>"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        doc = extract_html(page, "https://news.example/big")
        outcome = f"document of {len(doc.text)} characters"
    except ExtractionError as exc:
        outcome = str(exc)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"outcome": outcome, "page": len(page), "grew_kb": after - before}))
    """
)


def _measure(kind: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, kind], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("kind", ["50mb-text", "50mb-tags"])
def test_fifty_megabyte_page_is_refused_in_bounded_memory(kind: str) -> None:
    result = _measure(kind)
    assert int(str(result["page"])) > 50_000_000
    assert str(result["outcome"]).startswith(
        "could not extract an article from https://news.example/big: the page is too large ("
    )
    # The page itself, and its decoded text once: never a parsed tree of it.
    assert int(str(result["grew_kb"])) < 250_000


def test_largest_accepted_page_is_extracted_in_bounded_memory() -> None:
    result = _measure("7mb")
    assert str(result["outcome"]).startswith("document of")
    assert int(str(result["grew_kb"])) < 600_000


@pytest.mark.parametrize("closed", [True, False], ids=["closed", "unclosed"])
def test_ten_thousand_levels_of_nesting(closed: bool) -> None:
    opening = "<div><span><b><i>" * 10_000
    closing = "</i></b></span></div>" * 10_000 if closed else ""
    page = f"<html><body>{opening}{PARAGRAPH * 4}{closing}</body></html>"
    for doc in (extract_html(page, URL), document_from_fragment(opening + PARAGRAPH + closing)):
        assert "ferry resumed" in doc.text
        assert_document_clean(doc)


def test_deep_nesting_of_lists_and_quotes() -> None:
    """Block structure 10,000 deep (list items and quotes carry a level): still a Document."""
    nested = "<ul><li>" * 5_000 + "<blockquote>" * 5_000 + PARAGRAPH * 3
    doc = document_from_fragment(nested)
    assert "ferry resumed" in doc.text
    page = f"<html><body><article>{nested}</article></body></html>"
    assert "ferry resumed" in extract_html(page, URL).text


NO_ARTICLE = {
    "empty": "",
    "whitespace": "  \n\t ",
    "scripts-only": "<html><head><script>var a=1</script></head><body><script>x()</script>",
    "comments-only": "<html><body><!-- " + "c " * 10_000 + " --></body></html>",
    "links-only": "<html><body>"
    + "".join(f'<a href="/p{n}">Page {n}</a> ' for n in range(10_000))
    + "</body></html>",
    "images-only": "<html><body>" + '<img src="/a.png" alt="">' * 1_000 + "</body></html>",
    "frameset": '<html><frameset><frame src="/a"><frame src="/b"></frameset></html>',
    "hidden-text": '<html><body><div style="display:none">' + PARAGRAPH * 5 + "</div></body>",
    "binary": "\x00\x01\x02\x03" * 5_000,
}


@pytest.mark.parametrize("name", list(NO_ARTICLE))
def test_pages_without_an_article_are_a_clear_error(name: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract_html(NO_ARTICLE[name].encode(), URL)
    message = str(info.value)
    assert message.startswith(f"could not extract an article from {URL}: ")
    assert "\n" not in message and len(message) < 300


def _article(store: Store, url: str) -> int:
    feed, _ = store.add_feed("https://news.example/feed.xml")
    store.upsert_entries(feed, [EntryData(guid="g", url=url, title="T", summary="")])
    (article,) = store.list_articles(feed_id=feed.id)
    return article.id


def test_opening_a_huge_page_is_a_clear_message(server: TestServer, store: Store) -> None:
    """The fetch stops at max_bytes (20 MB by default) without reading a 50 MB page; the
    article says what happened and where to read it."""
    big = b"<html><body><p>" + b"word " * 10_000_000 + b"</p></body></html>"
    url = server.route("/huge.html", Response(big, content_type="text/html"))
    article_id = _article(store, url)
    with pytest.raises(ExtractionError) as info:
        load_document(store, article_id, Config(refresh=RefreshConfig(timeout=5.0)))
    message = str(info.value)
    assert message == (
        f"could not extract an article from {url}: response larger than 20 MB; open it in a browser"
    )
    assert store.get_body(article_id).doc_error.startswith("could not extract")


def test_opening_a_page_without_an_article(server: TestServer, store: Store) -> None:
    page = "".join(f'<a href="/p{n}">Page {n}</a> ' for n in range(500))
    url = server.route("/menu.html", Response(page, content_type="text/html"))
    article_id = _article(store, url)
    with pytest.raises(ExtractionError, match="no article text found; open it in a browser"):
        load_document(store, article_id, FAST)


def _listing_page(rows: int) -> bytes:
    """A list page laid out as one big table, each row full of divs, links, forms and text (the
    shape of a real book-list page that took 11 s): pruning judged the table again for every
    div inside it, so the time grew with rows x table size."""
    row = (
        "<tr><td class='number'>{i}</td><td><div class='cover'><a href='/b/{i}'>"
        "<img src='/c/{i}.jpg' alt='cover'></a></div></td><td>"
        + "".join(
            f"<div class='meta m{k}'><span>Detail {k} of book {{i}}, with a few words</span>"
            "<a href='/a/{i}'>an author</a></div>"
            for k in range(12)
        )
        + "<ul><li>Want to read</li><li>Reading</li><li>Read</li></ul>"
        "<form><input type='hidden' name='x'><button>Rate</button></form></td></tr>"
    )
    rows_html = "".join(row.format(i=i) for i in range(rows))
    return (
        f"<html><body><article><h1>Best books</h1>{PARAGRAPH * 3}"
        f"<table class='tableList'>{rows_html}</table>{PARAGRAPH * 2}</article></body></html>"
    ).encode()


def _extract_seconds(page: bytes) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        with contextlib.suppress(ExtractionError):
            extract_html(page, URL)
        best = min(best, time.perf_counter() - start)
    return best


def test_a_big_layout_table_is_extracted_in_linear_time() -> None:
    small, large = _listing_page(40), _listing_page(160)
    t_small, t_large = _extract_seconds(small), _extract_seconds(large)
    # Four times the rows: linear work takes about four times as long; the old pruning took
    # over 50 times as long (and minutes at a thousand rows).
    assert t_large <= 10 * max(t_small, 0.02), (t_small, t_large)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ('safe<script type="text/javascript">location.href="/x";</script> then', "safe then"),
        ("safe<style>p { color: red }</style> description", "safe description"),
        ("safe<!--", "safe"),  # a comment that never ends: the rest is in it, as in a browser
        ("<p>one</p><!-- Google tag (gtag.js) <p>two</p>", "one"),
        ("a<script>var x = 1;", "a"),  # so is a script's
        ("caf&eacute; &lt;!-- not markup", "café <!-- not markup"),  # text that says "<!--"
        ("<svg/>after <math></math>all", "after all"),
    ],
)
def test_html_titles_and_text_leave_out_scripts_styles_and_comments(markup: str, text: str) -> None:
    from tui_reader.htmltext import clean_title, html_to_text

    assert clean_title(markup, is_html=True) == text
    assert html_to_text(markup) == text


def test_json_ld_nested_past_the_stack_is_ignored() -> None:
    """A page's JSON-LD (read for its metadata) nested 100,000 deep ended the extraction in
    a RecursionError; it is skipped like any JSON-LD that is not JSON."""
    body = "<p>" + "A sentence of the article that is long enough to keep. " * 40 + "</p>"
    page = (
        '<html><head><script type="application/ld+json">' + "[" * 100_000 + "</script>"
        f"</head><body><article>{body}</article></body></html>"
    )
    assert "A sentence of the article" in extract_html(page.encode(), "https://e.org/a").text
