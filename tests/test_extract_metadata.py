"""Page metadata as the reader shows it (title, byline, site name): what sites put in their
meta tags and JSON-LD, read the way Readability and trafilatura read it."""

from __future__ import annotations

import json

import pytest

from tests.httpserver import TestServer
from tui_reader.extract import extract_html
from tui_reader.extract.metadata import Metadata, extract_metadata
from tui_reader.extract.parse import parse_html

PROSE = "".join(
    f"<p>Paragraph {n}: the council said the bridge repairs would take until spring, and that"
    f" the ferry would run every {n + 10} minutes meanwhile, from the old pier.</p>"
    for n in range(8)
)


def _meta(head: str) -> Metadata:
    return extract_metadata(parse_html(f"<html><head>{head}</head><body></body></html>"), "", "")


def _ld(**fields: object) -> str:
    return (
        "<script type='application/ld+json'>"
        + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields})
        + "</script>"
    )


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # JSON is not HTML: a WordPress site's JSON-LD holds its titles HTML-escaped.
        (
            _ld(headline="Budget Traveler&#8217;s Guide &#8211; Part 2"),
            "Budget Traveler’s Guide – Part 2",
        ),
        (_ld(headline="M&#038;A Roundup", name="M&amp;A Roundup"), "M&A Roundup"),
        # An attribute is decoded once by the HTML parser; escaped twice, once more here.
        ("<meta property='og:title' content='The Adult&amp;#39;s Guide'>", "The Adult's Guide"),
        ("<meta name='twitter:title' content='R&amp;amp;D &amp;reg;'>", "R&D ®"),
        # A <title> is text already decoded: an entity's spelling in it is the title's own.
        ("<title>Write &amp;lt; for &lt;</title>", "Write &lt; for <"),
    ],
)
def test_character_references_left_in_titles_are_decoded_once(head: str, title: str) -> None:
    assert _meta(head).title == title


def test_names_are_decoded_and_urls_are_not() -> None:
    meta = _meta(
        _ld(author={"@type": "Person", "name": "Maria &amp; Katerina"})
        + "<meta property='og:site_name' content='Caf&amp;eacute; News'>"
        + "<meta property='og:image' content='https://img.example/a.jpg?w=1&amp;copy=2'>"
    )
    assert meta.byline == "Maria & Katerina"
    assert meta.site_name == "Café News"
    assert meta.lead_image == "https://img.example/a.jpg?w=1&copy=2"  # no "©=2"
    assert _meta("<meta name='author' content='Tom &amp;amp; Jerry'>").byline == "Tom & Jerry"


def test_a_decoded_reference_is_cleaned_like_any_text() -> None:
    meta = _meta(_ld(headline="Breaking&#27;]0;owned&#7; news&#x9b;31m now"))
    assert "\x1b" not in meta.title and "\x07" not in meta.title and "\x9b" not in meta.title
    assert meta.title.startswith("Breaking") and meta.title.endswith("now")


def test_a_declared_article_shown_as_text_has_its_references_decoded() -> None:
    body = "\n".join(
        f"Paragraph {n}: the council&rsquo;s engineers said &ldquo;spring&rdquo; &amp; the"
        f" ferry would run every {n + 10} minutes meanwhile, from the old pier."
        for n in range(8)
    )
    page = (
        f"<html><head>{_ld(articleBody=body)}</head><body>"
        "<div id='root'><p>Loading the article, one moment please.</p></div></body></html>"
    )
    text = extract_html(page).text
    assert "council’s engineers said “spring” & the ferry" in text
    assert "&rsquo;" not in text and "&amp;" not in text


@pytest.mark.parametrize(
    "page_title",
    [
        "Site :: How the harbour was rebuilt",
        "How the harbour was rebuilt \u2022 Site",
        "How the harbour was rebuilt \u00ab Site",
        "How the harbour was rebuilt ~ Site",
        "How the harbour was rebuilt | Site",
    ],
)
def test_the_sites_name_is_taken_off_the_page_title(page_title: str) -> None:
    head = f"<title>{page_title}</title>"
    page = f"<html><head>{head}</head><body><article>{PROSE}</article></body></html>"
    assert extract_html(page).title == "How the harbour was rebuilt"


@pytest.mark.parametrize(
    ("box", "byline"),
    [
        # Its parts are boxes of their own: their words do not run together.
        ("<span>By</span><a href='/a/summer'>Summer Swann</a>", "Summer Swann"),
        ("<a>Reyan Perumal</a><span>Published</span>", "Reyan Perumal"),
        ("<b>Written By:</b><a>Cazzy Magennis</a><i>Last Updated</i>", "Cazzy Magennis"),
        ("<span>Author</span> <a>Isaiah Shelton</a>", "Isaiah Shelton"),
        # A reading time is no name.
        ("<a>Oleg Parashchak</a> <span>7 min</span>", "Oleg Parashchak"),
        ("<a>ServiceTitan</a> <span>10 Min Read</span>", "ServiceTitan"),
        ("<span>Jon Foster - Updated</span>", "Jon Foster"),
        # A tag inside a word is no gap.
        ("<a><b>J</b>ane D<i>oe</i></a>", "Jane Doe"),
    ],
)
def test_a_byline_box_reads_as_a_name(box: str, byline: str) -> None:
    page = f"<html><body><article><div class='byline'>{box}</div>{PROSE}</article></body></html>"
    assert extract_html(page).byline == byline


