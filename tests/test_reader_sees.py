"""What a reader sees (issue 13), each checked on real documents of the shared corpus: the
seed scrape, ``modern-pages``, Mozilla's ``readability-pages`` and real feeds served on
127.0.0.1. One rule per class of page, each in the one home of its kind of rule."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache

import pytest

from tests import httpserver
from tests.conftest import CORPUS, SEEDS
from tui_reader.anchor import locate, make_selector
from tui_reader.cli import main
from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.extract import extract_html
from tui_reader.extract.pipeline import document_from_fragment
from tui_reader.feeds.parse import parse_feed
from tui_reader.feeds.parse_api import FeedError
from tui_reader.htmltext import clean_title, html_paragraphs, quick_document
from tui_reader.models import Article, ArticleBody
from tui_reader.paths import Paths
from tui_reader.reader import Reader
from tui_reader.sanitize import clean_url
from tui_reader.ui.render import header_for, render_document

MODERN = CORPUS / "modern-pages"
MOZILLA = CORPUS / "readability-pages"
FEEDS = CORPUS / "feeds"
SEED = SEEDS / "000_2ab61aa5318225e2.txt"
needs_corpus = pytest.mark.skipif(not MODERN.is_dir(), reason="shared corpus not present")
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="shared seeds not present")


@cache
def _truth() -> dict[str, dict[str, object]]:
    return dict(json.loads((MODERN / "ground-truth.json").read_text(encoding="utf-8")))


@cache
def modern(page_id: str) -> Document:
    html = gzip.decompress((MODERN / "html" / f"{page_id}.html.gz").read_bytes())
    return extract_html(html, str(_truth()[page_id]["url"]))


@cache
def mozilla(name: str) -> Document:
    return extract_html((MOZILLA / name / "source.html").read_bytes(), "http://fakehost/")


def _lines(doc: Document, width: int = 100) -> list[str]:
    out = []
    for line in render_document(doc, width).lines:
        text = ""
        for run in line.runs:
            text = text.ljust(run.col) + run.text
        out.append(text)
    return out


# --- 1. the dateline, byline and headline at the top ------------------------------------------


@needs_seed
def test_seed_dateline_becomes_published_and_headline_the_title(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["extract", "--format", "json", str(SEED)]) == 0
    got = json.loads(capsys.readouterr().out.splitlines()[0])
    headline = "Armenia Accuses Azerbaijan of War Crimes After POW Executions, Demands Sanctions"
    assert got["published"] == "2022-10-03"
    assert got["title"] == headline
    assert "October 3, 2022" not in got["text"]
    assert headline not in got["text"]  # said once, as the title
    assert got["text"].startswith("Armenian Prime Minister Nikol Pashinyan called")
    assert "Armenia on Sunday accused Azerbaijan" in got["text"]
    assert "IMAGE SOURCE" not in got["text"]  # the credit line of the picture that is gone


@needs_corpus
@pytest.mark.parametrize(
    ("page_id", "line", "published"),
    [
        ("0433", "December 17, 2025", "2025-12-17"),
        ("0026", "Updated on July 9, 2025", "2025-07-09"),
    ],
)
def test_date_line_at_the_top_of_a_page_becomes_its_date(
    page_id: str, line: str, published: str
) -> None:
    """Pages whose metadata has no date print one above the article: it leaves the body and
    becomes the date (an "Updated" one only when it is the only date)."""
    doc = modern(page_id)
    assert doc.published == published
    assert all(b.text != line for b in doc.blocks)


@needs_corpus
@pytest.mark.parametrize("page_id", ["0449", "0351"])
def test_headline_below_a_kicker_is_not_repeated_in_the_body(page_id: str) -> None:
    """The headline sits under a kicker or a dek ("Safety Alert"), in another case
    ("ELECTRICAL SAFETY"): still the headline, said once."""
    doc = modern(page_id)
    title = doc.title.casefold()
    assert not any(b.text.casefold() == title for b in doc.blocks[:6])


@needs_corpus
def test_byline_labels_without_a_name_leave_the_head() -> None:
    doc = modern("0026")
    assert [b.text for b in doc.blocks[:4] if b.text in ("By", "Edited by", "•")] == []


# --- 2. a feed that carries the whole post ----------------------------------------------------


def _serve_feed(server: httpserver.TestServer, name: str) -> tuple[str, list[str]]:
    """A corpus feed served from the test server, its posts' links moved to the server (the
    posts themselves answer 404: a fetch is seen in the server's requests)."""
    data = (FEEDS / name).read_bytes()
    posts = [e.url for e in parse_feed(data, "http://x.example/").entries]
    site = re.match(r"https?://[^/]+", posts[0])
    assert site is not None
    data = data.replace(site.group(0).encode(), server.url("").rstrip("/").encode())
    url = server.route("/feed.xml", data, content_type="application/atom+xml")
    return url, [p.replace(site.group(0), "") for p in posts]


