"""An HTML tree to :class:`~tui_reader.document.Block` objects, block by block.

Every block-level element ends the paragraph being built, so text from different blocks is
never glued together (``text_content()`` would give "guiltyA video"). Inline styles become
spans; links keep only http(s) and mailto targets, with tracking parameters removed; all text
goes through :func:`~tui_reader.sanitize.clean_text` and has its whitespace folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from lxml.html import HtmlElement

from tui_reader.document import Block, BlockKind, Span, SpanKind
from tui_reader.extract.text import clean, clean_link
from tui_reader.sanitize import is_web_url
from tui_reader.words import words


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SKIP_TAGS = _names(
    "script style noscript template head title meta link base iframe frame object embed "
    "applet svg canvas button input select option optgroup textarea datalist map area audio "
    "video source track param dialog rp"
)
BLOCK_TAGS = _names(
    "html body address article aside center details dir div dl dd dt fieldset figcaption "
    "footer form header hgroup legend main menu nav p section summary caption tbody thead "
    "tfoot tr td th noframes frameset output"
)
_STYLE_TAGS: dict[str, SpanKind] = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "strong": "strong",
    "b": "strong",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_SRCSET_FIRST = re.compile(r"^\s*(\S+)")
_PLACEHOLDER = re.compile(r"blank\.|spacer|placeholder|transparent|pixel\.|grey\.gif|1x1", re.I)
_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-url", "data-hi-res-src")
_DATA_TABLE_BLOCKS = (
    ".//p | .//div | .//ul | .//ol | .//h1 | .//h2 | .//h3 | .//blockquote | .//pre"
)


_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
# Raised text that reads the same flat after a digit: cents ("$19<sup>.99</sup>") and
# ordinals ("1<sup>st</sup>", "2<sup>e</sup>").
_FLAT_AFTER_DIGIT = re.compile(r"[.,]\d{1,2}|st|nd|rd|th|e|er|re|ème|o|a|º|ª", re.I)


def script_text(text: str, *, raised: bool, after_digit: bool = False) -> str:
    """Superscript (``raised``) or subscript text as plain text that keeps its meaning:
    Unicode super/subscript characters when each character has one ("n²", "H₂O"), else
    ``^`` / ``_`` before it ("(a*)n^b", "^(text)"). Marks with no letter or digit ("®",
    "†", "[1]") and cents or ordinals after a digit are left as they are."""
    if not any(c.isalnum() for c in text) or (text.startswith("[") and text.endswith("]")):
        return text
    if after_digit and _FLAT_AFTER_DIGIT.fullmatch(text):
        return text
    table = _SUPERSCRIPTS if raised else _SUBSCRIPTS
    if all(ord(c) in table for c in text):
        return text.translate(table)
    mark = "^" if raised else "_"
    return mark + text if text.isalnum() else f"{mark}({text})"


@lru_cache(maxsize=4096)
def resolve_link(href: str | None, base: str) -> str:
    """An absolute, cleaned http(s) or mailto URL, or "" for anything else."""
    if not href:
        return ""
    href = "".join(href.split())  # browsers drop whitespace inside URLs
    if not href or (href.startswith("#") and not base):
        return ""
    try:
        url = urljoin(base, href) if base else href
    except ValueError:
        return ""
    if not url.lower().startswith(_LINK_SCHEMES):
        return ""
    url = clean_link(url)
    # A web link must be one the reader would open ("https://" alone has no host).
    return url if url.lower().startswith("mailto:") or is_web_url(url) else ""


def _int_attr(el: HtmlElement, name: str) -> int | None:
    value = (el.get(name) or "").strip().removesuffix("px")
    return int(value) if value.isdigit() else None


def image_src(img: HtmlElement, base: str) -> str:
    """The image's real URL (lazy-loading placeholders skipped), or ""."""
    src = (img.get("src") or "").strip()
    if not src or src.startswith("data:") or _PLACEHOLDER.search(src):
        src = ""
        for attr in _LAZY_ATTRS:
            if img.get(attr):
                src = img.get(attr, "").strip()
                break
        else:
            srcset = img.get("data-srcset") or img.get("srcset") or ""
            match = _SRCSET_FIRST.match(srcset)
            if match:
                src = match.group(1).rstrip(",")
    url = resolve_link(src, base)
    return url if url.startswith(("http://", "https://")) else ""


def is_tracking_pixel(img: HtmlElement) -> bool:
    width, height = _int_attr(img, "width"), _int_attr(img, "height")
    return (width is not None and width <= 2) or (height is not None and height <= 2)