@pytest.mark.parametrize("box", ["5 min read", "undefined", "Written By", "null"])
def test_a_byline_box_without_a_name_gives_none(box: str) -> None:
    page = f"<html><body><article><div class='byline'>{box}</div>{PROSE}</article></body></html>"
    assert extract_html(page).byline == ""


def test_a_pages_first_time_element_dates_it_unless_it_dates_a_list_item() -> None:
    dated = "<p class='meta'>Posted <time datetime='2024-03-05T10:30:00Z'>5 March</time></p>"
    page = f"<html><body><article><h1>Bridge</h1>{dated}{PROSE}</article></body></html>"
    assert extract_html(page).published == "2024-03-05T10:30:00+00:00"
    items = "".join(
        f"<li><a href='/{n}'>Story {n}</a> <time datetime='2024-03-0{n}'>{n} March</time></li>"
        for n in range(1, 6)
    )
    page = f"<html><body><article>{PROSE}<ul>{items}</ul></article></body></html>"
    assert extract_html(page).published == ""


def test_an_articles_own_post_meta_list_and_microdata_date_it() -> None:
    """Forms measured on pages no rule was tuned on (modern-pages, both halves: +2 right dates
    each, none wrong; Mercury's fixtures: lemonde.fr, sicnoticias.pt): an article's "post
    meta" list ("Published on <time>"), microdata's datePublished on an element other than
    <time>, Open Graph's og:article:published_time. A listing's dated items still date
    nothing (the test above)."""
    og_article = "<meta property='og:type' content='article'>"
    meta_list = (
        "<ul class='meta'><li>Published on <time datetime='2025-12-19'>19 Dec</time></li></ul>"
    )
    body = f"<body><article><h1>B</h1>{meta_list}{PROSE}</article></body>"
    page = f"<html><head>{og_article}</head>{body}</html>"
    assert extract_html(page).published == "2025-12-19"
    micro = (
        "<p class='stamp' itemprop='datePublished' datetime='2020-05-09T08:19:00Z'>09.05.2020</p>"
    )
    page = f"<html><body><article><h1>B</h1>{micro}{PROSE}</article></body></html>"
    assert extract_html(page).published == "2020-05-09T08:19:00+00:00"
    og = "<meta property='og:article:published_time' content='2019-05-07T11:59:43+00:00'>"
    page = f"<html><head>{og}</head><body><article>{PROSE}</article></body></html>"
    assert extract_html(page).published == "2019-05-07T11:59:43+00:00"


# -- the date when the metadata gives none (extract/pagedate.py: htmldate's reading) ----------


def _undated(body: str, head: str = "") -> str:
    article = f"<article><h1>Bridge</h1>{body}{PROSE}</article>"
    return f"<html><head>{head}</head><body>{article}</body></html>"


@pytest.mark.parametrize(
    ("page", "url", "published"),
    [
        # A date the page prints in a box named for it, in no machine-readable form.
        (_undated("<div class='entry-date'>March 12, 2024</div>"), "", "2024-03-12"),
        (_undated("<p class='byline'>Posted 2023-11-05 by Ana</p>"), "", "2023-11-05"),
        # The date in the page's address, or its canonical address.
        (_undated(""), "https://e.org/news/2022/07/14/bridge.html", "2022-07-14"),
        (_undated("", "<link rel='canonical' href='/2021/02/03/x'>"), "", "2021-02-03"),
    ],
)
def test_a_date_the_page_shows_dates_it_when_its_metadata_gives_none(
    page: str, url: str, published: str
) -> None:
    assert extract_html(page, url).published == published


def test_the_metadata_and_then_the_feeds_date_come_before_a_date_read_from_the_page() -> None:
    url = "https://e.org/news/2022/07/14/bridge.html"
    head = "<meta property='article:published_time' content='2022-07-15T08:00:00Z'>"
    assert extract_html(_undated("", head), url).published == "2022-07-15T08:00:00+00:00"
    feed = "2022-07-16T09:30:00+00:00"
    assert extract_html(_undated(""), url, published=feed).published == feed
    assert extract_html(_undated("", head), url, published=feed).published.startswith("2022-07-15")


@pytest.mark.parametrize(
    "page",
    [
        _undated("<div class='date'>March 12, 2999</div>"),  # after today
        _undated("<div class='date'>Version 2024.99.12</div>"),  # no day
        _undated(""),
    ],
)
def test_no_date_rather_than_an_impossible_one(page: str) -> None:
    assert extract_html(page).published == ""


def test_a_page_that_is_only_an_address_is_never_fetched(server: TestServer) -> None:
    """htmldate fetches a string that looks like an address; it is given a parsed tree."""
    from tui_reader.extract.pagedate import page_date

    url = server.route("/2024/03/12/story", _undated(""), content_type="text/html")
    assert page_date(url) == ""
    assert page_date(url + "\n") == ""
    assert not server.requests


@pytest.mark.parametrize(
    "head",
    [
        "<meta property='article:published_time' content='2999-01-01T00:00:00Z'>",
        _ld(datePublished="2924-05-01"),
        "<meta name='date' content='9999-12-31'>",
    ],
)
def test_a_metadata_date_well_after_today_is_none(head: str) -> None:
    """As in feeds (a template's placeholder, a typo of the year)."""
    assert extract_html(_undated("", head)).published == ""