TWO_LINES = re.compile(r"(?:^|>)([^<>\n]{3,60})<br ?/?>\s*([^<>\n]{3,60})<br ?/?>")


def _post_requests(server: httpserver.TestServer, paths: list[str]) -> int:
    return sum(1 for r in server.requests if r.path in paths)


@needs_corpus
def test_feed_with_whole_posts_is_read_without_fetching_and_offline(
    paths: Paths, server: httpserver.TestServer
) -> None:
    """The AWS blog's Atom feed carries each post whole, some of them short (120 words in
    five paragraphs, signed "-- Jeff;"): none is fetched, and with the server gone every one
    opens from the feed with no "could not extract" box."""
    url, posts = _serve_feed(server, "feedjira2009__AmazonWebServicesBlog.xml")
    reader = Reader.open(paths, Config())
    try:
        feed = reader.subscribe(url).feed
        articles = reader.articles(feed_id=feed.id)
        assert len(articles) == 10
        server.stop()
        for article in articles:
            doc = reader.load_document(article.id)
            assert doc.notice == "" and doc.word_count() > 20
            assert reader.store.get_body(article.id).doc_source == "feed"
        assert _post_requests(server, posts) == 0
    finally:
        reader.close()


@needs_corpus
def test_teaser_feed_fetches_the_page_and_says_so_when_it_cannot(
    paths: Paths, server: httpserver.TestServer
) -> None:
    """Eribium's feed cuts its posts at "(more…)": the page is fetched; when that fails, the
    teaser is shown under the notice that it is only the feed's summary."""
    url, posts = _serve_feed(server, "feedjira2009__Eribium.xml")
    reader = Reader.open(paths, Config())
    try:
        feed = reader.subscribe(url).feed
        teasers = [
            a
            for a in reader.articles(feed_id=feed.id)
            if "(more" in reader.store.get_body(a.id).content
        ]
        assert teasers
        doc = reader.load_document(teasers[0].id)
        assert _post_requests(server, posts) == 1  # fetched (and answered 404)
        assert "summary" in doc.notice
    finally:
        reader.close()


# --- 3. <br> in feed text ---------------------------------------------------------------------


@needs_corpus
def test_line_breaks_of_a_feed_entry_are_kept_by_every_conversion() -> None:
    """The first entry of the corpus's feeds with two short lines ended by <br> (a quotation
    set as lines in a list item, in Cory Forsyth's feed): the quick view, the search text
    and the feed's document keep its lines, and the Markdown export keeps them as hard
    breaks."""
    found = None
    for path in sorted(FEEDS.glob("*.xml")):
        try:
            entries = parse_feed(path.read_bytes(), "http://x.example/").entries
        except FeedError:  # the corpus holds broken feeds on purpose
            continue
        for entry in entries:
            m = TWO_LINES.search(entry.content)
            if m and not re.search(r"&\w+;", m.group(0)):
                found = (entry, m.group(1).strip(), m.group(2).strip())
                break
        if found:
            break
    assert found is not None
    entry, first, second = found
    first, second = " ".join(first.split()), " ".join(second.split())
    quick = quick_document(
        ArticleBody(content=entry.content, summary=""),
        Article(id=1, uid="u", feed_id=1, guid="g", url="", title="t"),
    )
    assert any(f"{first}\n{second}" in b.text for b in quick.blocks)
    assert any(f"{first}\n{second}" in p for p in html_paragraphs(entry.content))
    doc = document_from_fragment(entry.content)
    assert f"{first}\n{second}" in doc.text
    md = doc.to_markdown()  # (a list item here: its next line is indented under it)
    assert re.search(re.escape(first) + r"  \n *" + re.escape(second), md)


def test_plain_text_keeps_verse_and_folds_wrapped_prose() -> None:
    verse = "The woods are lovely, dark and deep,\nBut I have promises to keep,"
    wrapped = (
        "The committee met on Tuesday to discuss the new budget for the coming\n"
        "year, and its members agreed that the library would stay open on\nSundays."
    )
    doc = Document.from_plain_text(f"{verse}\n\n{wrapped}")
    assert [b.text for b in doc.blocks] == [verse, " ".join(wrapped.split())]


# --- 4. a block quote of several paragraphs ---------------------------------------------------