def _is_floated(img: HtmlElement) -> bool:
    """An image set beside the text (``align="left"``/``"right"``, or a CSS float)."""
    if (img.get("align") or "").strip().lower() in ("left", "right"):
        return True
    style = "".join((img.get("style") or "").lower().split())
    return "float:left" in style or "float:right" in style


def _is_small_inline_image(img: HtmlElement) -> bool:
    """Emoji and icons drawn as images: their alt text belongs to the sentence."""
    width, height = _int_attr(img, "width"), _int_attr(img, "height")
    small = (width is not None and width <= 32) or (height is not None and height <= 32)
    klass = (img.get("class") or "").lower()
    return small or any(word in klass for word in ("emoji", "smiley", "math", "latex", "tex"))


def is_data_table(table: HtmlElement) -> bool:
    """A table of data (kept as rows) rather than one used for page layout."""
    if (table.get("role") or "").lower() == "presentation" or table.get("datatable") == "0":
        return False
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    if len(rows) < 2:
        return False
    if max(len([c for c in r if c.tag in ("td", "th")]) for r in rows) < 2:
        return False
    # Its blocks hold short texts; the source's indentation is no text.
    return all(
        len(" ".join(block.text_content().split())) <= 200
        for block in table.xpath(_DATA_TABLE_BLOCKS)
    )


# A picture's title of this many words is something said of it (a web comic's hover text, a
# photo's description), shown as its caption when it has none; shorter ones are labels
# ("Click to enlarge", a file name).
_TITLE_WORDS = 4


def _title_text(img: HtmlElement, alt: str) -> str:
    """A picture's ``title`` as its caption: a sentence's worth of words that its alt text
    does not already say (most of them in it: the alt again, reworded for search engines).
    Not on a linked picture, where the title is the link's ("Read the review of ...")."""
    title = " ".join(clean(img.get("title") or "").split())
    if len(title.split()) < _TITLE_WORDS or any(a.tag == "a" for a in img.iterancestors()):
        return ""
    said = words(title.casefold())
    if not said:
        return ""
    in_alt = set(words(alt.casefold()))
    if sum(w in in_alt for w in said) * 4 >= len(said) * 3:
        return ""
    return title


@dataclass
class _Open:
    kind: SpanKind
    start: int
    href: str = ""


@dataclass
class _Item:
    level: int
    ordered: bool
    number: int


