"""Document → wrapped, styled lines whose every piece of text maps back to ``Document.text``.

The reading pane draws these lines; highlights, the reading cursor, selections and search
matches are painted over them from (start, end) offsets in :attr:`Document.text`.

A :class:`Line` is a tuple of :class:`Run` objects. A run is ``text`` drawn at column ``col``
(cells, relative to the text column's left edge) with style ``flags``. ``offset`` is where the
run's first character sits in ``Document.text``, or ``-1`` for decoration (title, bullets,
quote bars, link numbers, the link list...). ``size`` is how many characters of the document
the run stands for: equal to ``len(text)`` (one to one) except for a tab drawn as spaces.

Nothing here touches Textual: styles are bit flags that the widget turns into Rich styles.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import accumulate, pairwise
from time import perf_counter
from typing import NamedTuple

from rich.cells import get_character_cell_size

from tui_reader.document import Block, Document, distinct_parts
from tui_reader.sanitize import clean_text, control_map, shown

# -- style flags ------------------------------------------------------------------------------

EM = 1 << 0
STRONG = 1 << 1
CODE = 1 << 2
LINK = 1 << 3
LINK_NUMBER = 1 << 4
QUOTE = 1 << 5
H1 = 1 << 6
H2 = 1 << 7
H3 = 1 << 8
TITLE = 1 << 9
META = 1 << 10
MARKER = 1 << 11
CODE_BLOCK = 1 << 12
CAPTION = 1 << 13
IMAGE = 1 << 14
TABLE = 1 << 15
TABLE_HEAD = 1 << 16
RULE = 1 << 17
LINKS_HEAD = 1 << 18
NOTICE = 1 << 19
NOTICE_HEAD = 1 << 20

# Flag → the component class (``reading-pane--<name>``) that styles it, in paint order.
FLAG_NAMES: tuple[tuple[int, str], ...] = (
    (TITLE, "title"),
    (META, "meta"),
    (H1, "h1"),
    (H2, "h2"),
    (H3, "h3"),
    (QUOTE, "quote"),
    (CODE_BLOCK, "code-block"),
    (TABLE, "table"),
    (TABLE_HEAD, "table-head"),
    (CAPTION, "caption"),
    (IMAGE, "image"),
    (EM, "em"),
    (STRONG, "strong"),
    (CODE, "code"),
    (LINK, "link"),
    (LINK_NUMBER, "link-number"),
    (MARKER, "marker"),
    (RULE, "rule"),
    (LINKS_HEAD, "links-head"),
    (NOTICE, "notice"),
    (NOTICE_HEAD, "notice-head"),
)

# rows to keep for the picture of the image at a URL, at a text width (0: none)
PictureRows = Callable[[str, int], int]

_SPAN_FLAGS = {"em": EM, "strong": STRONG, "code": CODE, "link": LINK}


class Run(NamedTuple):
    col: int
    text: str
    flags: int
    offset: int  # in Document.text; -1: decoration
    size: int  # characters of Document.text this run stands for


class Line(NamedTuple):
    runs: tuple[Run, ...]
    start: int  # first mapped offset on the line, or -1
    end: int  # end (exclusive) of the last mapped run, or -1
    fill: int  # flags painted across the whole text column (code background, notices)


class Rendered:
    """A document laid out at one width.

    A layout may be made lazily (:func:`render_document` with ``first``): the lines a screen
    needs are laid out at once, the rest when asked for (:meth:`line`, :meth:`line_of_offset`,
    :meth:`lay_out_some` from an idle timer). ``lines`` is every line (it finishes the layout);
    ``line_count`` is exact once :attr:`complete`, an estimate from the text left before."""

    def __init__(
        self,
        lines: list[Line],
        width: int,
        starts: list[int] | None = None,
        indexes: list[int] | None = None,
        links: tuple[str, ...] = (),
        figures: list[tuple[int, str]] | None = None,
        pictures: dict[int, tuple[str, int]] | None = None,
        *,
        builder: _Builder | None = None,
    ) -> None:
        self._lines = lines
        self.width = width
        # Lines that map to the text, in order: their start offsets and their line indexes.
        self.starts: list[int] = [] if starts is None else starts
        self.indexes: list[int] = [] if indexes is None else indexes
        self.links = links
        # Images: (the first line of each figure with a URL, its URL), in order; and the lines
        # kept for pictures drawn in the pane (see ui/widgets/inline_images.py): line -> (URL,
        # row). Both grow with a lazy layout, as the lines do.
        self.figures: list[tuple[int, str]] = [] if figures is None else figures
        self.pictures: dict[int, tuple[str, int]] = {} if pictures is None else pictures
        self._builder = builder

    @property
    def lines(self) -> list[Line]:
        """Every line (the layout is finished first)."""
        self.finish()
        return self._lines

    @property
    def complete(self) -> bool:
        return self._builder is None

    @property
    def laid_out(self) -> int:
        """Lines laid out so far."""
        return len(self._lines)

    @property
    def line_count(self) -> int:
        """How many lines there are: exact once complete, else an estimate."""
        builder = self._builder
        if builder is None:
            return len(self._lines)
        return max(len(self._lines), builder.estimate())

    def line(self, index: int) -> Line | None:
        """Line ``index`` (laid out now if need be); None past the end."""
        if index < 0:
            return None
        self.lay_out_to(index + 1)
        return self._lines[index] if index < len(self._lines) else None

    def lay_out_to(self, count: int) -> None:
        """Lay out until there are ``count`` lines (or all of them)."""
        builder = self._builder
        while builder is not None and len(self._lines) < count:
            if not builder.step():
                self._builder = builder = None

    def lay_out_through(self, offset: int) -> None:
        """Lay out every block that starts at or before ``offset`` of the text."""
        builder = self._builder
        while builder is not None and builder.next_start() <= offset:
            if not builder.step():
                self._builder = builder = None

    def lay_out_some(self, seconds: float) -> bool:
        """Lay out for about ``seconds`` (at least one block); True once complete."""
        builder = self._builder
        end = perf_counter() + seconds
        while builder is not None:
            if not builder.step():
                self._builder = builder = None
            elif perf_counter() >= end:
                break
        return builder is None

    def finish(self) -> None:
        builder = self._builder
        while builder is not None and builder.step():
            pass
        self._builder = None

    def line_of_offset(self, offset: int) -> int:
        """Index of the line showing ``offset`` (the nearest line before it when ``offset``
        falls between lines, e.g. on a space where a line was wrapped)."""
        self.lay_out_through(offset)
        if not self.starts:
            return 0
        i = bisect_right(self.starts, offset) - 1
        return self.indexes[max(i, 0)]

    def offset_at(self, line_index: int, col: int) -> int | None:
        """The document offset drawn at (``col``, ``line_index``) of the text column, or the
        nearest mapped offset on that line; ``None`` if the line maps to no text."""
        line = self.line(line_index)
        if line is None or line.start < 0:
            return None
        best: int | None = None
        for run in line.runs:
            if run.offset < 0:
                continue
            run_cells = cells(run.text)
            if col < run.col:
                return run.offset if best is None else best
            if col < run.col + run_cells:
                if run.size != len(run.text):
                    return run.offset
                return run.offset + _char_index_at(run.text, col - run.col)
            best = run.offset + run.size
        return best


# -- cell widths ------------------------------------------------------------------------------

_SINGLE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xAC),
    (0xAE, 0x2FF),
    (0x370, 0x482),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x2500, 0x25FC),
)
_SINGLE_CELL = frozenset(chr(c) for a, b in _SINGLE_RANGES for c in range(a, b + 1))
_is_single = _SINGLE_CELL.issuperset


def cells(text: str) -> int:
    """Terminal cells ``text`` takes (the same measure Rich and Textual use)."""
    if _is_single(text):
        return len(text)
    return sum(map(get_character_cell_size, text))


def _char_index_at(text: str, col: int) -> int:
    """Index of the character of ``text`` drawn at cell ``col``."""
    if _is_single(text):
        return min(col, len(text) - 1) if text else 0
    total = 0
    for i, ch in enumerate(text):
        total += get_character_cell_size(ch)
        if total > col:
            return i
    return max(len(text) - 1, 0)


def _cumulative(text: str) -> list[int] | None:
    """cum[i] = cells of text[:i]; None when every character is one cell."""
    if _is_single(text):
        return None
    return [0, *accumulate(map(get_character_cell_size, text))]


# Whatever slipped through sanitising is drawn as a visible mark, never sent to the terminal:
# the characters sanitize.clean_text removes (a document or a row the store holds may predate
# that, or have been written by something else). One character for one, so offsets stay exact.
# The list is sanitize's (control_map), the one home of what is forbidden.
_CONTROL_PROSE = control_map(whitespace=" ")  # tab and newline: a space
_CONTROL_CODE = control_map(whitespace=None)  # tab and newline kept (code blocks)


def safe(text: str) -> str:
    """Text from a feed, a page, the store or the config made harmless to show on one line:
    escape sequences, controls, bidi and invisible characters removed and towers of marks
    capped (:func:`~tui_reader.sanitize.clean_text`), anything left drawn as U+FFFD, white
    space folded. Every such string goes through it on its way into a widget (the reading
    pane's text through the one-for-one map above); the length may change."""
    if text.isascii() and text.isprintable():  # the usual case: nothing to remove
        return " ".join(text.split())
    return shown(" ".join(clean_text(text).split()), _CONTROL_PROSE)


# -- wrapping ---------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


@lru_cache(maxsize=64)
def _line_pattern(width: int) -> re.Pattern[str]:
    """The longest run of at most ``width`` characters that starts a word and ends before a
    space (or the end); else a ``width``-long cut of a longer word."""
    if width == 1:
        return re.compile(r"\S")
    return re.compile(rf"\S(?:.{{0,{width - 2}}}\S)?(?=\s|$)|\S{{1,{width}}}")


def wrap(text: str, width: int, markers: dict[int, str] | None = None) -> list[tuple[int, int]]:
    """Break one line of prose into (start, end) pieces of at most ``width`` cells, at spaces;
    words longer than a line are cut. ``markers`` are extra strings drawn after position p
    (link numbers): they count in the width of the word they end."""
    width = max(width, 1)
    if _is_single(text):
        # One cell per character: the regular expression engine does the work. Markers are
        # stood in for by as many characters glued to their word, then taken out again.
        if not markers:
            return [m.span() for m in _line_pattern(width).finditer(text)]
        return _wrap_with_markers(text, width, markers)
    return _wrap_words(text, width, markers)


def _wrap_with_markers(text: str, width: int, markers: dict[int, str]) -> list[tuple[int, int]]:
    parts: list[str] = []
    starts: list[int] = []  # where each marker starts in the padded text
    before: list[int] = []  # characters added before it
    lengths: list[int] = []
    added = 0
    previous = 0
    for p in sorted(markers):
        parts.append(text[previous:p])
        starts.append(p + added)
        before.append(added)
        lengths.append(len(markers[p]))
        parts.append("x" * len(markers[p]))
        added += len(markers[p])
        previous = p
    parts.append(text[previous:])
    padded = "".join(parts)

    def back(q: int) -> int:
        k = bisect_left(starts, q)
        if k < len(starts) and starts[k] == q:  # between a word and its marker
            raise ValueError(q)
        k -= 1
        if k < 0:
            return q
        if q < starts[k] + lengths[k]:  # inside a marker: a word too long for a line
            raise ValueError(q)
        return q - before[k] - lengths[k]

    pieces = [m.span() for m in _line_pattern(width).finditer(padded)]
    try:
        return [(back(a), back(b)) for a, b in pieces]
    except ValueError:  # a marker would be cut off its word: measure word by word instead
        return _wrap_words(text, width, markers)


# -- line breaking between ideographs (UAX #14's ID class, with kinsoku shori) ----------------

# Characters a line may break before or after without a space: Han, kana, Hangul, Yi, Bopomofo,
# the CJK symbols and punctuation, fullwidth forms (code point ranges, inclusive).
_IDEOGRAPHIC_RANGES = (
    (0x2E80, 0x2FFF),  # CJK radicals, Kangxi radicals, ideographic description
    (0x3001, 0x303F),  # CJK symbols and punctuation (not the ideographic space)
    (0x3040, 0x9FFF),  # kana, Bopomofo, Hangul jamo, enclosed CJK, extension A, unified
    (0xA000, 0xA4CF),  # Yi
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF60),  # fullwidth forms
    (0xFF61, 0xFF9F),  # halfwidth katakana and punctuation
    (0xFFE0, 0xFFE6),  # fullwidth signs
    (0x20000, 0x3FFFF),  # CJK extensions B and beyond
)
_IDEOGRAPHIC_STARTS = [a for a, _ in _IDEOGRAPHIC_RANGES]
_IDEOGRAPHIC_ENDS = [b for _, b in _IDEOGRAPHIC_RANGES]
# Never at the start of a line (closing punctuation, iteration marks, the prolonged sound mark,
# small kana: UAX #14's CL, CP, EX, IS, NS and kinsoku's line-start rules).
_NO_BREAK_BEFORE = frozenset(
    "，。、．・：；？！」』）】〕〉》〗〙〛〞〟ー々〻ゝゞヽヾ‥…〜～゛゜"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "｡｣､･ｰﾞﾟｧｨｩｪｫｯｬｭｮ］｝｠％"
    "︐︑︒︓︔︕︖︰︶︸︺︼︾﹀﹂﹄﹈﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"
    ")]}>,.:;!?%’”»›"
)
# Never at the end of a line (opening punctuation: UAX #14's OP, kinsoku's line-end rules).
_NO_BREAK_AFTER = frozenset("「『（【〔〈《〖〘〚〝［｛｟｢﹙﹛﹝︵︷︹︻︽︿﹁﹃﹇([{<‘“«‹")