@needs_corpus
def test_quote_paragraphs_stay_apart_in_the_pane_and_the_export() -> None:
    """Medium's page quotes two paragraphs in one <blockquote>: two quote blocks, drawn with
    a bar-only line between them, exported as one Markdown quote with a ">" line between."""
    doc = mozilla("medium-3")
    pairs = [
        (a, b)
        for a, b in zip(doc.blocks, doc.blocks[1:], strict=False)
        if a.kind == b.kind == "quote"
    ]
    assert pairs
    first, second = pairs[0]
    lines = _lines(doc)
    end = max(i for i, line in enumerate(lines) if first.text.split()[-1] in line)
    assert lines[end + 1].rstrip() == "│"
    assert second.text.split()[0] in lines[end + 2]
    md = doc.to_markdown()
    assert f"{first.text.split()[-1]}\n>\n> {second.text.split()[0]}" in md


# --- 5. soft hyphens --------------------------------------------------------------------------


@needs_corpus
def test_soft_hyphens_are_removed_from_page_feed_and_title_text() -> None:
    """A page with "Guar&shy;an&shy;tee", a feed whose posts are typeset with U+00AD
    ("key\u00adwords"): the text says "Guarantee" and "keywords", and searches find them."""
    raw = gzip.decompress((MODERN / "html" / "2935.html.gz").read_bytes()).decode()
    assert "Guar&shy;an&shy;tee" in raw
    text = modern("2935").text
    assert "\u00ad" not in text and "30-Day Money-Back Guarantee" in text
    data = (FEEDS / "feedjira2009__LinkBuildingBlog.xml").read_bytes()
    assert "key\u00adwords".encode() in data
    entries = parse_feed(data, "http://x.example/").entries
    typeset = [e for e in entries if "several thousand keywords that include" in e.text]
    assert typeset
    assert "\u00ad" not in typeset[0].content + typeset[0].text
    assert "keywords that include" in document_from_fragment(typeset[0].content).text
    assert clean_title("US \u00adforces") == "US forces"


def test_highlight_made_on_text_with_soft_hyphens_is_found_again() -> None:
    old = "Intro line here.\n\nThey y seem to make little dif\u00adference on any day.\n\nEnd."
    new = old.replace("\u00ad", "")
    quote = "make little dif\u00adference"
    start = old.index(quote)
    s = make_selector(old, start, start + len(quote))
    found = locate(new, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash)
    assert found is not None and new[found[0] : found[1]] == "make little difference"


# --- 6. affiliate and tracking parameters -----------------------------------------------------


@needs_corpus
def test_affiliate_parameters_and_wrappers_leave_the_links() -> None:
    amazon = [link for link in modern("0268").links if "amazon." in link]
    assert amazon and not [link for link in amazon if "tag=" in link]
    md = modern("0268").to_markdown()
    assert "amazon.com/PMP-Exam-Prep-Simplified-Learning/dp/B08SBFTXQT/)" in md
    assert "tag=" not in md
    skim = modern("0039").links
    assert not [link for link in skim if "skimresources" in link]
    assert "https://ampfit.com/" in skim


def test_affiliate_rule_keeps_parameters_that_select_content() -> None:
    assert clean_url("https://blog.example/posts?tag=python") == (
        "https://blog.example/posts?tag=python"
    )
    assert clean_url("https://www.amazon.co.uk/dp/X?tag=a-21&ascsubtag=z&th=1") == (
        "https://www.amazon.co.uk/dp/X?th=1"
    )
    assert clean_url("https://redirect.viglink.com/?key=1&u=https%3A%2F%2Fshop.example%2Fp") == (
        "https://shop.example/p"
    )
    assert clean_url("https://shop.example/p?clickref=x&affid=3&size=m") == (
        "https://shop.example/p?size=m"
    )


# --- 7. byline and site said once -------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("page_id", ["0106", "0027", "0044"])
def test_byline_and_site_name_are_said_once(page_id: str) -> None:
    """USA TODAY · USA TODAY, Cleveland Clinic · Cleveland Clinic, The Investopedia Team ·
    Investopedia: one name, in the pane's header and the Markdown export."""
    doc = modern(page_id)
    meta = header_for(doc).meta
    names = [p.casefold() for p in meta.split(" · ")]
    assert doc.byline.casefold() in names or doc.site_name.casefold() in names
    for line in (meta, doc.to_markdown().split("\n\n")[1].strip("*")):
        words = [w for w in re.findall(r"\w+", line.casefold()) if not w.isdigit()]
        assert words and len(words) == len(set(words))


# --- 8. author boxes, social links and button labels after the article -------------------------