@dataclass
class _Builder:
    base: str
    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    length: int = 0
    pending_space: bool = False
    newlines: int = 0  # newlines the buffer ends with
    spans: list[Span] = field(default_factory=list)
    open_spans: list[_Open] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # [ordered, next number]
    items: list[_Item] = field(default_factory=list)
    quote: int = 0
    heading: int = 0
    floats: list[Block] = field(default_factory=list)  # pictures the text flows around

    # -- the inline buffer ------------------------------------------------------------------

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        text = clean(text)
        words = text.split()
        if not words:
            if text:
                self.pending_space = True
            return
        if text[0].isspace():
            self.pending_space = True
        self._emit(" ".join(words))
        self.pending_space = text[-1].isspace()

    def _emit(self, text: str) -> None:
        if self.pending_space and self.length and not self.newlines:
            self.parts.append(" ")
            self.length += 1
        self.pending_space = False
        self.parts.append(text)
        self.length += len(text)
        self.newlines = 0

    def line_break(self) -> None:
        self.pending_space = False
        if not self.length:
            return
        limit = 1 if (self.heading or self.items) else 2
        if self.newlines < limit:
            self.parts.append("\n")
            self.length += 1
            self.newlines += 1

    def open_span(self, kind: SpanKind, href: str = "") -> _Open:
        if self.pending_space and self.length and not self.newlines:
            self._emit("")
        span = _Open(kind, self.length, href)
        self.open_spans.append(span)
        return span

    def close_span(self, span: _Open) -> None:
        self.open_spans.remove(span)
        if self.length > span.start:
            self.spans.append(Span(span.start, self.length, span.kind, span.href))

    # -- blocks -----------------------------------------------------------------------------

    def _kind(self) -> tuple[BlockKind, int]:
        if self.heading:
            return "heading", self.heading
        if self.items:
            return "list_item", self.items[-1].level
        if self.quote:
            return "quote", self.quote
        return "paragraph", 0

    def flush(self) -> None:
        self._flush_text()
        if self.floats:  # after the paragraph they stood in
            self.blocks.extend(self.floats)
            self.floats.clear()

    def _flush_text(self) -> None:
        text = "".join(self.parts).rstrip()
        spans = self.spans
        for span in self.open_spans:
            if self.length > span.start:
                spans.append(Span(span.start, self.length, span.kind, span.href))
            span.start = 0
        self.parts, self.length, self.spans = [], 0, []
        self.pending_space, self.newlines = False, 0
        if not text:
            return
        kind, level = self._kind()
        if kind == "heading":
            text = text.replace("\n", " ")  # one line (same length: spans stay put)
        pieces = text.split("\n\n") if kind in ("paragraph", "quote") else [text]
        pos = 0
        for piece in pieces:
            end = pos + len(piece)
            self._add_block(kind, level, piece, _clip(spans, pos, end))
            pos = end + 2

    def _add_block(self, kind: BlockKind, level: int, text: str, spans: tuple[Span, ...]) -> None:
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        if not stripped:
            return
        if lead:
            spans = _clip(spans, lead, lead + len(stripped))
        if kind == "list_item":
            item = self.items[-1]
            self.blocks.append(
                Block(
                    "list_item",
                    stripped,
                    spans,
                    level=item.level,
                    ordered=item.ordered,
                    number=item.number if item.ordered else 0,
                )
            )
        else:
            self.blocks.append(Block(kind, stripped, spans, level=level))

    def block_break(self) -> None:
        """A block boundary: inside a list item it is a line break, elsewhere a new block."""
        if self.items and not self.heading:
            self.line_break()
        else:
            self.flush()

    # -- the walk ---------------------------------------------------------------------------

    def walk_children(self, el: HtmlElement) -> None:
        self.add_text(el.text)
        for child in el:
            self.walk(child)
            self.add_text(child.tail)

    def walk(self, el: HtmlElement) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            return  # comments, processing instructions
        tag = tag.lower()
        if tag in SKIP_TAGS:
            return
        style = _STYLE_TAGS.get(tag)
        if style is not None:
            span = self.open_span(style)
            self.walk_children(el)
            self.close_span(span)
        elif tag == "a":
            href = resolve_link(el.get("href"), self.base)
            if href:
                span = self.open_span("link", href)
                self.walk_children(el)
                self.close_span(span)
            else:
                self.walk_children(el)
        elif tag == "br":
            self.line_break()
        elif tag in ("sup", "sub"):
            self._script(el, raised=tag == "sup")
        elif tag in HEADINGS:
            self._heading(el, HEADINGS[tag])
        elif tag in ("ul", "ol", "menu", "dir"):
            self._list(el, ordered=tag == "ol")
        elif tag == "li":
            self._item(el)
        elif tag == "blockquote":
            self.flush()
            self.quote += 1
            self.walk_children(el)
            self.flush()
            self.quote -= 1
        elif tag in ("pre", "xmp", "listing", "plaintext"):
            self._pre(el)
        elif tag == "img":
            self._image(el)
        elif tag == "figure":
            self._figure(el)
        elif tag == "table":
            self._table(el)
        elif tag == "hr":
            self.flush()
        elif tag in BLOCK_TAGS:
            self.block_break()
            self.walk_children(el)
            self.block_break()
        else:
            self.walk_children(el)

    def _script(self, el: HtmlElement, *, raised: bool) -> None:
        """A superscript or subscript, kept legible in plain text (see :func:`script_text`);
        a link in it stays a link. A raised number that is all a link's text is a note's
        reference: "[22]", as notes are numbered in plain text (not "²²", which reads as a
        power and joins the word before it)."""
        text = " ".join(clean(_script_source(el)).split())
        if not text:
            return
        last = self.parts[-1] if self.parts and not self.pending_space else ""
        anchor = el.find(".//a")
        if (
            raised
            and text.isascii()
            and text.isdigit()
            and anchor is not None
            and " ".join(clean(_script_source(anchor)).split()) == text
        ):
            text = f"[{text}]"
        text = script_text(text, raised=raised, after_digit=last[-1:].isdigit())
        link = next((a for a in el.iter("a") if resolve_link(a.get("href"), self.base)), None)
        if link is None:
            self.add_text(text)
            return
        span = self.open_span("link", resolve_link(link.get("href"), self.base))
        self.add_text(text)
        self.close_span(span)

    def _heading(self, el: HtmlElement, level: int) -> None:
        self.flush()
        outer = self.heading
        self.heading = level
        self.walk_children(el)
        self.flush()
        self.heading = outer

    def _list(self, el: HtmlElement, *, ordered: bool) -> None:
        self.flush()
        start = _int_attr(el, "start")
        self.lists.append([int(ordered), start if start is not None else 1])
        self.walk_children(el)
        self.flush()
        self.lists.pop()

    def _item(self, el: HtmlElement) -> None:
        self.flush()
        state = self.lists[-1] if self.lists else [0, 1]
        value = _int_attr(el, "value")
        number = value if value is not None else state[1]
        state[1] = number + 1
        level = max(len(self.lists) - 1, 0)
        self.items.append(_Item(level, bool(state[0]), number))
        self.walk_children(el)
        self.flush()
        self.items.pop()

    def _pre(self, el: HtmlElement) -> None:
        self.flush()
        pieces: list[str] = []
        _raw_text(el, pieces)
        lines = [line.rstrip() for line in clean("".join(pieces)).split("\n")]
        first = next((i for i, line in enumerate(lines) if line), len(lines))
        lines = lines[first:]  # (one slice: pop(0) per blank line was quadratic)
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            self.blocks.append(Block("code", "\n".join(lines)))

    def _image(self, img: HtmlElement) -> None:
        if is_tracking_pixel(img):
            return
        alt = " ".join(clean(img.get("alt") or "").split())
        if _is_small_inline_image(img):
            self.add_text(alt)
            return
        src = image_src(img, self.base)
        if not src and not alt:
            return
        figure = Block("figure", _title_text(img, alt), src=src, alt=alt)
        if self.length and _is_floated(img):
            # A picture floated beside the text, met inside a paragraph (even inside a word:
            # "we<img align=right>rde"): the text flows around it and goes on; it follows.
            self.floats.append(figure)
            return
        self.flush()
        self.blocks.append(figure)

    def _figure(self, el: HtmlElement) -> None:
        images = [i for i in el.iter("img") if not is_tracking_pixel(i)]
        if len(images) != 1:
            self.block_break()
            self.walk_children(el)
            self.block_break()
            return
        img = images[0]
        caption_el = next(iter(el.iter("figcaption")), None)
        text, spans = ("", ()) if caption_el is None else _inline_of(caption_el, self.base)
        alt = " ".join(clean(img.get("alt") or "").split())
        if not text.strip():
            text, spans = _title_text(img, alt), ()
        self.flush()
        self.blocks.append(Block("figure", text, spans, src=image_src(img, self.base), alt=alt))

    def _table(self, el: HtmlElement) -> None:
        if not is_data_table(el):
            self.block_break()
            self.walk_children(el)
            self.block_break()
            return
        self.flush()
        for caption in el.iter("caption"):
            self.walk(caption)
            self.flush()
        rows: list[tuple[str, ...]] = []
        for tr in el.iter("tr"):
            cells = tuple(_inline_of(c, self.base)[0] for c in tr if c.tag in ("td", "th"))
            if any(cells):
                rows.append(cells)
        if rows:
            text = "\n".join("\t".join(row) for row in rows)
            self.blocks.append(Block("table", text, rows=tuple(rows)))


