"""The structured article: what extraction produces, the reading pane renders, highlights anchor
to and exports quote.

A :class:`Document` is a tuple of :class:`Block` objects. Its plain text (:attr:`Document.text`)
is the blocks' texts joined by blank lines; the offsets of every block in it are stable for a
given document, and highlights are stored as offsets into that text.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

from tui_reader.errors import DocumentError
from tui_reader.mdescape import md_escape, md_url

BlockKind = Literal["heading", "paragraph", "list_item", "quote", "code", "figure", "table"]
SpanKind = Literal["em", "strong", "code", "link"]
BLOCK_KINDS: frozenset[str] = frozenset(
    {"heading", "paragraph", "list_item", "quote", "code", "figure", "table"}
)
SPAN_KINDS: frozenset[str] = frozenset({"em", "strong", "code", "link"})
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Span:
    """Inline style over ``text[start:end]`` of one block (offsets relative to the block)."""

    start: int
    end: int
    kind: SpanKind
    href: str = ""


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    spans: tuple[Span, ...] = ()
    level: int = 0  # heading: 1-6; list_item: nesting depth from 0; quote: depth from 1
    ordered: bool = False  # list_item in an ordered list
    number: int = 0  # list_item: its number in an ordered list
    src: str = ""  # figure: the image URL
    rows: tuple[tuple[str, ...], ...] = ()  # table: cells, first row the header
    # figure: the image's alt text. Not part of the article's text (neither gold text nor a
    # reader counts it; highlights never land in it): shown as ``[image: alt]`` when there
    # is no caption, and kept in the Markdown export's ``![alt](src)``.
    alt: str = ""


@dataclass(frozen=True)
class Document:
    title: str = ""
    byline: str = ""
    published: str = ""  # ISO 8601 date or date-time, or ""
    site_name: str = ""
    url: str = ""
    lead_image: str = ""
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    # A note for the reader about this text, e.g. that the page could not be fetched and this
    # is the feed's summary instead. Shown above the article; "" when there is nothing to say.
    notice: str = ""

    # -- plain text and offsets -------------------------------------------------------------

    @cached_property
    def offsets(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of every block in :attr:`text`; an empty block sits at a point."""
        out: list[tuple[int, int]] = []
        pos = 0
        first = True
        for block in self.blocks:
            if not block.text:
                out.append((pos, pos))
                continue
            if not first:
                pos += len(BLOCK_SEPARATOR)
            first = False
            out.append((pos, pos + len(block.text)))
            pos += len(block.text)
        return tuple(out)

    @cached_property
    def text(self) -> str:
        """The body as plain text: non-empty blocks joined by blank lines, title not included."""
        return BLOCK_SEPARATOR.join(b.text for b in self.blocks if b.text)

    def block_at(self, offset: int) -> int:
        """Index of the block holding ``offset`` in :attr:`text` (the nearest one before it)."""
        lo, hi = 0, len(self.blocks) - 1
        best = 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.offsets[mid][0] <= offset:
                best = mid
                lo = mid + 1
            else:
                hi = mid - 1
        return best

    @cached_property
    def links(self) -> tuple[str, ...]:
        """Every distinct link target in document order; link N is ``links[N - 1]``."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            for span in block.spans:
                if span.kind == "link" and span.href:
                    seen.setdefault(span.href, None)
        return tuple(seen)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def word_count(self) -> int:
        return len(self.text.split())

    # -- serialisation ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data.get("notice"):
            data.pop("notice", None)
        for block in data["blocks"]:
            # Compact: drop defaults.
            for key, default in (
                ("spans", []),
                ("level", 0),
                ("ordered", False),
                ("number", 0),
                ("src", ""),
                ("rows", []),
                ("alt", ""),
            ):
                if block.get(key) in (default, ()):
                    block.pop(key, None)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        blocks = []
        for raw in data.get("blocks", ()):
            kind = raw.get("kind", "paragraph")
            if kind not in BLOCK_KINDS:
                kind = "paragraph"
            spans = tuple(
                Span(int(s["start"]), int(s["end"]), s["kind"], str(s.get("href", "")))
                for s in raw.get("spans", ())
                if s.get("kind") in SPAN_KINDS
            )
            blocks.append(
                Block(
                    kind=kind,
                    text=str(raw.get("text", "")),
                    spans=spans,
                    level=int(raw.get("level", 0)),
                    ordered=bool(raw.get("ordered", False)),
                    number=int(raw.get("number", 0)),
                    src=str(raw.get("src", "")),
                    rows=tuple(tuple(str(c) for c in row) for row in raw.get("rows", ())),
                    alt=str(raw.get("alt", "")),
                )
            )
        return cls(
            title=str(data.get("title", "")),
            byline=str(data.get("byline", "")),
            published=str(data.get("published", "")),
            site_name=str(data.get("site_name", "")),
            url=str(data.get("url", "")),
            lead_image=str(data.get("lead_image", "")),
            blocks=tuple(blocks),
            notice=str(data.get("notice", "")),
        )

    @classmethod
    def from_json(cls, text: str) -> Document:
        """The document stored as JSON. :class:`~tui_reader.errors.DocumentError` (a
        ValueError) for anything that is not one — damaged JSON, a list, a value nested too
        deeply, a field of the wrong type — never another error. Callers that read a stored
        article use :func:`stored_document` (the one policy), not this."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError, RecursionError) as exc:
            raise DocumentError(f"{type(exc).__name__}: {exc}"[:200]) from None
        if not isinstance(data, dict):
            raise DocumentError(f"a JSON {type(data).__name__}, not an object")
        try:
            return cls.from_dict(data)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise DocumentError(f"{type(exc).__name__}: {exc}"[:200]) from None

    @classmethod
    def from_plain_text(cls, text: str, **meta: str) -> Document:
        """Paragraphs split at blank lines; a paragraph wrapped at a fixed width is folded to
        one line, one whose lines are its own (a poem, a log, a dateline over a headline)
        keeps them (see :func:`plain_paragraph`)."""
        paras = [plain_paragraph(p) for p in re.split(r"\n\s*\n", text)]
        return cls(blocks=tuple(Block("paragraph", p) for p in paras if p), **meta)

    # -- renderings -------------------------------------------------------------------------

    def to_markdown(self, *, with_title: bool = True) -> str:
        parts: list[str] = []
        if with_title and self.title:
            parts.append("# " + md_escape(self.title))
            meta = " · ".join(distinct_parts(self.byline, self.site_name, self.published))
            if meta:
                parts.append("*" + md_escape(meta) + "*")
        previous: Block | None = None
        for block in self.blocks:
            rendered = _block_markdown(block)
            if not rendered:
                continue
            if previous is not None and previous.kind == block.kind == "list_item":
                parts[-1] += "\n" + rendered  # tight list
            elif previous is not None and previous.kind == block.kind == "quote":
                # The next paragraph of one quotation: a ">" line between, not two quotes.
                depth = min(max(previous.level, 1), max(block.level, 1))
                parts[-1] += "\n" + ">" * depth + "\n" + rendered
            else:
                parts.append(rendered)
            previous = block
        return "\n\n".join(parts) + "\n" if parts else ""

    def to_plain(self, *, with_title: bool = True) -> str:
        head = [self.title] if with_title and self.title else []
        return "\n\n".join([*head, self.text]).strip() + "\n"


