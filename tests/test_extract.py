"""Extraction: structure, links, cleaning before and after, metadata."""

from __future__ import annotations

import pytest

from tui_reader.document import Block, Document
from tui_reader.extract import document_from_fragment, extract_html

URL = "https://news.example/world/2024/story.html"
FILLER = (
    "The council met on Tuesday evening to discuss the proposal, which had been debated for"
    " months by residents, engineers and the regional transport authority."
)


def kinds(doc: Document) -> list[str]:
    return [b.kind for b in doc.blocks]


def block_with(doc: Document, needle: str) -> Block:
    matches = [b for b in doc.blocks if needle in b.text]
    assert matches, f"no block holds {needle!r}: {[b.text for b in doc.blocks]}"
    return matches[0]


def spanned(block: Block, kind: str) -> list[tuple[str, str]]:
    return [(block.text[s.start : s.end], s.href) for s in block.spans if s.kind == kind]


STRUCTURED = """
<h2>Background</h2>
<p>Plain <em>emphasised</em>, <strong>strong</strong> and <code>x = 1</code> text with
   a <a href="/world/other.html?utm_source=feed&amp;id=7&amp;fbclid=abc">relative link</a>,
   a <a href="javascript:alert(1)">script link</a>, a <a href="data:text/html,hi">data link</a>,
   a <a href="file:///etc/passwd">file link</a> and <a href="mailto:desk@news.example">mail</a>.</p>
<ol start="3"><li>third</li><li>fourth<ul><li>nested <b>bold</b></li></ul></li></ol>
<blockquote><p>Quoted words.</p><blockquote><p>Deeper.</p></blockquote></blockquote>
<pre><code>def f():
    return 1
</code></pre>
<figure><img src="/img/a.jpg" alt="alt text"><figcaption>The <em>caption</em>.</figcaption></figure>
<p><img src="data:image/gif;base64,R0lGOD" data-src="/img/lazy.jpg" alt="Lazy"></p>
<img src="/pixel.gif" width="1" height="1" alt="">
<table><thead><tr><th>City</th><th>People</th></tr></thead>
<tbody><tr><td>Oslo</td><td>700,000</td></tr><tr><td>Bergen</td><td>285,000</td></tr></tbody>
</table>
<p>Line one<br>line two</p>
<p>First part<br><br>second part</p>
<p>  </p><p>&nbsp;</p>
"""


def test_structure_of_a_fragment() -> None:
    doc = document_from_fragment(STRUCTURED, url=URL)
    assert kinds(doc) == [
        "heading",
        "paragraph",
        "list_item",
        "list_item",
        "list_item",
        "quote",
        "quote",
        "code",
        "figure",
        "figure",
        "table",
        "paragraph",
        "paragraph",
        "paragraph",
    ]
    heading = doc.blocks[0]
    assert (heading.text, heading.level) == ("Background", 2)

    para = doc.blocks[1]
    assert spanned(para, "em") == [("emphasised", "")]
    assert spanned(para, "strong") == [("strong", "")]
    assert spanned(para, "code") == [("x = 1", "")]
    links = spanned(para, "link")
    # Relative link resolved, tracking parameters gone, other parameters kept.
    assert links == [
        ("relative link", "https://news.example/world/other.html?id=7"),
        ("mail", "mailto:desk@news.example"),
    ]
    for kept_text in ("script link", "data link", "file link"):
        assert kept_text in para.text  # the words stay, the dangerous target does not
    assert "  " not in para.text and "\n" not in para.text

    third, fourth, nested = doc.blocks[2:5]
    assert (third.text, third.ordered, third.number, third.level) == ("third", True, 3, 0)
    assert (fourth.text, fourth.number) == ("fourth", 4)
    assert (nested.text, nested.ordered, nested.level) == ("nested bold", False, 1)
    assert spanned(nested, "strong") == [("bold", "")]

    assert [(b.text, b.level) for b in doc.blocks[5:7]] == [("Quoted words.", 1), ("Deeper.", 2)]
    assert doc.blocks[7].text == "def f():\n    return 1"

    figure, lazy = doc.blocks[8:10]
    assert (figure.text, figure.src) == ("The caption.", "https://news.example/img/a.jpg")
    # An image's alt text stands in for the picture, it is not the article's text (no offsets
    # in Document.text): it is kept beside it, shown as "[image: Lazy]" and exported as
    # ![Lazy](src); a caption (figcaption) is text.
    assert (lazy.text, lazy.src) == ("", "https://news.example/img/lazy.jpg")
    assert (lazy.alt, figure.alt) == ("Lazy", "alt text")
    assert "Lazy" not in doc.text and "alt text" not in doc.text
    assert Document.from_json(doc.to_json()).blocks[9].alt == "Lazy"
    assert "![Lazy](https://news.example/img/lazy.jpg)" in doc.to_markdown()
    assert not any("pixel" in b.src for b in doc.blocks)

    table = doc.blocks[10]
    assert table.rows == (("City", "People"), ("Oslo", "700,000"), ("Bergen", "285,000"))
    assert "Oslo\t700,000" in table.text

    assert doc.blocks[11].text == "Line one\nline two"
    assert [b.text for b in doc.blocks[12:]] == ["First part", "second part"]