def _ideographic(ch: str) -> bool:
    c = ord(ch)
    if c < 0x2E80:
        return False
    i = bisect_right(_IDEOGRAPHIC_STARTS, c) - 1
    return i >= 0 and c <= _IDEOGRAPHIC_ENDS[i]


def _break_units(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The pieces of the word ``text[start:end]`` a line may break between: after or before
    an ideograph, never before closing or after opening punctuation. One pass."""
    if max(text[start:end]) < "\u2e80":  # no ideograph: one piece
        yield start, end
        return
    piece = start
    prev = text[start]
    prev_ideo = "\u3040" <= prev <= "\u9fff" or _ideographic(prev)
    for i in range(start + 1, end):
        ch = text[i]
        # Kana and the unified ideographs first: most of any CJK text, and no call.
        ideo = "\u3040" <= ch <= "\u9fff" or _ideographic(ch)
        if (prev_ideo or ideo) and ch not in _NO_BREAK_BEFORE and prev not in _NO_BREAK_AFTER:
            yield piece, i
            piece = i
        prev, prev_ideo = ch, ideo
    yield piece, end


def _wrap_words(
    text: str, width: int, markers: dict[int, str] | None = None
) -> list[tuple[int, int]]:
    """:func:`wrap` word by word, measuring every character (wide characters). Words that
    hold ideographs are broken between them too (:func:`_break_units`)."""
    width = max(width, 1)
    cum = _cumulative(text)

    def span_cells(a: int, b: int) -> int:
        return b - a if cum is None else cum[b] - cum[a]

    words = [u for m in _WORD.finditer(text) for u in _break_units(text, *m.span())]
    widths = [span_cells(a, b) for a, b in words]
    ends = [b for _, b in words]
    extra: dict[int, int] = {}  # marker widths at positions inside long words
    for p, mark in (markers or {}).items():
        k = bisect_left(ends, p)
        if k < len(words) and words[k][0] < p:
            widths[k] += len(mark)
            extra[p] = len(mark)

    out: list[tuple[int, int]] = []
    line_start = -1
    line_end = 0
    used = 0
    for (s, e), w in zip(words, widths, strict=True):
        if line_start >= 0:
            gap = span_cells(line_end, s)
            if used + gap + w <= width:
                used += gap + w
                line_end = e
                continue
            out.append((line_start, line_end))
        line_start, line_end, used = s, e, w
        if used > width:
            # A word longer than the line: cut it into line-sized pieces.
            pos = s
            while used > width:
                cut = pos
                acc = 0
                while cut < e:
                    step = span_cells(cut, cut + 1) + extra.get(cut + 1, 0)
                    if acc + step > width and cut > pos:
                        break
                    acc += step
                    cut += 1
                out.append((pos, cut))
                used -= acc
                pos = cut
            line_start, line_end = pos, e
    if line_start >= 0:
        out.append((line_start, line_end))
    return out


# -- layout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    title: str = ""
    meta: str = ""
    attachments: tuple[str, ...] = ()  # a line each, under the meta line (enclosures)


def header_for(
    doc: Document,
    *,
    title: str = "",
    source: str = "",
    date: str = "",
    attachments: tuple[str, ...] = (),
) -> Header:
    """The title and "byline · site · date" line: the document's own, else the given ones;
    then the ``attachments`` lines (an article's enclosures, described)."""
    parts = distinct_parts(doc.byline, doc.site_name or source, _short_date(doc.published) or date)
    return Header(doc.title or title, " · ".join(parts), attachments)


def _short_date(iso: str) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%-d %B %Y")
    except ValueError:
        return iso[:10]


class _Builder:
    def __init__(self, doc: Document, width: int, picture_rows: PictureRows | None = None) -> None:
        self.doc = doc
        self.width = max(width, 10)
        self.lines: list[Line] = []
        self.starts: list[int] = []
        self.indexes: list[int] = []
        self.link_numbers = {href: i + 1 for i, href in enumerate(doc.links)}
        self.picture_rows = picture_rows
        self.figures: list[tuple[int, str]] = []
        self.pictures: dict[int, tuple[str, int]] = {}
        self._next = 0  # the next block to lay out (past the last: the link list is done)
        self._previous: Block | None = None
        self._head_lines = 0  # lines of the header and the notice

    # Lines ------------------------------------------------------------------------------

    def add(self, runs: list[Run], fill: int = 0) -> None:
        start = end = -1
        for run in runs:
            if run.offset >= 0:
                if start < 0:
                    start = run.offset
                end = run.offset + run.size
        if start >= 0:
            self.starts.append(start)
            self.indexes.append(len(self.lines))
        self.lines.append(Line(tuple(runs), start, end, fill))

    def blank(self, fill: int = 0) -> None:
        if self.lines and not self.lines[-1].runs and not fill and not self.lines[-1].fill:
            return
        self.lines.append(Line((), -1, -1, fill))

    def decoration(self, text: str, flags: int, indent: int = 0, fill: int = 0) -> None:
        """Wrapped text that is not part of the document (title, notices, link list)."""
        text = safe(text)
        for a, b in wrap(text, self.width - indent):
            self.add([Run(indent, text[a:b], flags, -1, 0)], fill)

    # Blocks -----------------------------------------------------------------------------

    def prose(
        self,
        block: Block,
        base: int,
        flags: int,
        *,
        first_prefix: list[Run] | None = None,
        prefix: list[Run] | None = None,
        tail: tuple[str, int] | None = None,
    ) -> None:
        """A block of prose: wrapped at spaces, styled by its spans, link numbers added;
        ``tail`` is decoration drawn right after the text (a caption's closing bracket)."""
        text = shown(block.text, _CONTROL_PROSE)
        spans = block.spans
        markers: dict[int, tuple[str, int]] = {}
        for span in spans:
            if span.kind == "link" and span.href and 0 < span.end <= len(text):
                n = self.link_numbers.get(span.href)
                # The number goes right after the link's last visible character.
                end = span.end
                while end > span.start and text[end - 1].isspace():
                    end -= 1
                if n and end > max(span.start, 0):
                    mark, _ = markers.get(end, ("", 0))
                    markers[end] = (mark + f"[{n}]", LINK_NUMBER)
        if tail and text.strip():
            end = len(text.rstrip())
            mark, _ = markers.get(end, ("", 0))
            markers[end] = (mark + tail[0], tail[1])
        # Constant-style intervals over the text.
        if spans or markers:
            points = {0, len(text), *markers}
            for span in spans:
                points.add(min(max(span.start, 0), len(text)))
                points.add(min(max(span.end, 0), len(text)))
            cuts = sorted(points)
            intervals: list[tuple[int, int, int]] = []
            for a, b in pairwise(cuts):
                f = flags
                for span in spans:
                    if span.start <= a and b <= span.end:
                        f |= _SPAN_FLAGS.get(span.kind, 0)
                intervals.append((a, b, f))
        else:
            intervals = [(0, len(text), flags)]
        interval_starts = [iv[0] for iv in intervals]
        cum = _cumulative(text)
        head = first_prefix or []
        rest = prefix or []
        indent_first = sum(cells(r.text) for r in head) + (head[0].col if head else 0)
        indent_rest = sum(cells(r.text) for r in rest) + (rest[0].col if rest else 0)
        indent = max(indent_first, indent_rest)
        widths = {p: m for p, (m, _f) in markers.items()}
        pieces = wrap(text, self.width - indent, widths)
        for n, (ls, le) in enumerate(pieces):
            runs = list(head if n == 0 else rest)
            col = indent_first if n == 0 else indent_rest
            i = max(bisect_right(interval_starts, ls) - 1, 0)
            while i < len(intervals):
                a, b, f = intervals[i]
                if a >= le:
                    break
                a2, b2 = max(a, ls), min(b, le)
                if b2 > a2:
                    piece = text[a2:b2]
                    runs.append(Run(col, piece, f, base + a2, b2 - a2))
                    col += (b2 - a2) if cum is None else cum[b2] - cum[a2]
                if ls < b <= le and b in markers:
                    mark, mark_flags = markers[b]
                    runs.append(Run(col, mark, mark_flags, -1, 0))
                    col += len(mark)
                i += 1
            self.add(runs)

    def code(self, block: Block, base: int) -> None:
        text = shown(block.text, _CONTROL_CODE)
        width = self.width - 2
        pos = 0
        for raw in text.split("\n"):
            runs: list[Run] = []
            col = 2
            start = pos
            pieces: list[tuple[int, str, int]] = []  # (offset, text, size)
            for j, part in enumerate(raw.split("\t")):
                if j:
                    k = 4 - ((col - 2) % 4)
                    pieces.append((start, " " * k, 1))
                    col += k
                    start += 1
                if part:
                    pieces.append((start, part, len(part)))
                    col += cells(part)
                    start += len(part)
            col = 2
            for offset, piece, size in pieces:
                if size == len(piece):
                    # Cut over-long lines into width-sized rows.
                    cum = _cumulative(piece)
                    a = 0
                    while a < len(piece):
                        room = width - (col - 2)
                        if room <= 0:
                            self.add(runs, CODE_BLOCK)
                            runs, col = [], 2
                            room = width
                        b = a
                        acc = 0
                        while b < len(piece):
                            step = 1 if cum is None else cum[b + 1] - cum[b]
                            if acc + step > room:
                                break
                            acc += step
                            b += 1
                        if b == a:
                            b = a + 1
                        runs.append(Run(col, piece[a:b], CODE_BLOCK, base + offset + a, b - a))
                        col += acc
                        a = b
                else:
                    runs.append(Run(col, piece, CODE_BLOCK, base + offset, size))
                    col += len(piece)
            self.add(runs, CODE_BLOCK)
            pos += len(raw) + 1

    def table(self, block: Block, base: int) -> None:
        rows = [[" ".join(shown(c, _CONTROL_PROSE).split()) for c in r] for r in block.rows]
        ncols = max(len(r) for r in rows)
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        # Where each cell sits in the block's text, searched in order.
        text = block.text
        where: list[list[int]] = []
        pos = 0
        for r in rows:
            found_row: list[int] = []
            for c in r:
                at = text.find(c, pos) if c else -1
                if at >= 0:
                    pos = at + len(c)
                found_row.append(at)
            where.append(found_row)
        widths = [max(cells(r[k]) for r in rows) for k in range(ncols)]
        total = sum(widths) + 3 * (ncols - 1)
        if total > self.width:
            # Too wide for a grid: each row as one wrapped line, cells separated by bars.
            for i, (r, w) in enumerate(zip(rows, where, strict=True)):
                self._table_row_flow(r, w, base, TABLE_HEAD if i == 0 else TABLE)
            return
        for i, (r, w) in enumerate(zip(rows, where, strict=True)):
            runs: list[Run] = []
            col = 0
            for k, (cell, at) in enumerate(zip(r, w, strict=True)):
                if k:
                    runs.append(Run(col, " │ ", MARKER, -1, 0))
                    col += 3
                flags = TABLE_HEAD if i == 0 else TABLE
                if cell:
                    if at >= 0:
                        runs.append(Run(col, cell, flags, base + at, len(cell)))
                    else:
                        runs.append(Run(col, cell, flags, -1, 0))
                col += widths[k]
            self.add(runs)
            if i == 0 and len(rows) > 1:
                rule = "─┼─".join("─" * w for w in widths)
                self.add([Run(0, rule, MARKER, -1, 0)])

    def _table_row_flow(self, row: list[str], where: list[int], base: int, flags: int) -> None:
        runs: list[Run] = []
        col = 0
        for k, (cell, at) in enumerate(zip(row, where, strict=True)):
            if k:
                if col + 3 > self.width:
                    self.add(runs)
                    runs, col = [], 0
                runs.append(Run(col, " │ ", MARKER, -1, 0))
                col += 3
            for a, b in wrap(cell, self.width):
                piece = cell[a:b]
                if col and col + cells(piece) > self.width:
                    self.add(runs)
                    runs, col = [], 0
                offset = base + at + a if at >= 0 else -1
                runs.append(Run(col, piece, flags, offset, len(piece) if offset >= 0 else 0))
                col += cells(piece)
        if runs:
            self.add(runs)

    def picture(self, src: str) -> None:
        """Rows kept for the image at ``src`` above its ``[image: ...]`` line: as many as
        ``picture_rows`` says (none while it is not drawn in the pane)."""
        self.figures.append((len(self.lines), src))
        rows = self.picture_rows(src, self.width) if self.picture_rows is not None else 0
        for row in range(rows):
            self.pictures[len(self.lines)] = (src, row)
            self.lines.append(Line((), -1, -1, IMAGE))

    # The whole document -----------------------------------------------------------------

    def build(self, header: Header, notice: tuple[str, ...]) -> None:
        """Lay out the whole document."""
        self.begin(header, notice)
        while self.step():
            pass

    def begin(self, header: Header, notice: tuple[str, ...]) -> None:
        """The header and the notice; the blocks follow one :meth:`step` at a time."""
        self.blank()
        if header.title:
            self.decoration(header.title, TITLE)
        if header.meta:
            self.decoration(header.meta, META)
        for line in header.attachments:
            self.decoration(line, META)
        if header.title or header.meta or header.attachments:
            self.add([Run(0, "─" * min(self.width, 40), RULE, -1, 0)])
        if notice:
            self.blank()
            self.blank(NOTICE)
            for i, text in enumerate(notice):
                self.decoration(text, NOTICE_HEAD if i == 0 else NOTICE, 2, NOTICE)
            self.blank(NOTICE)
        self._head_lines = len(self.lines)

    def next_start(self) -> int:
        """Where the next block to lay out starts in the text (past the end: all are)."""
        offsets = self.doc.offsets
        return offsets[self._next][0] if self._next < len(offsets) else 1 << 62

    def step(self) -> bool:
        """Lay out the next block (after the last one: the link list); False when done."""
        blocks = self.doc.blocks
        while self._next < len(blocks):
            block = blocks[self._next]
            start = self.doc.offsets[self._next][0]
            self._next += 1
            if not block.text and block.kind not in ("figure", "table"):
                continue
            previous = self._previous
            tight = previous is not None and previous.kind == "list_item" == block.kind
            if previous is not None and previous.kind == "quote" == block.kind:
                # The next paragraph of the same quotation: a line of the bar alone between
                # them, so they stay paragraphs and the quote stays one.
                bar = "│" + " │" * (min(max(previous.level, 1), max(block.level, 1)) - 1)
                self.add([Run(0, bar, MARKER | QUOTE, -1, 0)])
            elif not tight:
                self.blank()
            self.block(block, start)
            self._previous = block
            return True
        if self._next == len(blocks):
            self._next += 1
            self._links()
        return False

    def _links(self) -> None:
        if self.link_numbers:
            self.blank()
            self.add([Run(0, "Links", LINKS_HEAD, -1, 0)])
            for href, n in self.link_numbers.items():
                label = f"[{n}] "
                url = safe(href)
                for j, (a, b) in enumerate(wrap(url, self.width - len(label))):
                    runs = [Run(0, label, LINK_NUMBER, -1, 0)] if j == 0 else []
                    runs.append(Run(len(label), url[a:b], LINK, -1, 0))
                    self.add(runs)
        self.blank()

    def estimate(self) -> int:
        """Lines the whole layout will have, from the share of the text laid out so far."""
        offsets = self.doc.offsets
        total = offsets[-1][1] if offsets else 0
        done = offsets[self._next - 1][1] if 0 < self._next <= len(offsets) else 0
        body = len(self.lines) - self._head_lines
        # Lines per character: as seen so far once there is enough of it, else a guess
        # (a line of prose holds most of the width; blank lines between paragraphs).
        per_char = body / done if done >= 2000 else 1.2 / self.width
        links = 2 + len(self.link_numbers) if self.link_numbers else 1
        return len(self.lines) + int((total - done) * per_char) + links

    def block(self, block: Block, base: int) -> None:
        kind = block.kind
        if kind == "heading":
            level = max(block.level, 1)
            flags = H1 if level <= 1 else H2 if level == 2 else H3
            self.prose(block, base, flags)
        elif kind == "list_item":
            indent = 2 * min(max(block.level, 0), 8)
            if block.ordered:
                marker = f"{block.number or 1}. "
            else:
                marker = ("• ", "◦ ", "▪ ")[min(max(block.level, 0), 8) % 3]
            self.prose(
                block,
                base,
                0,
                first_prefix=[Run(indent, marker, MARKER, -1, 0)],
                prefix=[Run(indent, " " * len(marker), 0, -1, 0)],
            )
        elif kind == "quote":
            bar = "│ " * max(block.level, 1)
            self.prose(
                block,
                base,
                QUOTE,
                first_prefix=[Run(0, bar, MARKER | QUOTE, -1, 0)],
                prefix=[Run(0, bar, MARKER | QUOTE, -1, 0)],
            )
        elif kind == "code":
            self.code(block, base)
        elif kind == "figure":
            if block.src:
                self.picture(block.src)
            if block.text:
                head = [Run(0, "[image: ", IMAGE, -1, 0)]
                self.prose(block, base, CAPTION, first_prefix=head, tail=("]", IMAGE))
            else:
                # No caption: the alt text says what the image is (not article text: it
                # has no offsets, so a highlight never lands in it).
                label = f"[image: {safe(block.alt)}]" if block.alt else "[image]"
                for a, b in wrap(label, max(self.width, 1)):
                    self.add([Run(0, label[a:b], IMAGE, -1, 0)])
        elif kind == "table" and block.rows:
            self.table(block, base)
        else:
            self.prose(block, base, 0)


SMALL_REST = 4000  # characters: a rest this short is laid out at once


def render_document(
    doc: Document,
    width: int,
    header: Header | None = None,
    notice: tuple[str, ...] = (),
    picture_rows: PictureRows | None = None,
    *,
    first: int | None = None,
) -> Rendered:
    """Lay ``doc`` out in lines of at most ``width`` cells. ``notice`` lines (an error and what
    to do about it) are shown in a box above the text. ``picture_rows(url, width)``: rows to
    keep above an image's ``[image: ...]`` line for its picture (see ``Rendered.pictures``).
    ``first``: lay out only the first that many lines now (and the rest of a short text), the
    others when asked for."""
    builder = _Builder(doc, width, picture_rows)
    builder.begin(header if header is not None else header_for(doc), notice)
    rendered = Rendered(
        builder.lines,
        builder.width,
        builder.starts,
        builder.indexes,
        tuple(builder.link_numbers),
        builder.figures,
        builder.pictures,
        builder=builder,
    )
    if first is None:
        rendered.finish()
    else:
        rendered.lay_out_to(first)
        offsets = doc.offsets
        if offsets and offsets[-1][1] - builder.next_start() <= SMALL_REST:
            rendered.finish()
    return rendered
