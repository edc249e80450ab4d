"""The keyboard selection: a range of ``Document.text`` grown or shrunk by a character, a word,
a sentence or a paragraph at a time. Pure functions, no Textual.

A :class:`TextSelection` has two ends and one of them is *active* (the one that moves), as in
vim's visual mode. Moving forward pushes the active end to the next unit boundary; moving back
pulls it to the previous one. When the end would cross the other end, the other end moves
instead, so a selection is never empty: pressing ``b`` after ``v`` grows it leftwards, and
``o`` swaps the ends so that the start can be moved.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Literal

from tui_reader.document import Document
from tui_reader.ui.render import Rendered, cells
from tui_reader.ui.textunits import paragraph_spans, sentence_spans

Unit = Literal["char", "word", "sentence", "paragraph"]
UNITS: tuple[Unit, ...] = ("char", "word", "sentence", "paragraph")

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class TextSelection:
    """``text[start:end]`` (start < end); ``at_end``: the end is the active one."""

    start: int
    end: int
    at_end: bool = True

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def head(self) -> int:
        """The active end's offset (keep it in view)."""
        return self.end if self.at_end else self.start

    def swapped(self) -> TextSelection:
        """The same range with the other end active."""
        return TextSelection(self.start, self.end, not self.at_end)


@dataclass
class _Bounds:
    starts: list[int]
    ends: list[int]


@dataclass
class TextUnits:
    """Where the units of one document's text begin and end (computed once, on demand)."""

    text: str
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    _cache: dict[str, _Bounds] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document, sentences: list[tuple[int, int]] | None = None) -> TextUnits:
        """The units of ``doc`` (``sentences``: already computed ones, e.g. the pane's)."""
        return cls(
            doc.text,
            sentences if sentences is not None else sentence_spans(doc),
            paragraph_spans(doc),
        )

    def _bounds(self, unit: Unit) -> _Bounds:
        found = self._cache.get(unit)
        if found is None:
            if unit == "word":
                spans = [m.span() for m in _WORD.finditer(self.text)]
            elif unit == "sentence":
                spans = self.sentences
            else:
                spans = self.paragraphs
            found = self._cache[unit] = _Bounds(
                sorted(s for s, _ in spans), sorted(e for _, e in spans)
            )
        return found

    def next_end(self, unit: Unit, pos: int) -> int | None:
        """The first place a unit ends after ``pos``."""
        if unit == "char":
            return pos + 1 if pos < len(self.text) else None
        ends = self._bounds(unit).ends
        i = bisect_right(ends, pos)
        return ends[i] if i < len(ends) else None

    def prev_end(self, unit: Unit, pos: int) -> int | None:
        """The last place a unit ends before ``pos``."""
        if unit == "char":
            return pos - 1 if pos > 0 else None
        ends = self._bounds(unit).ends
        i = bisect_left(ends, pos)
        return ends[i - 1] if i > 0 else None

    def next_start(self, unit: Unit, pos: int) -> int | None:
        """The first place a unit starts after ``pos``."""
        if unit == "char":
            return pos + 1 if pos < len(self.text) else None
        starts = self._bounds(unit).starts
        i = bisect_right(starts, pos)
        return starts[i] if i < len(starts) else None

    def prev_start(self, unit: Unit, pos: int) -> int | None:
        """The last place a unit starts before ``pos``."""
        if unit == "char":
            return pos - 1 if pos > 0 else None
        starts = self._bounds(unit).starts
        i = bisect_left(starts, pos)
        return starts[i - 1] if i > 0 else None

    def word_at(self, offset: int) -> tuple[int, int] | None:
        """The word holding ``offset``, else the first one after it, else the last one."""
        bounds = self._bounds("word")
        if not bounds.starts:
            return None
        i = bisect_right(bounds.starts, offset) - 1
        if i >= 0 and bounds.ends[i] > offset:
            return bounds.starts[i], bounds.ends[i]
        if i + 1 < len(bounds.starts):
            return bounds.starts[i + 1], bounds.ends[i + 1]
        return bounds.starts[-1], bounds.ends[-1]


def start_selection(units: TextUnits, offset: int) -> TextSelection | None:
    """A selection of the word at ``offset`` (the reading cursor's start); None: no text."""
    word = units.word_at(offset)
    if word is None:
        return None
    return TextSelection(word[0], word[1])


def extend(selection: TextSelection, units: TextUnits, unit: Unit, forward: bool) -> TextSelection:
    """Move the active end one ``unit`` forward or back (see the module's docstring)."""
    start, end = selection.start, selection.end
    if forward:
        if selection.at_end:
            new_end = units.next_end(unit, end)
            return TextSelection(start, new_end) if new_end is not None else selection
        new_start = units.next_start(unit, start)
        if new_start is not None and new_start < end:
            return TextSelection(new_start, end, at_end=False)
        # The start would pass the end: the end moves on instead.
        new_end = units.next_end(unit, end)
        return TextSelection(start, new_end if new_end is not None else end)
    if not selection.at_end:
        new_start = units.prev_start(unit, start)
        return TextSelection(new_start, end, at_end=False) if new_start is not None else selection
    new_end = units.prev_end(unit, end)
    if new_end is not None and new_end > start:
        return TextSelection(start, new_end)
    # The end would pass the start: the start moves back instead.
    new_start = units.prev_start(unit, start)
    return TextSelection(new_start if new_start is not None else start, end, at_end=False)


def move_to(selection: TextSelection, target: int) -> TextSelection:
    """Move the active end to ``target`` (a line up or down); when it would cross the other
    end, the start goes there and the end stays, as :func:`extend` does."""
    start, end = selection.start, selection.end
    if selection.at_end:
        if target > start:
            return TextSelection(start, target)
        return TextSelection(target, end, at_end=False) if target < start else selection
    if target < end:
        return TextSelection(target, end, at_end=False)
    return TextSelection(start, target) if target > end else selection


def column_of(rendered: Rendered, offset: int) -> tuple[int, int]:
    """(line, column in cells) where ``offset`` is drawn (at its line's end if it falls
    between runs, e.g. on the space where the line wraps)."""
    index = rendered.line_of_offset(offset)
    line = rendered.line(index)
    if line is None:
        return 0, 0
    col = 0
    for run in line.runs:
        if run.offset < 0:
            continue
        if run.offset <= offset < run.offset + run.size:
            if run.size != len(run.text):
                return index, run.col
            return index, run.col + cells(run.text[: offset - run.offset])
        if run.offset + run.size <= offset:
            col = run.col + cells(run.text)
    return index, col


def line_target(rendered: Rendered, offset: int, delta: int) -> int | None:
    """The offset drawn ``delta`` lines below (above, if negative) ``offset``, in the same
    column, skipping lines without text; None at the top or bottom."""
    index, col = column_of(rendered, offset)
    step = 1 if delta > 0 else -1
    remaining = abs(delta)
    while remaining:
        index += step
        line = rendered.line(index)  # (lays out no further than it, in a long document)
        if line is None:
            return None
        if line.start >= 0:
            remaining -= 1
    return rendered.offset_at(index, col)


def trimmed(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """``span`` without white space at either end; None if nothing is left."""
    start, end = max(0, span[0]), min(len(text), span[1])
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None