def test_offsets_match_the_plain_text() -> None:
    doc = document_from_fragment(STRUCTURED, url=URL)
    for block, (start, end) in zip(doc.blocks, doc.offsets, strict=True):
        assert doc.text[start:end] == block.text
        for span in block.spans:
            assert 0 <= span.start < span.end <= len(block.text)


def test_hostile_text_is_cleaned() -> None:
    doc = document_from_fragment(
        "<p>Safe\x1b[31m red\x1b[0m \u202eevil\u202c text\x07 with \U000e0041tags and"
        " zero\u200bwidth.</p>"
    )
    text = doc.text
    assert text == "Safe red evil text with tags and zerowidth."


def test_markdown_and_plain_renderings() -> None:
    doc = document_from_fragment(STRUCTURED, url=URL, title="A title")
    md = doc.to_markdown()
    assert md.startswith("# A title\n")
    assert "[relative link](https://news.example/world/other.html?id=7)" in md
    assert "javascript:" not in md and "data:text" not in md and "file:" not in md
    assert "3. third\n4. fourth\n   - nested **bold**" in md
    assert "| City | People |" in md
    plain = doc.to_plain()
    assert plain.startswith("A title\n\nBackground\n\n")


def article_page(body: str, head: str = "") -> bytes:
    paragraphs = "\n".join(f"<p>{FILLER} Paragraph {i}.</p>" for i in range(8))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Bridge plan approved | The Example News</title>
