"""Sentences (and paragraphs) of a document's plain text, as (start, end) offsets.

The reading cursor moves by sentence; highlighting extends by word, sentence or paragraph.
Every unit lies inside one block: a heading, a table, a figure caption or a line of code is a
unit of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from tui_reader.document import Block, Document

# A sentence ends at . ! ? or … (closing quotes and brackets included) before white space,
# when what follows does not start in lower case.
# Only from the start of a run of stops: from inside one, "[.!?…]+" rescanned the rest of the
# run before failing (quadratic in a run of dots); a match inside a run also matches at its start.
# Chinese and Japanese end a sentence at a full-width stop (。！？, and the half-width ｡) with
# its closing quotes and brackets, with no space after it (they write none).
_END = re.compile(
    r"""(?<![.!?…])[.!?…]+['"”’»)\]]*(?=\s+['"“‘«(\[¿¡]*[^\W_a-z])"""
    r"""|(?<![。！？｡])[。！？｡]+[」』）】〕〉》”’"')\]]*"""
)
_ABBREVIATIONS = frozenset(
    (
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "eg",
        "ie",
        "cf",
        "al",
        "no",
        "nos",
        "fig",
        "figs",
        "vol",
        "pp",
        "ed",
        "eds",
        "rev",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "approx",
        "dept",
        "est",
        "mt",
        "ft",
    )
)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_WORD = re.compile(r"\S+")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Does the '.' at ``dot`` end an abbreviation or an initial rather than a sentence?"""
    if text[dot] != ".":
        return False
    m = _LAST_WORD.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith", "U.S."
        return True
    return word.lower().replace(".", "") in _ABBREVIATIONS


def split_sentences(text: str, base: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (one block), shifted by ``base``; leading and
    trailing white space is not part of a sentence."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        if _is_abbreviation(text, m.start()):
            continue
        out.append((start, end))
        start = end
    if start < n:
        out.append((start, n))
    result: list[tuple[int, int]] = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((base + s, base + e))
    return result


def sentence_spans(doc: Document) -> list[tuple[int, int]]:
    """Every sentence of ``doc.text`` in order."""
    spans: list[tuple[int, int]] = []
    for block, (start, end) in zip(doc.blocks, doc.offsets, strict=True):
        spans.extend(_block_sentences(block, start, end))
    return spans


def first_sentence(doc: Document) -> tuple[int, int] | None:
    """``sentence_spans(doc)[0]`` (None if it has none), reading no further than it."""
    for block, (start, end) in zip(doc.blocks, doc.offsets, strict=True):
        spans = _block_sentences(block, start, end)
        if spans:
            return spans[0]
    return None


def _block_sentences(block: Block, start: int, end: int) -> list[tuple[int, int]]:
    if end <= start:
        return []
    if block.kind in ("heading", "table", "figure"):
        return [(start, end)]
    if block.kind == "code":
        spans = []
        pos = start
        for line in block.text.split("\n"):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                spans.append((pos + lead, pos + len(line.rstrip())))
            pos += len(line) + 1
        return spans
    return split_sentences(block.text, start)


def paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    """Every non-empty block of ``doc.text`` in order."""
    return [(s, e) for s, e in doc.offsets if e > s]


def unit_at(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the unit holding ``offset`` (or the nearest one before it); -1 if none."""
    if not spans:
        return -1
    i = bisect_right(spans, (offset, 1 << 62)) - 1
    return max(i, 0)


def word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words (runs of non-space) of ``text[start:end]`` as absolute (start, end) offsets."""
    return [m.span() for m in _WORD.finditer(text, start, end)]