def _clip(spans: list[Span] | tuple[Span, ...], start: int, end: int) -> tuple[Span, ...]:
    """Spans within text[start:end], re-based to start; empty ones dropped."""
    out: list[Span] = []
    seen: set[tuple[int, int, str, str]] = set()
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if a < b:
            key = (a - start, b - start, span.kind, span.href)
            if key not in seen:
                seen.add(key)
                out.append(Span(a - start, b - start, span.kind, span.href))
    out.sort(key=lambda s: (s.start, -s.end))
    return tuple(out)


def _raw_text(el: HtmlElement, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            out.append("\n")
        elif tag and tag not in SKIP_TAGS:
            _raw_text(child, out)
        if child.tail:
            out.append(child.tail)


def _script_source(el: HtmlElement) -> str:
    """The text of a superscript or subscript, skipped elements left out."""
    out: list[str] = []
    _raw_text(el, out)
    return "".join(out)


def _inline_of(el: HtmlElement, base: str) -> tuple[str, tuple[Span, ...]]:
    """One line of text (and its spans) from an element's content, blocks joined by spaces."""
    builder = _Builder(base)
    builder.walk_children(el)
    builder.flush()
    texts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for block in builder.blocks:
        if not block.text:
            continue
        text = " ".join(block.text.split())
        if texts:
            pos += 1
        if text == block.text:
            spans += [Span(s.start + pos, s.end + pos, s.kind, s.href) for s in block.spans]
        texts.append(text)
        pos += len(text)
    return " ".join(texts), tuple(spans)


def blocks_from_html(el: HtmlElement, base: str = "") -> list[Block]:
    """The blocks of an element's content, in document order."""
    builder = _Builder(base)
    builder.walk(el)
    builder.flush()
    return builder.blocks


def text_of_blocks(blocks: list[Block] | tuple[Block, ...]) -> str:
    return "\n\n".join(b.text for b in blocks if b.text)