<meta property="og:title" content="Bridge plan approved">
<meta property="og:site_name" content="The Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T10:30:00Z">
<meta property="og:image" content="/img/lead.jpg">
<link rel="canonical" href="https://news.example/bridge?utm_campaign=x">
{head}</head><body>
<nav class="menu"><a href="/">Home</a><a href="/world">World</a><a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. <a href="/ok">OK</a></div>
<main><article>
<h1>Bridge plan approved</h1>
<p class="byline">By Jane Doe</p>
<p><time datetime="2024-03-05">Updated 10:30 AM ET, March 5, 2024</time></p>
<div class="share-tools"><a href="https://facebook.com/sharer">Share on Facebook</a>
<a href="https://twitter.com/intent">Tweet</a></div>
{body}
{paragraphs}
<p>Share this article</p>
<div class="newsletter-signup"><h3>Get the morning briefing</h3>
<p>Sign up for our newsletter</p></div>
<p>Tags: bridges, transport, council</p>
<p>Comments are moderated and will appear after approval.</p>
</article></main>
<aside class="sidebar"><h2>Most read</h2><ul><li><a href="/a">Other story one</a></li>
<li><a href="/b">Other story two</a></li></ul></aside>
<footer><p>© 2024 The Example News. All rights reserved.</p></footer>
</body></html>""".encode()


def test_page_metadata_and_boilerplate() -> None:
    doc = extract_html(article_page("<p>The lead paragraph of the story itself.</p>"), URL)
    assert doc.title == "Bridge plan approved"
    assert doc.byline == "Jane Doe"
    assert doc.published == "2024-03-05T10:30:00+00:00"
    assert doc.site_name == "The Example News"
    assert doc.url == "https://news.example/bridge"
    assert doc.lead_image == "https://news.example/img/lead.jpg"
    text = doc.text
    assert text.startswith("The lead paragraph of the story itself.")
    for i in range(8):
        assert f"Paragraph {i}." in text
    for junk in (
        "Bridge plan approved",
        "Jane Doe",
        "10:30",
        "cookies",
        "Share",
        "Tweet",
        "Sign up",
        "Tags:",
        "moderated",
        "Most read",
        "Other story",
        "All rights reserved",
        "Home",
    ):
        assert junk not in text, junk


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/p.jpg" align="right" width="157" alt="A sketch">',
        '<img src="/p.jpg" style="float: left; margin: 4px" width="200" alt="A sketch">',
    ],
)
def test_a_picture_floated_beside_the_text_does_not_split_it(img: str) -> None:
    """trafilatura's schleifen.ucoz.de page: "Eines Tages we<img align=right ...>rde ich..."
    came out as two paragraphs, "...we" and "rde ich...". The text flows around a floated
    picture: the paragraph stays whole, and the picture follows it."""
    doc = document_from_fragment(f"<p>{FILLER} Eines Tages we{img}rde ich es wissen.</p>")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph", f"{FILLER} Eines Tages werde ich es wissen."),
        ("figure", ""),
    ]
    assert doc.blocks[1].alt == "A sketch"


def test_a_picture_in_the_flow_still_ends_the_paragraph() -> None:
    img = '<img src="/p.jpg" width="400" alt="A sketch">'
    doc = document_from_fragment(f"<p>{FILLER} Before.{img}After.</p>")
    assert [b.kind for b in doc.blocks] == ["paragraph", "figure", "paragraph"]


def test_figure_caption_not_repeated() -> None:
    body = (
        '<figure><img src="/img/b.jpg" alt="The bridge at dusk">'
        "<figcaption>The bridge at dusk</figcaption></figure><p>The bridge at dusk</p>"
    )
    doc = document_from_fragment(body + f"<p>{FILLER}</p>")
    assert [b.kind for b in doc.blocks] == ["figure", "paragraph"]
    assert doc.blocks[0].text == "The bridge at dusk"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            "Use the <code>&lt;img&gt;</code> element, or a bare &lt;figure&gt; as here.",
            "Use the <img> element, or a bare <figure> as here.",
        ),
        (
            "The function gtag() is called once per page; see the docs (section 3).",
            "The function gtag() is called once per page; see the docs (section 3).",
        ),
        (
            "Prices rose 3% (year on year); wages did not.",
            "Prices rose 3% (year on year); wages did not.",
        ),
        ("A --&gt; B is how the diagram reads.", "A --> B is how the diagram reads."),
        (
            "Write <code>&lt;b&gt;bold&lt;/b&gt;</code> or <code>&lt;!-- note --&gt;</code>.",
            "Write <b>bold</b> or <!-- note -->.",
        ),
        # Markup and code quoted in a sentence, outside code elements: the writer's text.
        (
            "Add &lt;script src=&quot;app.js&quot;&gt;&lt;/script&gt; to your page, before the"
            " closing body tag, and the app loads after it.",
            'Add <script src="app.js"></script> to your page, before the closing body tag, and'
            " the app loads after it.",
        ),
        (
            "Use the &lt;!--more--&gt; tag to split a post into an excerpt and the rest.",
            "Use the <!--more--> tag to split a post into an excerpt and the rest.",
        ),
        (
            "The &lt;style&gt; element holds CSS like body { color: red } and belongs in the"
            " <a href='https://d.example/head'>head</a> of the document.",
            "The <style> element holds CSS like body { color: red } and belongs in the head of"
            " the document.",
        ),
        (
            "The snippet window.dataLayer = window.dataLayer || []; is how the <em>loader</em>"
            " starts its queue.",
            "The snippet window.dataLayer = window.dataLayer || []; is how the loader starts its"
            " queue.",
        ),
        (
            "Then if (a &lt; b) { return a; } finishes the function early, before the loop.",
            "Then if (a < b) { return a; } finishes the function early, before the loop.",
        ),
    ],
)
def test_prose_about_code_is_kept(html: str, text: str) -> None:
    assert document_from_fragment(f"<p>{html}</p>").text == text


def test_code_blocks_are_never_scrubbed() -> None:
    snippet = (
        "window.dataLayer = window.dataLayer || [];\nfunction gtag(){dataLayer.push(arguments);}"
    )
    doc = document_from_fragment(f"<p>Install it like this:</p><pre>{snippet}</pre>")
    assert doc.blocks[-1].kind == "code"
    assert doc.blocks[-1].text == snippet


@pytest.mark.parametrize(
    "debris",
    [
        "!-- Begin Mailchimp Signup Form -->",
        "&lt;!-- .entry-content --&gt;",
        "-->",
        "&lt;/div&gt;&lt;/div&gt;",
        '&lt;div class="ad-slot" data-id="7"&gt;',
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":"x"}',
        "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);",
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime()});})",
        ".article-body { margin: 0 auto; font-size: 18px; }",
        "&lt;param /&gt; &lt;param /&gt;&lt;/object&gt;",
        "&lt;p&gt;&lt;b&gt;&lt;/b&gt;&lt;/p&gt;",
        # Attributes as broken markup writes them: no space after a quoted value, an
        # attribute that starts with "&", a tag whose ">" was left out before the next one.
        '&lt;img alt=""id="x" src="y.png" /&gt;',
        '&lt;a href="https://d.example/?a=1"&amp;target="_blank"&gt;',
        '&lt;a href="https://x.example/"&lt;img src="y.png"&gt;',
    ],
)
def test_debris_is_removed_wherever_it_is(debris: str) -> None:
    # As a paragraph of its own, and as loose text before the first paragraph.
    for fragment in (f"<p>{debris}</p><p>{FILLER}</p>", f"{debris}<p>{FILLER}</p>"):
        doc = document_from_fragment(fragment)
        assert doc.text == FILLER, (debris, doc.text)


@pytest.mark.parametrize("klass", ["sidebar-area", "promo-box", "comment-thread"])
def test_fallback_when_readability_finds_nothing(klass: str) -> None:
    """The article sits in a container whose class marks it as furniture: readability ends up
    with nothing; the density fallback still finds the prose."""
    paragraphs = "".join(f"<p>{FILLER} ({i})</p>" for i in range(8))
    page = (
        "<html><body><div class='menu'><a href='/'>Home</a></div>"
        f"<div class='{klass}'><div class='inner'>{paragraphs}</div></div>"
        "<div class='main'><p>Short bit.</p></div></body></html>"
    )
    doc = extract_html(page, URL)
    assert [b.text for b in doc.blocks] == [f"{FILLER} ({i})" for i in range(8)]


def test_feed_footers_are_dropped() -> None:
    fragment = (
        f"<p>{FILLER}</p><p><a href='https://blog.example/p'>Continue reading →</a></p>"
        "<p>The post <a href='https://blog.example/p'>Bridge plan</a> appeared first on"
        " <a href='https://blog.example'>Example Blog</a>.</p><div class='sharedaddy'>"
        "<h3>Share this:</h3><ul><li><a href='https://x.example/share'>Twitter</a></li></ul></div>"
    )
    assert document_from_fragment(fragment).text == FILLER


def test_head_cleaning_keeps_real_first_paragraphs() -> None:
    fragment = (
        "<h1>Bridge plan approved</h1><p>By Jane Doe</p><p>Updated 10:30 AM ET, March 5, 2024</p>"
        "<p>On March 5, 2024, the council met.</p><p>By then the plan had changed.</p>"
        f"<p>{FILLER}</p>"
    )
    doc = document_from_fragment(fragment, title="Bridge plan approved", byline="Jane Doe")
    assert [b.text for b in doc.blocks] == [
        "On March 5, 2024, the council met.",
        "By then the plan had changed.",
        FILLER,
    ]


def test_json_ld_metadata() -> None:
    ld = """{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Example Wiki"},
      {"@type": "NewsArticle", "name": "Ferries run again", "headline": "A list article",
       "author": [{"@type": "Person", "name": "Ann Writer"}, {"name": "Bo Reporter"}],
       "datePublished": "2024-05-01", "image": {"url": "https://cdn.example/f.jpg"},
       "publisher": {"@type": "Organization", "name": "Coast News"}}]}"""
    page = (
        f"<html><head><title>Ferries run again - Example</title>"
        f"<script type='application/ld+json'>{ld}</script></head>"
        f"<body><article>{''.join(f'<p>{FILLER}</p>' for _ in range(5))}</article></body></html>"
    )
    doc = extract_html(page, URL)
    assert doc.title == "Ferries run again"  # the name matches the page, the headline does not
    assert doc.byline == "Ann Writer, Bo Reporter"
    assert doc.published == "2024-05-01"
    assert doc.site_name == "Coast News"
    assert doc.lead_image == "https://cdn.example/f.jpg"
    assert doc.url == URL


@pytest.mark.parametrize(
    ("markup", "byline"),
    [
        ('<div class="byline">By Jane Doe March 5, 2024 10:30 AM</div>', "Jane Doe"),
        ('<span class="author-name">Par Sébastien Farcis</span>', "Sébastien Farcis"),
        ('<div class="user-author-links">Sign In | Sign Up | Subscribe</div>', ""),
        ('<div class="dateline">Updated April 29, 2019 at 3:33 pm</div>', ""),
        # What led to the date goes with it: "in News on" was left of gothamist's byline.
        (
            '<div class="byline">By Nathan Tempey in News on Nov 3, 2016 3:15 pm</div>',
            "Nathan Tempey",
        ),
        ('<p class="byline">Posted by Jane Doe on March 3, 2024</p>', "Jane Doe"),
        ('<p class="byline">By Jane Doe in Berlin</p>', "Jane Doe in Berlin"),
    ],
)
def test_byline_found_in_the_page(markup: str, byline: str) -> None:
    """Short author/byline/dateline elements leave the body; only names become the byline."""
    page = (
        "<html><head><title>Ferries</title></head><body><article>"
        f"{markup}{''.join(f'<p>{FILLER}</p>' for _ in range(5))}</article></body></html>"
    )
    doc = extract_html(page, URL)
    assert doc.byline == byline
    assert doc.text == "\n\n".join([FILLER] * 5)


def test_authority_is_not_an_author() -> None:
    page = (
        "<html><head><title>Ferries</title></head><body><article>"
        f"{''.join(f'<p>{FILLER}</p>' for _ in range(5))}"
        '<div class="authority-control">Authority control: national libraries</div>'
        "</article></body></html>"
    )
    assert extract_html(page, URL).byline == ""


@pytest.mark.parametrize(
    "line",
    [
        "Read more: <a href='https://news.example/other'>Council votes on the tunnel</a>",
        "<strong>Related:</strong> <a href='https://news.example/r'>Ferries return</a>",
        "Photograph: Jane Doe/Reuters",
        "(AP Photo/Evan Vucci)",
        "Story continues below advertisement",
        "ADVERTISEMENT",
        "View this post on Instagram",
        "4 min read",
        "Share this:",
        "Comments are closed.",
    ],
)
def test_boilerplate_lines_go(line: str) -> None:
    doc = document_from_fragment(f"<p>{FILLER}</p><p>{line}</p><p>{FILLER}</p>")
    assert [b.text for b in doc.blocks] == [FILLER, FILLER]


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the history of the bridge in the council's own archive, which is open.",
        "Photographs taken that night show the bridge lit up in the colours of the city.",
        "AP reported that the bridge would stay closed until Monday.",
        "Related work by the same engineers is described in the <a href='https://x.example'>"
        "report</a>, along with the costs and the timetable for the repairs.",
    ],
)
def test_prose_like_boilerplate_stays(line: str) -> None:
    doc = document_from_fragment(f"<p>{FILLER}</p><p>{line}</p>")
    assert len(doc.blocks) == 2


@pytest.mark.parametrize(
    "cloud",
    [
        "<h3>Tags</h3><ul><li><a href='/t/b'>bridges</a></li><li><a href='/t/t'>transport</a>"
        "</li><li><a href='/t/c'>city council</a></li></ul>",
        "<p><a href='/t/b'>Bridges</a>, <a href='/t/t'>Transport</a>,"
        " <a href='/t/c'>Council</a></p>",
    ],
)
def test_trailing_tag_cloud_goes(cloud: str) -> None:
    doc = document_from_fragment(f"<p>{FILLER}</p>{cloud}", url=URL)
    assert doc.text == FILLER


def test_a_real_closing_list_stays() -> None:
    items = "".join(f"<li>Step {i}: check the cables</li>" for i in range(4))
    doc = document_from_fragment(f"<p>{FILLER}</p><ul>{items}</ul>")
    assert len(doc.blocks) == 5


@pytest.mark.parametrize(
    "related", ["ce_relatedArticles", "relatedPosts", "related_stories", "authorBio", "readNext"]
)
def test_furniture_named_in_camel_case_or_with_underscores_goes(related: str) -> None:
    """Class names are written "related-posts", "relatedPosts" or "related_posts" alike: a
    box of teasers under the article (trafilatura's simplyscience.ch page) stayed in it."""
    teasers = "".join(
        f"<div class='ce_text'><p>Teaser {i}: what the elements of nature are made of, and how"
        f" chemists tell them apart in the laboratory.</p><a href='/t{i}'>weiter</a></div>"
        for i in range(3)
    )
    _only_the_post_is_kept(f"<div class='{related}'><h3>Similar</h3>{teasers}</div>")


@pytest.mark.parametrize("label", ["Category:", "Categories:", "Tags:", "Filed under"])
def test_a_category_line_goes(label: str) -> None:
    """A post's "Category: <links>" line (trafilatura's womencantalksports.com page: only the
    plural "Categories:" went)."""
    _only_the_post_is_kept(
        f"<h2>{label} <a href='/c/blog'>Blog</a> <a href='/c/popular'>Popular</a></h2>"
    )


def _only_the_post_is_kept(after: str) -> None:
    """A post of six paragraphs with ``after`` below them in its box: only the six are kept."""
    body = "".join(f"<p>{FILLER} ({i})</p>" for i in range(6))
    page = (
        "<html><head><title>Bridge</title></head><body><article><div class='entry'>"
        f"{body}{after}</div></article></body></html>"
    )
    doc = extract_html(page, URL)
    assert [b.text for b in doc.blocks] == [f"{FILLER} ({i})" for i in range(6)]


def test_author_bio_and_read_next_boxes_go() -> None:
    _only_the_post_is_kept(
        "<div class='author-bio'><p>Jane Doe is a reporter who has covered transport"
        " for the paper since 2009 and writes the weekly commuting column.</p>"
        "<p>Her book on bridges came out last year.</p></div>"
        "<section class='read-next'><h3>Read next</h3><p><a href='/x'>The tunnel plan is"
        " back on the table after years of delay</a></p></section>"
    )


def _table_layout(menu: str, text: str) -> str:
    """A page laid out in a table, as the old web made them (and many still serve): a banner
    row, then the site's menu in one cell and the text in the next."""
    return (
        "<html><head><title>The Mill</title></head><body><table><tr><td colspan=2>"
        "<img src='/logo.gif' alt=''> Joe's pages</td></tr><tr><td valign='top'>"
        f"{menu}</td><td valign='top'><font size=4><b>A mill on the river</b></font><br><br>"
        f"{text}</td></tr></table></body></html>"
    )


_ESSAY = "".join(f"{FILLER} ({i})<br><br>" for i in range(5))
_MENU = "".join(f"<a href='/e{i}'>Another essay, number {i}</a><br>" for i in range(20))


def test_a_table_layouts_menu_column_is_not_the_article() -> None:
    """The menu cell beside the text went along with it when readability chose their row
    (Readability.js judges tables, lists and boxes, never a cell): 20 links opened the
    article. A cell of links beside a cell with more text goes."""
    doc = extract_html(_table_layout(_MENU + "<p>Updated 1999. Mail me!</p>", _ESSAY), URL)
    assert "Another essay" not in doc.text and "Mail me" not in doc.text
    assert [b.text for b in doc.blocks][-5:] == [f"{FILLER} ({i})" for i in range(5)]


def test_a_table_layouts_text_with_many_links_stays() -> None:
    """The cell holding the most text stays, however many links it has (a list of links is
    what some posts are), and so does a short cell of a few links beside it."""
    roundup = "".join(
        f"<a href='/l{i}'>A long and interesting link about the mill, number {i}</a> and why it"
        " matters.<br><br>"
        for i in range(10)
    )
    doc = extract_html(
        _table_layout("<a href='/'>Home</a> <a href='/about'>About</a>", roundup), URL
    )
    assert "number 9" in doc.text and "number 0" in doc.text


_SITE = (
    "<header><a href='/'>Example News</a></header>"
    "<nav><a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
)


def test_a_short_posts_page_does_not_open_with_the_sites_header() -> None:
    """A short post: nothing on the page stands out, the body is chosen, and the site's name
    in its <header> opened the text ("Example News", then the post)."""
    page = (
        f"<html><head><title>Note</title></head><body>{_SITE}<main><h1>Short note</h1>"
        "<p>Back next week, with the council's budget.</p></main>"
        "<footer>© Example News</footer></body></html>"
    )
    assert (
        extract_html(page, URL).text == "Short note\n\nBack next week, with the council's budget."
    )


def test_a_header_holding_the_menu_goes_an_articles_own_header_stays() -> None:
    page = (
        "<html><head><title>T</title></head><body><div class='wrap'>"
        "<header><span>Example News</span><nav><a href='/a'>A</a> <a href='/b'>B</a></nav>"
        "</header><article><header><h1>Council approves budget</h1>"
        "<p class='dek'>Seven votes to two, after a long debate about parks.</p></header>"
        "<p>The city council approved the budget on Tuesday.</p></article></div></body></html>"
    )
    text = extract_html(page, URL).text
    assert "Example News" not in text
    assert "Seven votes to two" in text and "approved the budget" in text


def test_a_head_given_as_a_list_leaves_the_text() -> None:
    """A theme's "post meta" list above the text (forward.com's, one of Mercury's fixtures):
    its date and its "by" (the name taken out as the byline) were the article's first lines."""
    page = (
        "<html><head><title>Why Does Slack Say Hummus?</title></head><body><div class='post'>"
        "<h2>The Adorable Reason You Can Set Your Alert Sound to Hummus</h2>"
        "<ul class='post-meta-list'><li><span class='post-date'>December 28, 2016</span></li>"
        "<li><span>by <a href='/author/l' class='author-name'>Laura E. Adkins</a></span></li>"
        f"</ul>{''.join(f'<p>{FILLER}</p>' for _ in range(5))}"
        "<ul><li>A list in the text stays.</li><li>Both of its items.</li></ul></div></body></html>"
    )
    doc = extract_html(page, URL)
    assert doc.byline == "Laura E. Adkins"
    assert doc.published.startswith("2016-12-28")
    assert [b.text for b in doc.blocks if b.kind != "heading"] == [FILLER] * 5 + [
        "A list in the text stays.",
        "Both of its items.",
    ]


# --- forms -----------------------------------------------------------------------------------


def _post_with_form(form: str) -> str:
    return (
        "<html><body><div id='post'>"
        f"<h1>Letters</h1>{''.join(f'<p>{FILLER} {i}</p>' for i in range(6))}"
        f"{form}</div></body></html>"
    )


def test_a_comment_forms_labels_are_no_article_text() -> None:
    """A comment form under a post (trafilatura's schleifen.ucoz.de page: "Vorname *:",
    "Email *:", "Code *:" were read as the end of the letter). Readability.js weighs a form
    by its fields, which must still be there to count: they were removed first."""
    form = (
        "<form method='post' action='/index/'><table>"
        "<tr><td>Vorname *:</td><td><input type='text' name='name'></td></tr>"
        "<tr><td>Email *:</td><td><input type='text' name='email'></td></tr>"
        "<tr><td><textarea name='message'></textarea></td></tr>"
        "<tr><td>Code *:</td><td><input type='text' name='code'>"
        "<input type='hidden' name='seckey' value='9013'></td></tr>"
        "<tr><td><input type='submit' value='Hinzufügen'></td></tr>"
        "</table></form>"
    )
    text = extract_html(_post_with_form(form), URL).text
    assert "discuss the proposal" in text
    assert "Vorname" not in text and "Email *:" not in text and "Code *:" not in text


def test_a_form_that_holds_prose_stays() -> None:
    """A form with paragraphs and one field (a quiz, a survey's questions): its text stays,
    as Readability.js keeps it (fields more than a third of the paragraphs)."""
    form = (
        "<form>"
        + "".join(f"<p>Question {i}: {FILLER}</p>" for i in range(3))
        + "<input type='text' name='answer'></form>"
    )
    text = extract_html(_post_with_form(form), URL).text
    assert "Question 2:" in text


def test_a_feed_entry_that_is_only_links_keeps_them() -> None:
    """A link blog's entry whose one link carries its title, an entry that is a list of
    links: cleaning took them for chrome, the document was empty, and the quick view showed
    their words without a link to follow."""
    title = "Expensure - shared expense management (IOU)"
    one = document_from_fragment(
        f'<a href="http://expensure.com/">{title}</a>', title=title, url="http://b.example/p"
    )
    assert [b.text for b in one.blocks] == [title] and one.links == ("http://expensure.com/",)
    listed = document_from_fragment(
        "<p>" + " ".join(f'<a href="http://a.example/{i}">part {i}</a>' for i in range(3)) + "</p>",
        title="Parts",
        url="http://b.example/q",
    )
    assert listed.links == tuple(f"http://a.example/{i}" for i in range(3))
    # An entry with prose keeps its prose alone, as before.
    prose = document_from_fragment(
        "<p>A sentence of the entry, long enough to be read as one.</p>"
        '<p><a href="http://twitter.com/share">Share</a></p>',
        title="T",
        url="http://b.example/r",
    )
    assert [b.text for b in prose.blocks] == [
        "A sentence of the entry, long enough to be read as one."
    ]


def test_the_article_a_page_declares_is_not_taken_for_a_part_of_a_listing() -> None:
    """A short article on a page of long link lists (latest news, related stories, tags) that
    are not marked as navigation: what was found is the text the page declares as its
    article (JSON-LD articleBody), yet the whole page's main text replaced it."""
    from tui_reader.extract.metadata import Metadata
    from tui_reader.extract.parse import parse_html
    from tui_reader.extract.pipeline import _blocks, _not_an_article

    paras = [
        f"Paragraph {i} of the report: rescuers found the fifth victim of the landslide near"
        " the village on Wednesday, the police told reporters at the scene."
        for i in range(5)
    ]
    links = "".join(
        f"<div class='item'><a href='/n/{i}'>Another story, number {i}, about something else"
        f" entirely and at length</a> <span>12:{i:02d}</span></div>"
        for i in range(80)
    )
    article = "".join(f"<p>{p}</p>" for p in paras)
    # (Sentences beside it, outside the article: an error-report box, a cookie notice.)
    notices = "".join(
        f"<p>Notice {i}: select the text with the mistake and press the keys to send it to the"
        " editors, who read every message that readers send them.</p>"
        for i in range(4)
    )
    root = parse_html(
        "<html><body><header><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></header>"
        f"<div class='story'>{article}</div><div class='latest'>{links}</div>"
        f"<div class='more'>{links}</div><div class='typo'>{notices}</div>"
        "<footer>About us</footer></body></html>"
    )
    url = "https://news.example/landslide"
    meta = Metadata(url=url, article_body=" ".join(paras))
    story = next(el for el in root.iter("div") if el.get("class") == "story")
    found = _blocks(story, url, meta)
    assert [b.text for b in _not_an_article(found, root, url, meta)] == paras
    # Not declared: the same text is taken for a part of a listing, as before.
    undeclared = Metadata(url=url)
    assert len(_not_an_article(found, root, url, undeclared)) > len(paras)


def test_an_amp_pages_pictures_are_kept() -> None:
    """AMP writes its pictures as <amp-img> (and <amp-anim>, in an <amp-carousel> too), with
    a <noscript> copy inside: every one was lost, where an <img> is kept."""
    prose = "The harbour authority said the old pier would close for repairs next week. " * 4
    page = (
        "<html amp><head><title>Pier</title></head><body><article><h1>Pier</h1>"
        f"<p>{prose}</p>"
        '<amp-img src="/pier.jpg" alt="The pier" width="800" height="600" layout="responsive">'
        '<noscript><img src="/pier-fallback.jpg"></noscript></amp-img>'
        f"<p>{prose}</p>"
        '<amp-carousel type="slides"><amp-img src="/a.jpg" alt="A"></amp-img>'
        '<amp-anim src="/b.gif" alt="B"></amp-anim></amp-carousel>'
        f"<p>{prose}</p></article></body></html>"
    )
    doc = extract_html(page, "https://news.example.org/pier")
    pictures = [b.src for b in doc.blocks if b.kind == "figure"]
    assert pictures == [
        "https://news.example.org/pier.jpg",
        "https://news.example.org/a.jpg",
        "https://news.example.org/b.gif",
    ]


def test_a_list_of_times_in_the_article_is_kept_and_a_date_above_it_still_goes() -> None:
    """Near the article's top, an item of a list after its first paragraph that starts with
    a time (a podcast's "00:00 Intro", an agenda's "9:00 Doors open") was deleted as the
    page's timestamp. A date above the prose, in a theme's "post meta" list, still goes."""
    prose = "The harbour authority said the old pier would close for repairs next week. " * 4
    page = (
        "<html><head><title>Episode 42</title></head><body><article><h1>Episode 42</h1>"
        "<ul class='post-meta'><li>March 5, 2024</li></ul>"
        f"<p>{prose}</p><h2>Chapters</h2>"
        "<ul><li>00:00 Intro</li><li>9:00 Doors open</li><li>17:40 Interview</li></ul>"
        f"<p>{prose}</p><p>{prose}</p></article></body></html>"
    )
    doc = extract_html(page, "https://news.example.org/ep42")
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items == ["00:00 Intro", "9:00 Doors open", "17:40 Interview"]
    assert "March 5, 2024" not in doc.text and doc.published.startswith("2024-03-05")
