"""From HTML to a :class:`~tui_reader.document.Document`: decode, parse, clean, find the
article, convert it block by block, clean the blocks."""

from __future__ import annotations

from lxml.html import HtmlElement

from tui_reader.document import Block, Document
from tui_reader.extract.blocks import blocks_from_html
from tui_reader.extract.debris import scrub_text
from tui_reader.extract.decode import decode_html
from tui_reader.extract.errors import ExtractionError
from tui_reader.extract.metadata import Metadata, base_url, extract_metadata, normalize_date
from tui_reader.extract.parse import parse_html
from tui_reader.extract.postclean import clean_blocks
from tui_reader.extract.preclean import preclean
from tui_reader.extract.readable import readability_article
from tui_reader.sanitize import clean_line

MAX_PAGE_CHARS = 8_000_000
_CODE_TAGS = frozenset({"pre", "code", "kbd", "samp", "tt", "xmp"})


def _where(url: str) -> str:
    return url or "the page"


def scrub_tree(root: HtmlElement) -> None:
    """Remove debris from every text in the tree, outside code."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _CODE_TAGS:
            if el.tail:
                el.tail = scrub_text(el.tail)
            continue
        if any(a.tag in _CODE_TAGS for a in el.iterancestors()):
            continue
        if el.text:
            el.text = scrub_text(el.text)
        if el.tail:
            el.tail = scrub_text(el.tail)


def _blocks(content: HtmlElement, base: str, meta: Metadata) -> list[Block]:
    scrub_tree(content)
    return clean_blocks(blocks_from_html(content, base), meta)


def extract_html(html: bytes | str, url: str = "", *, content_type: str = "") -> Document:
    """The article in a page. Raises :class:`ExtractionError` when there is none."""
    if isinstance(html, bytes):
        text = decode_html(html, content_type=content_type, url=url)
    else:
        text = html
    if not text.strip():
        raise ExtractionError(f"could not extract an article from {_where(url)}: the page is empty")
    if len(text) > MAX_PAGE_CHARS:
        raise ExtractionError(
            f"could not extract an article from {_where(url)}: the page is too large"
            f" ({len(text) // 1_000_000} MB of HTML)"
        )
    root = parse_html(text.replace("\x00", ""))
    base = base_url(root, url)
    meta = extract_metadata(root, url, base)
    found_byline = preclean(root)
    if not meta.byline and found_byline:
        meta.byline = found_byline
    article = readability_article(root)
    blocks = _blocks(article, base, meta) if article is not None else []
    if not any(b.text for b in blocks):
        raise ExtractionError(
            f"could not extract an article from {_where(url)}: no article text found"
        )
    return Document(
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        site_name=meta.site_name,
        url=meta.url,
        lead_image=meta.lead_image,
        blocks=tuple(blocks),
    )


def document_from_fragment(
    html: str, *, title: str = "", url: str = "", byline: str = "", published: str = ""
) -> Document:
    """A feed's own content HTML as a Document: the same cleaning, no article search."""
    root = parse_html(html.replace("\x00", ""), fragment=True)
    meta = Metadata(
        title=clean_line(title),
        byline=clean_line(byline),
        published=normalize_date(published) or clean_line(published),
        url=url,
    )
    found_byline = preclean(root)
    meta.byline = meta.byline or found_byline
    body = root.find("body")
    blocks = _blocks(body if body is not None else root, url, meta)
    return Document(
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        url=url,
        blocks=tuple(blocks),
    )
