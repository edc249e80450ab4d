"""From HTML to a :class:`~tui_reader.document.Document`: decode, parse, clean, find the
article, convert it block by block, clean the blocks."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from tui_reader.document import Block, Document
from tui_reader.extract.blocks import BLOCK_TAGS, HEADINGS, blocks_from_html
from tui_reader.extract.debris import is_prose, scrub_text
from tui_reader.extract.declared import bounded, coverage, declared_element, usable
from tui_reader.extract.decode import decode_html
from tui_reader.extract.errors import ExtractionError
from tui_reader.extract.fallback import (
    densest_article,
    main_length,
    page_main,
    page_prose,
    whole_page,
)
from tui_reader.extract.metadata import (
    Metadata,
    base_url,
    clean_byline,
    extract_metadata,
    normalize_date,
)
from tui_reader.extract.pagedate import page_date
from tui_reader.extract.parse import parse_html
from tui_reader.extract.plain import plain_blocks, plain_document
from tui_reader.extract.postclean import clean_blocks
from tui_reader.extract.preclean import preclean
from tui_reader.extract.readable import readability_article
from tui_reader.extract.text import clean
from tui_reader.htmltext import decode_entities
from tui_reader.sanitize import clean_line
from tui_reader.timestamps import ahead

MAX_PAGE_CHARS = 8_000_000
_TOO_LITTLE = 500  # characters of article text below which the fallback is tried
_HELD = 0.5  # share of readability's text a wider choice must hold
_DECLARED_FOUND = 0.8  # share of the declared article text below which its element is sought
_DECLARED_BOUND = 0.5  # share of it found above which the blocks are bounded to it
_DECLARED_SHORT = 0.5  # length of the found text, relative to it, below which it is shown
_NOT_ARTICLE_FOUND = 0.4  # share of the page's main text below which what was found is a part
_NOT_ARTICLE_PROSE = 0.3  # share of it in prose paragraphs below which the page is no article
_PROSE_FOUND = (0.8, 1.5)  # what was found, relative to the page's prose, when it is that prose
_LOST = 4  # the page's prose, relative to what was found, above which that is a scrap of it
_SCRAP = 1_000  # characters of what was found below which it may be a scrap
_MAIN_FOUND = 0.6  # share of the page's <main> text below which what was found is a part
_PARAGRAPH = 80  # characters of a block that is a paragraph of prose
_DISCUSSION = 0.8  # share of the page's prose outside readers' comments below which it is a thread
_LONG_READ = 5_000  # characters of prose paragraphs in what was found that make it a text to read
_ARTICLE_SENTENCES = 0.75  # share of what was found in sentences that makes it an article's text
_ARTICLE_LEAST = 200  # characters (a CJK character counts 3) of it, at least
_ADDED_SENTENCES = 0.3  # share of what a wider choice adds in sentences below which it adds none
_SENTENCE_ENDS = frozenset(".!?。！？…")
_CLOSERS = "'\"”’)]»」』"
# Han, kana and Hangul: a character of these scripts says about what three letters say.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LANDMARK_TAGS = ("header", "footer", "nav", "aside", "main")
# "</body>" and "</html>" end nothing (HTML5 puts what follows into the body); libxml2 may drop
# what comes after them.
_EARLY_END = re.compile(r"</(?:body|html)\s*>", re.I)
_CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "tt", "xmp"})
# Elements whose text is a block of its own (a paragraph, an item, a heading, a cell...).
_TEXT_BLOCKS = frozenset(
    BLOCK_TAGS | HEADINGS.keys() | {"li", "ul", "ol", "blockquote", "figure", "table", "pre"}
)
_MARKUP = re.compile(r"<[a-zA-Z!/?]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NOT_PAGES = ("image/", "audio/", "video/", "font/", "model/")
_NOT_PAGE_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-tar",
        "application/msword",
        "application/vnd.ms-excel",
        "application/epub+zip",
        "application/x-shockwave-flash",
        "application/wasm",
        "application/javascript",
        "text/javascript",
        "text/css",
        "application/json",
    }
)


def scrub_tree(root: HtmlElement) -> None:
    """Remove debris from every text in the tree, outside code and outside prose: a block
    whose text reads as a sentence (``is_prose``) keeps what it quotes, also where its links
    and emphasis cut the sentence into pieces. Two walks, each keeping only the blocks open
    around it (a page of 300,000 elements is not held twice over)."""
    code: set[HtmlElement] = set()
    for el in root.iter(*_CODE_TAGS):
        code.update(el.iterdescendants())
    texts: dict[HtmlElement, list[str] | None] = {}  # each block's own text (None: too long)

    def add(block: HtmlElement, piece: str) -> None:
        pieces = texts.setdefault(block, [])
        if pieces is not None:
            pieces.append(piece)
            if len(pieces) > _PROSE_PIECES:
                texts[block] = None

    for el, block, tail in _text_nodes(root):
        if tail and el.tag == "br":
            add(block, "\x00")  # (a line break: not one sentence)
        text = el.tail if tail else el.text
        if text:
            add(block, text)
    prose = {b for b, pieces in texts.items() if pieces and _one_sentence_line("".join(pieces))}
    texts.clear()
    for el, block, tail in _text_nodes(root):
        if block in prose or (el in code if tail else (el in code or el.tag in _CODE_TAGS)):
            continue
        if tail and el.tail:
            scrubbed = scrub_text(el.tail)
            if scrubbed != el.tail:
                el.tail = clean(scrubbed)  # (lxml refuses control characters set back)
        elif not tail and el.text:
            scrubbed = scrub_text(el.text)
            if scrubbed != el.text:
                el.text = clean(scrubbed)


# A block of more pieces of text than this is no one sentence (see scrub_tree).
_PROSE_PIECES = 400


def _text_nodes(root: HtmlElement) -> Iterator[tuple[HtmlElement, HtmlElement, bool]]:
    """(element, the block its text is in, whether it is the element's tail) for each text
    and tail in the tree (and each <br>, with its tail or not), in document order."""
    blocks = [root]
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            if el is not root and el.tag in _TEXT_BLOCKS:
                blocks.append(el)
            if el.text:
                yield el, blocks[-1], False
        else:
            if el is not root and el.tag in _TEXT_BLOCKS:
                blocks.pop()
            if el is not root and (el.tail or el.tag == "br"):
                yield el, blocks[-1], True


def _one_sentence_line(text: str) -> bool:
    return "\x00" not in text and is_prose(" ".join(text.split()))


def _blocks(content: HtmlElement, base: str, meta: Metadata) -> list[Block]:
    scrub_tree(content)
    return clean_blocks(blocks_from_html(content, base), meta)


def _check_type(content_type: str, url: str) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind in _FEED_TYPES:
        add = "subscribe to it with `tui-reader add`"
        raise ExtractionError(f"it is a feed ({kind}), not an article's page: {add}", url)
    if kind.startswith(_NOT_PAGES) or kind in _NOT_PAGE_TYPES:
        raise ExtractionError(f"it is {kind}, not an HTML page", url)
    return kind


# Feeds by their own types (a feed's address opened as an article: its items ran together).
_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
# Text that is plain text to a reader (Markdown is written to be read as it is).
_PLAIN_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})


def _has_article(blocks: list[Block]) -> bool:
    """False for nothing, or for a few words that are mostly links (a menu, a link list)."""
    total = sum(len(b.text) for b in blocks)
    if not total:
        return False
    words = sum(len(b.text.split()) for b in blocks)
    linked = sum(s.end - s.start for b in blocks for s in b.spans if s.kind == "link")
    return words >= 50 or linked / total <= 0.5


def _by_declared(blocks: list[Block], root: HtmlElement, base: str, meta: Metadata) -> list[Block]:
    """Blocks checked against the article text the page declares (JSON-LD articleBody): the
    element holding it if what was found holds little of it; bounded to it."""
    declared = usable(meta.article_body)
    if not declared:
        return blocks
    found = coverage(blocks, declared)
    if found < _DECLARED_FOUND:
        element = declared_element(root, declared)
        more = _blocks(element, base, meta) if element is not None else []
        if coverage(more, declared) > found:
            blocks, found = more, coverage(more, declared)
    if found >= _DECLARED_BOUND:
        return bounded(blocks, declared)
    if sum(len(b.text) for b in blocks) < len(meta.article_body) * _DECLARED_SHORT:
        # The tree does not hold the declared text (the page is drawn by script): show it.
        # Its character references ("&rsquo;") decoded where it is shown. The matching above
        # reads it as given: decoded there too, more of it was found in the tree, and a page
        # that declares only a part of itself (a list's first item) was cut to that part.
        return clean_blocks(plain_blocks(decode_entities(meta.article_body)), meta)
    return blocks


def _is_declared(blocks: list[Block], meta: Metadata) -> bool:
    """True when ``blocks`` hold the article text the page declares (JSON-LD articleBody)."""
    declared = usable(meta.article_body)
    return bool(declared) and coverage(blocks, declared) >= _DECLARED_BOUND


def _not_an_article(
    blocks: list[Block], root: HtmlElement, base: str, meta: Metadata
) -> list[Block]:
    """On a page with little prose where what was found is a small part of the page's main
    text (a shop's grid, a product, a listing: no box stands out as the article), that main
    text: the body without header, footer, navigation, asides and forms. Not when what was
    found is about the page's prose (a short article among many links)."""
    found = sum(len(b.text) for b in blocks)
    length = main_length(root)
    if found >= length * _NOT_ARTICLE_FOUND or _is_declared(blocks, meta):
        # (What was found is the article text the page declares: the page says it is one.)
        return blocks
    prose = page_prose(root)
    # The page has prose, but what was found is a scrap of it (one card of a list whose
    # boxes pruning took for furniture): the main text rather than the scrap.
    lost = found < _SCRAP and found * _LOST < prose and not _is_declared(blocks, meta)
    # A page that does not say it is an article (no Open Graph or JSON-LD article type, no
    # <article>): prose or not, what was found is a part of its main text (a service's or a
    # product's page, a listing); unless it is that prose, readers' comments left out.
    undeclared = (
        not meta.says_article
        and root.find(".//article") is None
        and found < page_prose(root, comments=False) * _PROSE_FOUND[0]
    )
    if prose >= length * _NOT_ARTICLE_PROSE and not lost and not undeclared:
        return blocks
    low, high = _PROSE_FOUND
    if prose >= _TOO_LITTLE and prose * low <= found <= prose * high:
        return blocks  # what was found is the page's prose: a short article on a busy page
    main = page_main(root)
    if main is None:
        return blocks
    more = _blocks(main, base, meta)
    if sum(len(b.text) for b in more) * _NOT_ARTICLE_FOUND <= found:
        return blocks
    if not _marks_chrome(root) and _is_prose(blocks) and not _adds_prose(more, blocks):
        # A page that marks none of its chrome (no header, footer, navigation: pages before
        # HTML5, and many since): its "main text" is the whole body, menus, headline lists
        # and widgets included. An article's text found, and no sentences beside it, is the
        # article (its prose was undercounted: short CJK paragraphs, paragraphs in divs).
        return blocks
    return more


def _weight(text: str) -> int:
    return len(text) + 2 * len(_CJK.findall(text))


def _sentences(blocks: list[Block]) -> int:
    """Characters of ``blocks`` in paragraphs of sentences (long enough, ending as one)."""
    total = 0
    for b in blocks:
        end = b.text.rstrip().rstrip(_CLOSERS)[-1:]
        if end in _SENTENCE_ENDS and _weight(b.text) >= _PARAGRAPH:
            total += len(b.text)
    return total


def _is_prose(blocks: list[Block]) -> bool:
    """True for an article's text: mostly sentences, and enough of them."""
    chars = sum(len(b.text) for b in blocks)
    weight = sum(_weight(b.text) for b in blocks)
    return weight >= _ARTICLE_LEAST and _sentences(blocks) >= chars * _ARTICLE_SENTENCES


def _adds_prose(wider: list[Block], blocks: list[Block]) -> bool:
    """True when the blocks of ``wider`` not in ``blocks`` hold sentences, not only lines."""
    found = {b.text for b in blocks}
    added = [b for b in wider if b.text not in found]
    chars = sum(len(b.text) for b in added)
    return not chars or _sentences(added) >= chars * _ADDED_SENTENCES


def _marks_chrome(root: HtmlElement) -> bool:
    body = root.find("body")
    return body is None or next(body.iterdescendants(*_LANDMARK_TAGS), None) is not None


def _by_main(blocks: list[Block], root: HtmlElement, base: str, meta: Metadata) -> list[Block]:
    """On a page that does not say it is an article (no Open Graph or JSON-LD article type)
    and marks one main area (<main>, role=main), that area when what was found is a small part
    of it: one box of a product's, a service's or a shop's page whose text the page splits into
    sibling sections."""
    if meta.says_article:
        return blocks
    if sum(len(b.text) for b in blocks if len(b.text) >= _PARAGRAPH) >= _LONG_READ:
        return blocks  # a long text to read (a story, a chapter) beside the work's details
    mains = root.xpath("//main|//*[@role='main']")
    if len(mains) != 1:
        return blocks
    more = _blocks(copy.deepcopy(mains[0]), base, meta)
    if sum(len(b.text) for b in blocks) >= sum(len(b.text) for b in more) * _MAIN_FOUND:
        return blocks
    if page_prose(root, comments=False) < page_prose(root) * _DISCUSSION:
        return blocks  # a thread: its main area holds the readers' posts
    return more


def _in_the_article(blocks: list[Block], root: HtmlElement) -> bool:
    """True when the page has one <article> and it holds most of ``blocks``' text."""
    articles = root.findall(".//article")
    if len(articles) != 1:
        return False
    return _mostly_in(" ".join(articles[0].text_content().split()), blocks, fold=True)


def _holds(wider: list[Block], narrower: list[Block]) -> bool:
    """True when most of ``narrower``'s text (by characters) is found in ``wider``."""
    return _mostly_in("\n".join(b.text for b in wider), narrower)


def _mostly_in(text: str, blocks: list[Block], *, fold: bool = False) -> bool:
    """True when most of ``blocks``' text (by characters, _HELD) is found in ``text``; with
    ``fold``, each block's whitespace runs as single spaces (``text`` folded the same way)."""
    total = sum(len(b.text) for b in blocks)
    if not total:
        return True
    held = sum(
        len(b.text) for b in blocks if (" ".join(b.text.split()) if fold else b.text) in text
    )
    return held >= total * _HELD


def extract_html(
    html: bytes | str, url: str = "", *, content_type: str = "", published: str = ""
) -> Document:
    """The article in a page. Raises :class:`ExtractionError` when there is none.

    ``content_type`` is the server's Content-Type header, if known: its charset is honoured,
    plain text is taken as paragraphs, images and other media are refused. ``published`` is
    the date known from elsewhere (the feed's entry): it is the article's date when the page's
    metadata gives none, before a date found in the page's markup and text."""
    kind = _check_type(content_type, url)
    if isinstance(html, bytes):
        text = decode_html(html, content_type=content_type, url=url)
    else:
        text = html
    if not text.strip():
        raise ExtractionError("the page is empty", url)
    if kind in _PLAIN_TYPES:
        return plain_document(text, url)
    if len(text) > MAX_PAGE_CHARS:
        raise ExtractionError(f"the page is too large ({len(text) // 1_000_000} MB of HTML)", url)
    root = parse_html(_EARLY_END.sub(" ", text))
    base = base_url(root, url)
    meta = extract_metadata(root, url, base)
    found_byline = preclean(root)
    if not meta.byline and found_byline:
        meta.byline = clean_byline(found_byline)
    article = readability_article(root)
    dense: HtmlElement | None = None
    whole: HtmlElement | None = None
    chosen = page_prose(article, comments=False) if article is not None else 0
    blocks = _blocks(article, base, meta) if article is not None else []
    found = sum(len(b.text) for b in blocks)
    if found < _TOO_LITTLE and page_prose(root) > max(2 * found, _TOO_LITTLE):
        # readability found (almost) nothing while the page has prose: take the densest part,
        # with the boxes of prose beside it (an article whose sections a page builder split).
        dense = densest_article(root, siblings=True)
        more = _blocks(dense, base, meta) if dense is not None else []
        if sum(len(b.text) for b in more) > found:
            blocks = more
    elif found >= _TOO_LITTLE and page_prose(root, comments=False) > 2 * min(found, chosen):
        # readability chose a small part of the page's prose (one section, the FAQ; or many
        # short items beside the long paragraphs): the densest part (readers' comments left
        # out) if it holds what readability found.
        dense = densest_article(root, comments=False)
        if dense is not None and dense.tag == "body" and _in_the_article(blocks, root):
            dense = None
        more = _blocks(dense, base, meta) if dense is not None else []
        if sum(len(b.text) for b in more) > found and _holds(more, blocks):
            blocks = more
    blocks = _by_declared(blocks, root, base, meta)
    if not _has_article(blocks):
        # Nothing stands out: rather than show nothing, show the page's text, pruned.
        whole = whole_page(root)
        more = _blocks(whole, base, meta) if whole is not None else []
        if sum(len(b.text) for b in more) > sum(len(b.text) for b in blocks):
            blocks = more
    blocks = _not_an_article(blocks, root, base, meta)
    blocks = _by_main(blocks, root, base, meta)
    if not sum(len(b.text.strip()) for b in blocks):
        raise ExtractionError("no article text found", url)
    # The tree goes before htmldate parses the page again: two trees of a large page at once
    # were twice its memory (a page of 1.6 MB took 400 MB).
    del root, article, dense, whole
    return Document(
        title=meta.title,
        byline=meta.byline,
        published=_dated(meta.published) or normalize_date(published) or page_date(text, url),
        site_name=meta.site_name,
        url=meta.url,
        lead_image=meta.lead_image,
        blocks=tuple(blocks),
        notice=NOT_FREE_NOTICE if meta.not_free else "",
    )


# What a page that says it is not free to read gets above its text: what was served to the
# reader may be the part before a paywall, and nothing else tells.
NOT_FREE_NOTICE = (
    "The page says this article is for subscribers: the text may stop where its free part"
    " ends. Open it in a browser to read the rest."
)


def _dated(published: str) -> str:
    """``published``, unless it is well after today (a template's 2999, a typo of the year),
    which dates nothing: as in feeds, such a date is none."""
    return "" if ahead(published) else published


_POINTERS = 50  # link blocks kept of an entry that holds nothing else


def document_from_fragment(
    html: str, *, title: str = "", url: str = "", byline: str = "", published: str = ""
) -> Document:
    """A feed's own content HTML as a Document: the same cleaning, no article search.

    Content without any markup is taken as plain text, paragraphs split at blank lines."""
    meta = Metadata(
        title=clean_line(title),
        byline=clean_line(byline),
        published=normalize_date(published) or clean_line(published),
        url=url,
    )
    if not _MARKUP.search(html):
        blocks = clean_blocks(plain_blocks(html), meta)
    else:
        root = parse_html(html, fragment=True)
        meta.byline = meta.byline or clean_byline(preclean(root))
        body = root.find("body")
        content = body if body is not None else root
        scrub_tree(content)
        # (A <base> the feed's xml:base became: feeds/parse.py.)
        raw = blocks_from_html(content, base_url(root, url))
        blocks = clean_blocks(raw, meta)
        if not blocks:
            # Nothing but what cleaning takes for a page's chrome: a link-blog entry whose one
            # link is its title, a list of links. In a feed's entry that is its content: kept
            # (the quick view showed its words, and lost the links, the entry's whole point).
            blocks = [b for b in raw if any(s.kind == "link" for s in b.spans)][:_POINTERS]
    return Document(
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        url=url,
        blocks=tuple(blocks),
    )
