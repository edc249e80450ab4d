"""A plain-text document (a ``.txt`` file, a ``text/plain`` page, a careless scrape) as a
:class:`~tui_reader.document.Document`: paragraphs at blank lines, its headline and the
dateline or byline printed under it taken for metadata, as on an HTML page.

A plain text has no ``<title>`` or ``<h1>``: its headline is its first paragraph when that is
one short line that is no sentence (no closing full stop) and text follows.
"""

from __future__ import annotations

from tui_reader.document import Block, Document
from tui_reader.extract.debris import scrub_text
from tui_reader.extract.errors import ExtractionError
from tui_reader.extract.metadata import Metadata
from tui_reader.extract.postclean import clean_blocks, is_head_line
from tui_reader.sanitize import clean_text

_TITLE_CHARS = 200
_TITLE_WORDS = 30
_HEAD_PARAGRAPHS = 4  # paragraphs where a dateline or byline group is looked for


def plain_blocks(text: str) -> list[Block]:
    """Paragraphs split at blank lines, debris scrubbed, lines kept where the writer ended
    them (see :func:`tui_reader.document.plain_paragraph`)."""
    paragraphs = [scrub_text(p) for p in text.split("\n\n")]
    return list(Document.from_plain_text(clean_text("\n\n".join(paragraphs))).blocks)


def _is_headline(text: str) -> bool:
    return (
        "\n" not in text
        and len(text) <= _TITLE_CHARS
        and len(text.split()) <= _TITLE_WORDS
        and not text.endswith((".", ",", ";", ":"))
    )


def plain_document(text: str, url: str = "") -> Document:
    """The document of a plain text. Raises :class:`ExtractionError` when it holds none."""
    blocks = plain_blocks(text)
    meta = Metadata(url=url)
    if len(blocks) > 1 and _is_headline(blocks[0].text):
        meta.title = blocks[0].text
        blocks = blocks[1:]
    # A dateline over the headline again, a caption and its credit are one paragraph in a
    # scrape: such a group (one with a head line in it) is read line by line. Other
    # paragraphs keep their lines (verse).
    head: list[Block] = []
    for block in blocks[:_HEAD_PARAGRAPHS]:
        lines = block.text.split("\n")
        if len(lines) > 1 and any(is_head_line(line, meta) for line in lines):
            head += [Block("paragraph", line) for line in lines]
        else:
            head.append(block)
    cleaned = clean_blocks([*head, *blocks[_HEAD_PARAGRAPHS:]], meta)
    doc = Document(
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        url=url,
        blocks=tuple(cleaned),
    )
    if doc.is_empty:
        raise ExtractionError("no text found", url)
    return doc