@needs_corpus
@pytest.mark.parametrize(
    ("page_id", "bio"),
    [
        ("0002", "is a content writer at Tastewise"),
        ("0196", "Sarah is a writer, teacher, and mother"),
        ("1546", "is a published author on various HR topics"),
        ("0272", "Craig Hull is a freelance photographer"),
    ],
)
def test_author_bio_after_the_article_leaves_the_body(page_id: str, bio: str) -> None:
    doc = modern(page_id)
    assert bio not in doc.text
    truth = str(_truth()[page_id]["articleBody"])
    last = truth.strip().split("\n")[-1][-40:]
    assert last in doc.text  # the article's own end is kept


@needs_corpus
def test_author_box_goes_whole() -> None:
    """The box under the post: the avatar, the name, the role line and the bio."""
    doc = modern("0196")
    assert "Executive Director at Brilliant Mindfulness" not in doc.text
    assert not [b for b in doc.blocks[-3:] if "gravatar" in b.src]
    assert doc.blocks[-1].text == "Happy practicing!"


@needs_corpus
def test_follow_us_line_after_the_article_leaves_the_body() -> None:
    """AP's "Follow AP on Facebook, X, Instagram, YouTube and TikTok" under a story: every
    link a social account, few words around them. One link in a sentence stays (0094)."""
    doc = modern("0270")
    assert "Follow AP on" not in doc.text
    assert doc.blocks[-1].text.startswith("We have other beginners guides to photography")
    assert modern("0094").blocks[-1].text == ("Take a look at the seven steps of machine learning.")


def test_button_labels_and_repeated_captions_are_no_captions() -> None:
    page = "<p>{}</p>".format("Words of the article, long enough to be kept here. " * 12)
    html = (
        f"<article>{page}<figure><img src='https://x.example/a.jpg'><figcaption>The harbour"
        " at dawn.</figcaption></figure><figure><img src='https://x.example/b.jpg'>"
        "<figcaption>The harbour at dawn.</figcaption></figure><figure><img"
        " src='https://x.example/c.jpg'><figcaption>Enlarge Image</figcaption></figure>"
        f"{page}</article>"
    )
    figures = [b for b in document_from_fragment(html).blocks if b.kind == "figure"]
    assert [(f.src[-5:], f.text) for f in figures] == [
        ("a.jpg", "The harbour at dawn."),
        ("b.jpg", ""),
        ("c.jpg", ""),
    ]


# --- 9. superscripts and subscripts -----------------------------------------------------------


@needs_corpus
def test_superscripts_and_subscripts_stay_legible() -> None:
    """Wikipedia's Hermitian matrix page: "2n<sup>2</sup>-dimensional", "E<sub>jk</sub>"."""
    text = mozilla("wikipedia-3").text
    assert "In the 2n²-dimensional vector space" in text
    assert "subspace of dimension n²." in text
    assert "If Eⱼₖ denotes" in text


def test_superscript_without_unicode_forms_gets_a_caret() -> None:
    doc = document_from_fragment(
        "<p>(a*)n<sup>b</sup> and x<sup>θ, Ω</sup>, H<sub>2</sub>O, costs $19<sup>.99</sup>"
        " on the 1<sup>st</sup>, Brand<sup>®</sup>, note<sup>[1]</sup>.</p>"
    )
    assert doc.text == ("(a*)n^b and x^(θ, Ω), H₂O, costs $19.99 on the 1st, Brand®, note[1].")


def test_plain_text_verse_under_its_headline_keeps_its_lines() -> None:
    from tui_reader.extract.plain import plain_document

    doc = plain_document(
        "Stopping by Woods\n\nBy Robert Frost\n\nWhose woods these are I think I know.\n"
        "His house is in the village though;\n\nHe will not see me stopping here."
    )
    assert (doc.title, doc.byline) == ("Stopping by Woods", "Robert Frost")
    assert doc.blocks[0].text == (
        "Whose woods these are I think I know.\nHis house is in the village though;"
    )


def test_byline_and_date_lines_fill_what_a_fragment_lacks() -> None:
    prose = "<p>" + "The council met again on Tuesday to settle the budget. " * 6 + "</p>"
    doc = document_from_fragment(
        f"<p>By Jane Doe</p><p>Posted March 5, 2024</p>{prose}", title="Budget settled"
    )
    assert (doc.byline, doc.published) == ("Jane Doe", "2024-03-05")
    assert doc.blocks[0].text.startswith("The council met again")


def test_json_feed_text_keeps_its_lines() -> None:
    from tui_reader.feeds.parse import parse_json_feed

    item = {
        "id": "1",
        "url": "https://x.example/1",
        "content_text": "<ada> hello\n<bob> hi there\n\nA second paragraph & more.",
    }
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [item]})
    entry = parse_json_feed(data.encode(), "https://x.example/feed.json").entries[0]
    doc = document_from_fragment(entry.content)
    assert [b.text for b in doc.blocks] == [
        "<ada> hello\n<bob> hi there",
        "A second paragraph & more.",
    ]
