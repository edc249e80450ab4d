"""The seed: a scraped article whose first line is the debris ``!-- Google tag (gtag.js) -->``.

Pages and feed items are built from it with the Google tag as a real comment plus its scripts
and as the broken visible text, in the page head, inside the article container and inside a
feed item's full content. The extracted text keeps every paragraph and shows no trace of the
tag.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.extract import document_from_fragment, extract_html, load_document
from tui_reader.models import EntryData
from tui_reader.store import Store

SEED = SEEDS / "000_2ab61aa5318225e2.txt"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="shared seeds not present")

REAL_TAG = """<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST123"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-TEST123');
</script>"""
SCRIPT_CODE = REAL_TAG.split("<script>")[1].split("</script>")[0]
# The tag as a broken page shows it: the seed's own line; the whole tag escaped into text; the
# comment line followed by the script's code printed as text.
BROKEN_FORMS = {
    "seed-line": "!-- Google tag (gtag.js) -->",
    "escaped-tag": html.escape(REAL_TAG),
    "code-as-text": "!-- Google tag (gtag.js) -->\n" + SCRIPT_CODE,
}
TRACES = ("!--", "-->", "Google tag", "gtag", "dataLayer", "googletagmanager", "G-TEST123")


def seed_parts() -> tuple[str, str, list[str]]:
    """(headline, standfirst, body paragraphs) of the seed, its debris line left out."""
    chunks = [c.strip() for c in SEED.read_text(encoding="utf-8").split("\n\n") if c.strip()]
    assert chunks[0].startswith("!-- Google tag")
    headline, standfirst = chunks[1], chunks[2]
    body = [c for c in chunks[3:] if "\n" not in c]  # the date/caption group is one chunk
    assert len(body) >= 10
    return headline, standfirst, body


def page(head_extra: str = "", article_extra: str = "") -> str:
    headline, standfirst, body = seed_parts()
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
{head_extra}
<title>{html.escape(headline)} | Test News</title>
<meta property="og:title" content="{html.escape(headline)}">
<meta property="og:site_name" content="Test News">
</head><body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article class="post">
{article_extra}
<h1>{html.escape(headline)}</h1>
<p class="standfirst">{html.escape(standfirst)}</p>
<time datetime="2022-10-03">October 3, 2022</time>
<figure><img src="/img/soldiers.jpg" alt="Armenian solders in Nagorno-Karabakh">
<figcaption>Armenian solders in Nagorno-Karabakh. IMAGE SOURCE: ARMENIAN DEFENCE MINISTRY
</figcaption></figure>
<div class="entry-content">
{article_extra}
{paragraphs}
</div></article></main>
<footer><p>© 2022 Test News</p></footer></body></html>"""


def assert_clean(doc: Document) -> None:
    headline, standfirst, body = seed_parts()
    shown = "\n".join([doc.title, doc.byline, doc.text, doc.to_markdown()])
    for trace in TRACES:
        assert trace not in shown, f"debris {trace!r} shown"
    position = 0
    for paragraph in [standfirst, *body]:
        paragraph = " ".join(paragraph.split())  # whitespace (the seed's NBSPs) is normalised
        found = doc.text.find(paragraph, position)
        assert found >= 0, f"paragraph lost or out of order: {paragraph[:60]!r}"
        position = found + len(paragraph)
    assert doc.title == headline


@pytest.mark.parametrize("where", ["head", "article", "both"])
@pytest.mark.parametrize("form", ["real-tag", *BROKEN_FORMS])
def test_seed_page_shows_no_trace_of_the_tag(where: str, form: str) -> None:
    tag = REAL_TAG if form == "real-tag" else BROKEN_FORMS[form]
    in_head = tag if where in ("head", "both") else ""
    in_article = tag if where in ("article", "both") else ""
    doc = extract_html(page(in_head, in_article).encode(), "https://news.example/armenia")
    assert_clean(doc)


@pytest.mark.parametrize("form", ["real-tag", *BROKEN_FORMS])
def test_seed_feed_content_shows_no_trace_of_the_tag(form: str) -> None:
    headline, standfirst, body = seed_parts()
    tag = REAL_TAG if form == "real-tag" else BROKEN_FORMS[form]
    content = (
        tag
        + f"\n<p>{html.escape(standfirst)}</p>\n"
        + "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    )
    assert_clean(document_from_fragment(content, title=headline))
    # The same with the tag in a paragraph of its own, as feed generators wrap stray text.
    wrapped = content.replace(tag, f"<p>{tag}</p>", 1)
    assert_clean(document_from_fragment(wrapped, title=headline))


def test_seed_as_plain_text_feed_content() -> None:
    """The seed exactly as scraped (plain text, the debris on its first line)."""
    headline, _, body = seed_parts()
    doc = document_from_fragment(SEED.read_text(encoding="utf-8"), title=headline)
    shown = doc.text + doc.to_markdown()
    for trace in TRACES:
        assert trace not in shown
    blocks = [b.text for b in doc.blocks]
    for paragraph in body:
        assert " ".join(paragraph.split()) in blocks  # each its own paragraph


def test_seed_feed_item_through_the_store(store: Store, tmp_path: Path) -> None:
    """A feed item whose full content carries the broken tag: what the reader shows."""
    headline, standfirst, body = seed_parts()
    content = (
        BROKEN_FORMS["code-as-text"]
        + f"<p>{html.escape(standfirst)}</p>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in body)
    )
    feed, _ = store.add_feed("https://news.example/feed.xml", title="Test News")
    store.upsert_entries(
        feed,
        [
            EntryData(
                guid="armenia", url="https://news.example/armenia", title=headline, content=content
            )
        ],
    )
    article = store.list_articles()[0]
    doc = load_document(store, article.id, Config())  # no network: the content is whole
    assert_clean(doc)
    assert store.get_body(article.id).doc_source == "feed"