_WRAP_WIDTH = 60  # a paragraph whose longest line is shorter was not wrapped to a width
_WRAP_FILL = 0.7  # share of that width its lines (but the last) fill when it was


def plain_paragraph(text: str) -> str:
    """A plain-text paragraph with its spaces folded: its lines joined when it was wrapped at
    a width (every line but the last near the longest one, and that one 60 characters or
    more, as mail and plain-text feeds are wrapped), else its line breaks kept (short lines
    that end where their writer ended them: verse, a chat log, a dateline over a headline)."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        return "".join(lines)
    widest = max(len(line) for line in lines)
    wrapped = widest >= _WRAP_WIDTH and all(len(line) >= widest * _WRAP_FILL for line in lines[:-1])
    return " ".join(lines) if wrapped else "\n".join(lines)


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.casefold()))


def _holds_words(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def distinct_parts(*parts: str) -> list[str]:
    """The parts of a "byline · site · date" line, each said once: one whose words (case and
    punctuation aside) are those of another, or run inside another's ("Al Jazeera" beside
    "Al Jazeera Staff"), is left out, the longer kept where the first stood."""
    kept: list[str] = []
    kept_words: list[tuple[str, ...]] = []
    for part in parts:
        words = _words(part)
        if not part.strip():
            continue
        if not words:
            kept.append(part)
            kept_words.append(words)
            continue
        for i, other in enumerate(kept_words):
            if other and _holds_words(other, words):
                break
            if other and _holds_words(words, other):
                kept[i], kept_words[i] = part, words
                break
        else:
            kept.append(part)
            kept_words.append(words)
    return kept


def stored_document(doc_json: str) -> Document | None:
    """THE policy for a document as the store holds it: None when there is none (``""``) and
    when it is damaged (it is made again, as if there were none); never an exception. Every
    reader of stored documents goes through this (``ArticleBody.document``, the store's
    ``get_document``), so a damaged row means the same everywhere."""
    if not doc_json:
        return None
    try:
        return Document.from_json(doc_json)
    except DocumentError:
        return None


def inline_markdown(text: str, spans: tuple[Span, ...]) -> str:
    """Block text with its spans as Markdown emphasis, code and links."""
    if not spans:
        return md_escape(text)
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for span in spans:
        if 0 <= span.start < span.end <= len(text):
            opens.setdefault(span.start, []).append(span)
            closes.setdefault(span.end, []).append(span)
    out: list[str] = []
    cuts = sorted({0, len(text), *opens, *closes})
    in_code = 0
    for i, pos in enumerate(cuts):
        for span in sorted(closes.get(pos, ()), key=lambda s: -s.start):
            if span.kind == "code":
                in_code -= 1
                out.append("`")
            elif span.kind == "em":
                out.append("*")
            elif span.kind == "strong":
                out.append("**")
            else:
                out.append(f"]({md_url(span.href)})")
        for span in sorted(opens.get(pos, ()), key=lambda s: -s.end):
            if span.kind == "code":
                in_code += 1
                out.append("`")
            elif span.kind == "em":
                out.append("*")
            elif span.kind == "strong":
                out.append("**")
            else:
                out.append("[")
        if i + 1 < len(cuts):
            piece = text[pos : cuts[i + 1]]
            out.append(piece.replace("`", "'") if in_code else md_escape(piece))
    return "".join(out)


def _block_markdown(block: Block) -> str:
    if block.kind == "heading":
        return "#" * min(max(block.level, 1) + 1, 6) + " " + md_escape(block.text)
    if block.kind == "list_item":
        marker = f"{block.number or 1}." if block.ordered else "-"
        body = _hard_breaks(inline_markdown(block.text, block.spans)).replace(
            "\n", "\n" + "   " * (block.level + 1)
        )
        return "   " * block.level + marker + " " + body
    if block.kind == "quote":
        body = _hard_breaks(inline_markdown(block.text, block.spans))
        prefix = "> " * max(block.level, 1)
        return "\n".join(prefix + line if line else prefix.rstrip() for line in body.split("\n"))
    if block.kind == "code":
        fence = "```"
        while fence in block.text:
            fence += "`"
        return f"{fence}\n{block.text}\n{fence}"
    if block.kind == "figure":
        alt = md_escape((block.alt or block.text).replace("\n", " "))
        image = f"![{alt}]({md_url(block.src)})" if block.src else ""
        caption = f"*{md_escape(block.text.replace(chr(10), ' '))}*" if block.text else ""
        return "\n".join(x for x in (image, caption) if x)
    if block.kind == "table" and block.rows:
        width = max(len(r) for r in block.rows)
        rows = [
            [md_escape(c.replace("\n", " ")) for c in r] + [""] * (width - len(r))
            for r in block.rows
        ]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    return _hard_breaks(inline_markdown(block.text, block.spans))


def _hard_breaks(markdown: str) -> str:
    """A line break inside a block as Markdown's hard break (two spaces at the line's end):
    a bare newline is read as a space, and verse or a log would be run into one line."""
    return markdown.replace("\n", "  \n")
