"""Highlight anchoring: describe a passage so that it can be found again after the text changes.

A highlight keeps a :class:`Selector`: the quote, about 32 characters of context on each side,
its offsets and a hash of the text the offsets refer to. :func:`locate` places it again in a
(possibly changed) text, in this order:

1. the hash matches and the text at the offsets is the quote: the offsets are still right;
2. the text at the old offsets is still the quote, with its context: nothing moved there;
3. exact matches of the quote (whitespace and typographic quotes/dashes folded, case ignored),
   the context deciding between several, then nearness to the old position;
4. a fuzzy match (bounded edit distance, found from word seeds), scored on quote, prefix,
   suffix and position weighted 50:20:20:2 as Hypothesis's anchoring does — with floors;
5. the passage between both contexts found nearly verbatim, a word or two changed.

The floors are the point: a confident match in the wrong place is worse than "unanchored".
The same words may stand in several places (FAQ answers, product lists, repeated citations), so
a copy of the quote is taken only where its context says it is the highlighted one, whatever the
quote's length: one side intact and the other changed by at most a word or only beyond a
sentence or line end, or both sides within a word (context is compared in words as well as
characters: :func:`_context_support`). An exact copy with a changed context is weighed against
the quote reworded between its intact context (:func:`_or_reworded`). A quote of fewer than
four words is never placed fuzzily, and the similarity a fuzzy match needs rises as the quote
gets shorter. A side of the context that is empty or blank tells nothing (W3C makes both
optional; :func:`_context_scores`): the other side decides alone. Everything here is pure: no
I/O, no state besides a small cache of prepared texts.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

__all__ = [
    "CONTEXT",
    "Placement",
    "Selector",
    "locate",
    "make_selector",
    "place",
    "text_hash",
]

CONTEXT = 32  # characters of prefix and suffix kept with a highlight

# Weights of quote, prefix, suffix and position (dom-anchor-text-quote uses 50:20:20:2).
W_QUOTE, W_PREFIX, W_SUFFIX, W_POS = 50.0, 20.0, 20.0, 2.0
W_TOTAL = W_QUOTE + W_PREFIX + W_SUFFIX + W_POS

CLEAR_MARGIN = 0.2  # how much better a copy's context must be than a look-alike's to be chosen
MIN_FUZZY_WORDS = 4  # never place a quote of fewer words fuzzily
MAX_EXACT_CANDIDATES = 2000
MAX_FUZZY_WINDOWS = 8
MAX_SEEDS = 32


@dataclass(frozen=True)
class Selector:
    """How a highlight describes its passage (W3C TextQuote + TextPosition, plus a hash)."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    text_hash: str


@dataclass(frozen=True)
class Placement:
    """Where :func:`place` put a quote, how, and how sure it is (0..1)."""

    start: int
    end: int
    method: str  # "hash", "offsets", "exact", "fuzzy" or "context"
    score: float = 1.0
    quote_score: float = 1.0
    prefix_score: float = 1.0
    suffix_score: float = 1.0
    prefix_changes: int = 0  # words of the stored context found changed, before the quote
    suffix_changes: int = 0  # and after it
    one_side: bool = True  # one side of the context intact, the other explained
    quote_changes: int = 0  # words of the quote found changed (between its contexts)


@lru_cache(maxsize=4)
def text_hash(text: str) -> str:
    """A short hash of a whole text: equal hashes mean the stored offsets still hold."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def make_selector(text: str, start: int, end: int, context: int = CONTEXT) -> Selector:
    """The selector of ``text[start:end]``; raises ValueError for an empty or bad range."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad highlight range {start}..{end} in a text of {len(text)} characters")
    return Selector(
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
        text_hash=text_hash(text),
    )


def locate(
    text: str,
    quote: str,
    prefix: str,
    suffix: str,
    start: int | None,
    end: int | None,
    text_hash: str,
) -> tuple[int, int] | None:
    """Offsets of the quote in ``text``, or None when it cannot be placed with confidence."""
    found = place(text, quote, prefix, suffix, start, end, text_hash)
    return (found.start, found.end) if found else None


def place(
    text: str,
    quote: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    hash_: str = "",
) -> Placement | None:
    """:func:`locate` with the details: the method that placed the quote and its scores."""
    if not quote or not text:
        return None
    old_ok = start is not None and end is not None and 0 <= start < end <= len(text)
    if old_ok and hash_ and hash_ == text_hash(text):
        assert start is not None and end is not None
        if text[start:end] == quote:  # a hash from elsewhere proves nothing about offsets
            return Placement(start, end, "hash")

    prep = _prepare(text)
    q = _fold_plain(quote).strip()
    if not q:
        return None
    qy = _Query(text, prep, q, prefix, suffix, _fold_plain(prefix), _fold_plain(suffix), start)

    if old_ok:
        assert start is not None and end is not None
        if _fold_plain(text[start:end]).strip() == q:
            fs, fe = _folded_span(prep, start, end)
            ps, ss = _context_scores(prep.folded, fs, fe, qy.pre, qy.suf)
            ctx = _context_support(qy, fs, fe, ps, ss)
            unique = prep.folded.find(q) == fs and prep.folded.find(q, fs + 1) == -1
            if _copy_accepts(qy, ps, ss, ctx, unique, (fs, fe)):
                return _or_reworded(qy, Placement(start, end, "offsets", 1.0, 1.0, ps, ss, *ctx))

    exact = _exact(qy)
    if exact is not None:
        return _or_reworded(qy, exact)
    fuzzy = _fuzzy(qy)
    if fuzzy is not None:
        return fuzzy
    return _bracketed(qy)


def _or_reworded(qy: _Query, copy: Placement) -> Placement | None:
    """An exact copy whose context changed, or the quote reworded in its intact context?

    Both are places where something changed: weigh them in words. The copy's context differs
    from the stored one in ``prefix_changes + suffix_changes`` words; a passage between the
    stored contexts differs from the quote in ``quote_changes`` words. Clearly fewer changes
    win (the highlighted sentence with a typo fixed, not another copy of it elsewhere); about
    as many on both: neither is chosen."""
    copy_changes = copy.prefix_changes + copy.suffix_changes
    if copy_changes < 2:
        return copy  # its context is there, within a word: nothing to weigh it against
    other = _bracketed(qy)
    if other is None or other.quote_changes == 0:
        return copy  # nothing reworded (another exact copy was weighed as such, or not at all)
    if other.start < copy.end and copy.start < other.end:
        return copy
    other_changes = other.quote_changes + other.prefix_changes + other.suffix_changes
    if other_changes + 2 <= copy_changes:
        return other
    if copy_changes + 2 <= other_changes:
        return copy
    return None


@dataclass(frozen=True)
class _Query:
    """One placement's inputs: the new text (raw and folded) and the stored selector."""

    text: str
    prep: _Prepared
    q: str  # the quote, folded and stripped
    prefix: str  # as stored
    suffix: str
    pre: str  # folded
    suf: str
    hint: int | None  # the old start

    # (Cached: asked for every candidate place, and an imported context may be long.)
    @cached_property
    def pre_known(self) -> bool:
        """Whether the stored prefix says anything (see :func:`_context_scores`)."""
        return bool(self.pre.strip())

    @cached_property
    def suf_known(self) -> bool:
        return bool(self.suf.strip())


# -- folding -------------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_WORD = re.compile(r"\w+")


def _lower_same_length(text: str) -> str:
    """Lower case, character for character (offsets must not move), context-free (final
    sigma folded to sigma, so a quote folds the same alone as inside its text)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("\u03c2", "\u03c3")


_SPACE_RUN = re.compile(r"\s+")


def same_quote(a: str, b: str) -> bool:
    """Whether two quotes are the same words as placing reads them (case, spacing and
    typography aside): an imported quote placed leniently is stored in the text's own words,
    and the file's is still that highlight's on the next import."""
    return a == b or _fold_plain(a).strip() == _fold_plain(b).strip()


def _fold_plain(text: str) -> str:
    """Whitespace runs to one space, typographic quotes and dashes to ASCII (``--`` to ``-``,
    ``...`` to ``…``), lower case."""
    text = _DASHES_DOTS.sub(_run_folded, _SPACE_RUN.sub(" ", text))
    return _lower_same_length(text.translate(_FOLD_TABLE))


# Typewriter spellings of a dash or an ellipsis fold to one character, as their typeset forms do.
_DASHES_DOTS = re.compile(r"--+|\.\.\.+")


def _run_folded(m: re.Match[str]) -> str:
    """The one character a folded run stands for: a space, a dash or an ellipsis."""
    first = m.group()[0]
    return "-" if first == "-" else "…" if first == "." else " "


@dataclass
class _Prepared:
    folded: str
    index: array[int]  # folded position -> original position
    length: int


_NOT_ONE_SPACE = re.compile(r"\s\s+|[^\S ]")
_FOLDED_RUN = re.compile(f"{_NOT_ONE_SPACE.pattern}|{_DASHES_DOTS.pattern}")


@lru_cache(maxsize=4)
def _prepare(text: str) -> _Prepared:
    """Fold ``text`` (see :func:`_fold_plain`) keeping a map back to the original offsets."""
    parts: list[str] = []
    index: array[int] = array("q")
    pos = 0
    for m in _FOLDED_RUN.finditer(text):
        parts.append(text[pos : m.start()])
        index.extend(range(pos, m.start()))
        parts.append(_run_folded(m))
        index.append(m.start())
        pos = m.end()
    parts.append(text[pos:])
    index.extend(range(pos, len(text)))
    folded = _lower_same_length("".join(parts).translate(_FOLD_TABLE))
    return _Prepared(folded, index, len(text))


def _folded_span(prep: _Prepared, start: int, end: int) -> tuple[int, int]:
    fs = bisect.bisect_left(prep.index, start)
    fe = bisect.bisect_left(prep.index, end)
    # Skip the folded space a quote starting or ending on whitespace would include.
    while fs < fe and prep.folded[fs] == " ":
        fs += 1
    while fe > fs and prep.folded[fe - 1] == " ":
        fe -= 1
    return fs, fe


def _original_span(prep: _Prepared, fs: int, fe: int) -> tuple[int, int]:
    # A folded character stands for the original run up to the next one ("--", "...").
    n = len(prep.index)
    return prep.index[fs] if fs < n else prep.length, prep.index[fe] if fe < n else prep.length


# -- edit distance (Myers' bit-parallel algorithm, Hyyrö's formulation) ----------------------


def _myers(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """For each i, the edit distance between ``pattern`` and the best substring of ``text``
    ending at i (``anchored``: the substring must start at 0, i.e. ``text[:i + 1]``)."""
    m = len(pattern)
    if m == 0:
        return [0 if not anchored else i + 1 for i in range(len(text))]
    peq: dict[str, int] = {}
    for i, c in enumerate(pattern):
        peq[c] = peq.get(c, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    carry = 1 if anchored else 0
    pv, mv, score = mask, 0, m
    out: list[int] = []
    append = out.append
    get = peq.get
    for c in text:
        eq = get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        append(score)
    return out


def _prefix_errors(folded: str, at: int, prefix: str) -> float:
    """Similarity (0..1) of ``prefix`` to the text just before ``at``; 1.0 for no prefix."""
    if not prefix:
        return 1.0
    lo = max(0, at - len(prefix) - len(prefix) // 2 - 2)
    before = folded[lo:at][::-1]
    if not before:
        return 0.0
    best = min(_myers(prefix[::-1], before, anchored=True))
    return max(0.0, 1.0 - best / len(prefix))


def _suffix_errors(folded: str, at: int, suffix: str) -> float:
    """Similarity (0..1) of ``suffix`` to the text just after ``at``; 1.0 for no suffix."""
    if not suffix:
        return 1.0
    after = folded[at : at + len(suffix) + len(suffix) // 2 + 2]
    if not after:
        return 0.0
    best = min(_myers(suffix, after, anchored=True))
    return max(0.0, 1.0 - best / len(suffix))


def _context_scores(folded: str, fs: int, fe: int, pre: str, suf: str) -> tuple[float, float]:
    """How alike the stored prefix and suffix are to the text around ``folded[fs:fe]``.

    A side that is empty or only whitespace tells nothing, and agrees with any place (1.0):
    W3C's TextQuoteSelector makes both sides optional (a tool writes only what tells its copy
    apart, or none), Hypothesis stores runs of a page's layout whitespace, and the text here
    is not the page they were made on, so "no prefix" is not "at the start of this text".
    Ranking and acceptance weigh the known sides only (:func:`_context_mean`)."""
    # Context is compared from the quote outwards; the space at the seam is not evidence.
    pre = pre.rstrip()
    suf = suf.lstrip()
    a = fs
    while a > 0 and folded[a - 1] == " ":
        a -= 1
    b = fe
    while b < len(folded) and folded[b] == " ":
        b += 1
    return _prefix_errors(folded, a, pre), _suffix_errors(folded, b, suf)


def _context_word_changes(folded: str, fs: int, fe: int, pre: str, suf: str) -> tuple[int, int]:
    """How many words of the stored context differ, on each side, from the text around the
    place ``folded[fs:fe]`` (word-level edit distance, read from the quote outwards).

    Counting in words tells a context edited by a word (a typo fixed, a word replaced: one
    change) from the context of another copy of the quote (several words differ), which
    character similarity alone does not: both may be 70% alike."""
    before = _WORD.findall(folded[max(0, fs - len(pre) - 16) : fs])[::-1]
    after = _WORD.findall(folded[fe : fe + len(suf) + 16])
    return _side_changes(
        _stored_words(pre, outer_first=True), before, backwards=True
    ), _side_changes(_stored_words(suf, outer_first=False), after, backwards=False)


def _stored_words(context: str, *, outer_first: bool) -> list[str]:
    """The words of a stored context, nearest the quote first; the outermost word is left out
    when the context was cut inside it (it may be a fragment)."""
    words = _WORD.findall(context)
    edge = context[:1] if outer_first else context[-1:]
    if len(words) > 1 and edge and (edge.isalnum() or edge == "_"):
        words = words[1:] if outer_first else words[:-1]
    return words[::-1] if outer_first else words


def _side_changes(stored: list[str], found: list[str], *, backwards: bool) -> int:
    """Word edit distance of ``stored`` from the best-matching start of ``found`` (both read
    from the quote outwards, ``backwards`` when that is against the reading order; how far
    ``found`` reaches is free). Two words on one side that are one word on the other are the
    same word, unchanged: "every-thing" (two words of ``\\w``) is "everything", and "on line"
    is "online". A few words: O(n * m)."""
    if not stored:
        return 0

    def joined(a: str, b: str) -> str:  # a, then the word after it going outwards
        return b + a if backwards else a + b

    n, m = len(stored), len(found)
    rows = [list(range(m + 1))]
    for i in range(1, n + 1):
        w = stored[i - 1]
        cur = [i]
        for j in range(1, m + 1):
            v = found[j - 1]
            best = min(rows[i - 1][j - 1] + (w != v), rows[i - 1][j] + 1, cur[j - 1] + 1)
            if i > 1 and joined(stored[i - 2], w) == v:
                best = min(best, rows[i - 2][j - 1])
            if j > 1 and joined(found[j - 2], v) == w:
                best = min(best, rows[i - 1][j - 2])
            cur.append(best)
        rows.append(cur)
    return min(rows[n])


def _context_mean(qy: _Query, ps: float, ss: float) -> float:
    """The context's agreement over the sides that say something: their mean, the one side
    known, or 0.0 when neither is (no context is no evidence for any place)."""
    if qy.pre_known and qy.suf_known:
        return (ps + ss) / 2
    if qy.pre_known:
        return ps
    if qy.suf_known:
        return ss
    return 0.0


def _position_score(orig_start: int, hint: int | None, length: int) -> float:
    if hint is None or length <= 0:
        return 0.5
    return max(0.0, 1.0 - abs(orig_start - hint) / length)


def _combined(qs: float, ps: float, ss: float, pos: float) -> float:
    return (W_QUOTE * qs + W_PREFIX * ps + W_SUFFIX * ss + W_POS * pos) / W_TOTAL


# -- exact matches -------------------------------------------------------------------------


def _exact(qy: _Query) -> Placement | None:
    prep, q, pre, suf, hint, length = qy.prep, qy.q, qy.pre, qy.suf, qy.hint, len(qy.text)
    folded = prep.folded
    hits: list[int] = []
    i = folded.find(q)
    while i != -1 and len(hits) < MAX_EXACT_CANDIDATES:
        hits.append(i)
        i = folded.find(q, i + 1)
    if not hits:
        return None
    scored: list[tuple[float, float, float, float, int]] = []
    for fs in hits:
        ps, ss = _context_scores(folded, fs, fs + len(q), pre, suf)
        pos = _position_score(prep.index[fs], hint, length)
        scored.append((_context_mean(qy, ps, ss), pos, ps, ss, fs))
    scored.sort(key=lambda k: (k[0], k[1]), reverse=True)
    ctx, pos, ps, ss, fs = scored[0]
    unique = len(scored) == 1
    # Several places about as likely, none clearly the one: refuse to guess, however long the
    # quote (FAQ answers, product lists: the highlighted copy may be the one that went).
    margin = 0.05 if ctx >= 0.9 else CLEAR_MARGIN
    if not unique and scored[1][0] > ctx - margin:
        tied = [k for k in scored if k[0] > ctx - margin]
        # With no context at all (a file's quote and a position measured in another text,
        # as Recogito writes them), the position alone tells the copies apart, as it does
        # for Hypothesis: the one nearest it, at half the distance of any other.
        no_context = not qy.pre_known and not qy.suf_known
        near = _clearly_nearest(prep, [k[4] for k in tied], hint, 2 if no_context else 4)
        if near is None or (ctx < 0.9 and not no_context):
            return None
        ctx, pos, ps, ss, fs = next(k for k in tied if k[4] == near)
    ctx_support = _context_support(qy, fs, fs + len(q), ps, ss)
    if not _copy_accepts(qy, ps, ss, ctx_support, unique, (fs, fs + len(q))):
        return None
    if not unique and min(ps, ss) < INTACT:  # (a copy with both sides intact is the one)
        nearer = _nearer_copy(qy, [k[4] for k in scored], fs)
        if nearer is not None:
            ps, ss, fs, ctx_support = nearer
            pos = _position_score(prep.index[fs], hint, length)
    start, end = _original_span(prep, fs, fs + len(q))
    score = _combined(1.0, ps, ss, pos)
    return Placement(start, end, "exact", score, 1.0, ps, ss, *ctx_support)


def _nearer_copy(
    qy: _Query, starts: list[int], chosen: int
) -> tuple[float, float, int, tuple[int, int, bool]] | None:
    """Another copy of a repeated passage, clearly nearer the old position than the one its
    context chose (``chosen``), whose own context supports it too: that copy (its context
    scores, place and support), else None.

    Each copy of a passage repeated after headings is followed by the next heading: a
    heading differing by one word beside a far copy looked more like the stored context
    than a line inserted beside the highlighted copy, which still stood where it was."""
    near = _clearly_nearest(qy.prep, starts, qy.hint)
    if near is None or near == chosen:
        return None
    fe = near + len(qy.q)
    ps, ss = _context_scores(qy.prep.folded, near, fe, qy.pre, qy.suf)
    support = _context_support(qy, near, fe, ps, ss)
    if not support[2] or not _copy_accepts(qy, ps, ss, support, False, (near, fe)):
        return None
    return ps, ss, near, support


def _clearly_nearest(
    prep: _Prepared, starts: list[int], hint: int | None, ratio: int = 4
) -> int | None:
    """Of identical-looking places, the one far nearer the old position than any other
    (``ratio`` times nearer: a sentence quoted again elsewhere leaves its original near where
    it was)."""
    if hint is None:
        return None
    by_distance = sorted(starts, key=lambda fs: abs(prep.index[fs] - hint))
    d1 = abs(prep.index[by_distance[0]] - hint)
    d2 = abs(prep.index[by_distance[1]] - hint)
    return by_distance[0] if d1 * ratio <= d2 else None


INTACT = 0.9  # a side of the context this similar to the stored one is still there


# A quote this long (and of as many words) that is the text's only copy of itself, and stands
# between a sentence's or line's end on each side, is the highlighted passage even when what
# lies beyond both ends changed (ads put around a paragraph, paragraphs reordered).
# (Near where it was: another copy of a repeated passage, left when the highlighted one went,
# is mostly elsewhere in the text.)
LONG_ALONE = 80
LONG_ALONE_WORDS = 12
LONG_ALONE_NEAR = 600  # characters from its old start


def _copy_accepts(
    qy: _Query,
    ps: float,
    ss: float,
    ctx: tuple[int, int, bool],
    unique: bool,
    span: tuple[int, int] | None = None,
) -> bool:
    """Whether the context around an exact copy of the quote (at ``span`` of the folded
    text) says it is the highlighted one.

    The same words may stand elsewhere (a FAQ answer, a product line, a repeated citation),
    so the quote alone proves nothing, whatever its length: the context must support the
    place (see :func:`_context_support`), or, for a long quote found once near where it was,
    the quote must be a whole unit of the text: sentences or lines, whatever changed beyond
    their ends."""
    if not qy.pre.strip() and not qy.suf.strip():
        return True  # the quote was the whole text: no context to demand
    dp, ds, one_side = ctx
    both_near = dp <= 1 and ds <= 1
    words = len(_WORD.findall(qy.q))
    if len(qy.q) < 20 or words < MIN_FUZZY_WORDS:
        if words < 2:  # a single word recurs by chance: both sides there, nearly verbatim
            return both_near and min(ps, ss) >= 0.8
        # A few words: both sides within a word, or one side if it is the only copy.
        return both_near or (unique and one_side)
    if one_side or both_near:
        return True
    if not (unique and span and len(qy.q) >= LONG_ALONE and words >= LONG_ALONE_WORDS):
        return False
    start, end = _original_span(qy.prep, *span)
    if qy.hint is None or abs(start - qy.hint) > LONG_ALONE_NEAR:
        return False
    before = not qy.pre_known or _beyond_boundary(qy.text, start, end, qy.prefix, before=True)
    after = not qy.suf_known or _beyond_boundary(qy.text, start, end, qy.suffix, before=False)
    return before and after


def _context_support(qy: _Query, fs: int, fe: int, ps: float, ss: float) -> tuple[int, int, bool]:
    """How the stored context compares with the text around ``folded[fs:fe]``: the words
    changed before and after, and whether one side is intact while the other is explained.

    A side is explained when it is intact too, differs by one word (an edit around the
    quote), or agrees up to the end of a sentence or line both have (a sentence or line
    inserted or removed beside the quote's: an update note, an ad). The quote's own sentence
    around it replaced is not explained: that is what another copy of the words looks like."""
    dp, ds = _context_word_changes(qy.prep.folded, fs, fe, qy.pre, qy.suf)
    p_ok, s_ok = ps >= INTACT, ss >= INTACT
    if not (p_ok or s_ok):
        return dp, ds, False
    if p_ok and s_ok:
        return dp, ds, True
    start, end = _original_span(qy.prep, fs, fe)
    if p_ok:
        explained = ds <= 1 or _beyond_boundary(qy.text, start, end, qy.suffix, before=False)
    else:
        explained = dp <= 1 or _beyond_boundary(qy.text, start, end, qy.prefix, before=True)
    return dp, ds, explained


# Where a sentence or a line ends: what lies beyond may change without touching the quote's.
_BOUNDARY = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*(?=\s|$)|\n")
_SENTENCE_ENDS = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")


def _beyond_boundary(text: str, start: int, end: int, context: str, *, before: bool) -> bool:
    """Whether ``context`` (as stored) and the text beside ``text[start:end]`` agree up to the
    end of a sentence or a line that both have there (or the text's edge): what changed is
    another sentence or line, not the quote's own. The window read is a few dozen characters."""
    if before:
        ends = [m.end() for m in _BOUNDARY.finditer(context)]
        if not ends:
            return False
        near = _fold_plain(context[ends[-1] :]).strip()
        lo = max(0, start - 2 * len(context) - 8)
        window = text[lo:start]
        cuts = [m.end() for m in _BOUNDARY.finditer(window)] + ([0] if lo == 0 else [])
        return any(_fold_plain(window[c:]).strip() == near for c in cuts)
    if _SENTENCE_ENDS.search(text, max(start, end - 8), end) and (
        end == len(text) or text[end].isspace()
    ):
        return True  # the quote ends its sentence, and the text goes on after it: the whole
        # stored suffix is beyond that end (the next sentence rewritten, an ad put after it)
    found = _BOUNDARY.search(context)
    if found is None:
        return False
    near = _fold_plain(context[: found.end()]).strip()
    hi = min(len(text), end + 2 * len(context) + 8)
    window = text[end:hi]
    cuts = [m.end() for m in _BOUNDARY.finditer(window)] + (
        [len(window)] if hi == len(text) else []
    )
    return any(_fold_plain(window[:c]).strip() == near for c in cuts)


# -- between its contexts ------------------------------------------------------------------

BRACKET_PROBE = 12  # folded characters of each context that must be found verbatim
MAX_BRACKET_QUOTE = 1000  # longer quotes are left to the fuzzy search


def _bracketed(qy: _Query) -> Placement | None:
    """The quote with a word or two changed (a typo fixed, a word replaced): both contexts are
    found nearly verbatim, close together, and the text between them differs from the quote
    by at most :func:`_word_edits_allowed` words. Several such places: none is chosen."""
    prep, q, pre, suf, hint, length = qy.prep, qy.q, qy.pre, qy.suf, qy.hint, len(qy.text)
    tail, head = pre.rstrip()[-BRACKET_PROBE:], suf.lstrip()[:BRACKET_PROBE]
    m = len(q)
    if len(tail) < BRACKET_PROBE or len(head) < BRACKET_PROBE or m > MAX_BRACKET_QUOTE:
        return None
    folded = prep.folded
    q_words = _WORD.findall(q)
    allowed = _word_edits_allowed(len(q_words))
    reach = 2 * m + 16
    found: list[Placement] = []
    i = folded.find(tail)
    tries = 0
    while i != -1 and tries < MAX_EXACT_CANDIDATES and len(found) < 2:
        tries += 1
        fs = i + len(tail)
        j = folded.find(head, fs, fs + reach + len(head))
        i = folded.find(tail, i + 1)
        if j == -1:
            continue
        fe = j
        while fs < fe and folded[fs] == " ":
            fs += 1
        while fe > fs and folded[fe - 1] == " ":
            fe -= 1
        if fe <= fs:
            continue
        words = _WORD.findall(folded[fs:fe])
        edits = _word_edits(q_words, words, allowed)
        if edits > allowed:
            continue
        if len(q_words) == 1 and _similarity(q, folded[fs:fe]) < TYPO_SIMILARITY:
            continue  # a word of its own is kept through a typo, not through another word
        ps, ss = _context_scores(folded, fs, fe, pre, suf)
        if min(ps, ss) < 0.9:
            continue
        qs = 1.0 - edits / max(1, len(q_words), len(words))
        start, end = _original_span(prep, fs, fe)
        pos = _position_score(start, hint, length)
        dp, ds = _context_word_changes(folded, fs, fe, pre, suf)
        score = _combined(qs, ps, ss, pos)
        found.append(Placement(start, end, "context", score, qs, ps, ss, dp, ds, True, edits))
    return found[0] if len(found) == 1 else None


TYPO_SIMILARITY = 0.6


def _similarity(a: str, b: str) -> float:
    """1 - edit distance / the longer length."""
    if not a or not b:
        return 0.0
    return 1.0 - _myers(a, b, anchored=True)[-1] / max(len(a), len(b))


def _word_edits_allowed(words: int) -> int:
    """Words that may differ between a quote and its place found between its contexts."""
    if words <= 6:
        return 1
    if words <= 24:
        return 2
    return words // 12


def _word_edits(a: list[str], b: list[str], limit: int) -> int:
    """Word-level edit distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``
    (a band of width ``limit`` around the diagonal: linear in the words)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    big = limit + 1
    prev = {j: j for j in range(min(len(b), limit) + 1)}
    for i in range(1, len(a) + 1):
        cur: dict[int, int] = {}
        for j in range(max(0, i - limit), min(len(b), i + limit) + 1):
            best = big
            if j == 0:
                best = i
            else:
                best = min(
                    prev.get(j - 1, big) + (a[i - 1] != b[j - 1]),
                    prev.get(j, big) + 1,
                    cur.get(j - 1, big) + 1,
                )
            cur[j] = min(best, big)
        if min(cur.values()) > limit:
            return big
        prev = cur
    return min(prev.get(len(b), big), big)


# -- fuzzy matches -------------------------------------------------------------------------


def quote_floor(length: int) -> float:
    """The quote similarity a fuzzy match needs, by the folded quote's length."""
    if length < 20:
        return 0.9
    if length < 40:
        return 0.85
    if length < 80:
        return 0.85
    return 0.75


def _fuzzy(qy: _Query) -> Placement | None:
    prep, q, pre, suf, hint, length = qy.prep, qy.q, qy.pre, qy.suf, qy.hint, len(qy.text)
    if len(_WORD.findall(q)) < MIN_FUZZY_WORDS:
        return None
    m = len(q)
    floor = quote_floor(m)
    max_errors = int(m * (1.0 - floor)) + 1
    folded = prep.folded

    # Seeds: character k-grams sampled along the quote (any script, spaces or not); each
    # occurrence in the text votes for where the quote would start.
    k = 6 if m >= 30 else 4
    samples = min(MAX_SEEDS, m - k + 1)
    stride = (m - k) / max(1, samples - 1)
    offsets = sorted({round(i * stride) for i in range(samples)})
    bin_size = max(16, m // 4)
    common = max(50, len(folded) // 200)
    votes: dict[int, set[int]] = {}
    for off in offsets:
        gram = q[off : off + k]
        hits: list[int] = []
        i = folded.find(gram)
        while i != -1 and len(hits) <= common:
            hits.append(i)
            i = folded.find(gram, i + 1)
        if len(hits) > common:
            continue  # too common to say anything
        for p in hits:
            votes.setdefault((p - off) // bin_size, set()).add(off)
    if not votes:
        return None
    support = {b: len(votes[b] | votes.get(b - 1, set()) | votes.get(b + 1, set())) for b in votes}
    needed = max(2, len(offsets) // 8)
    ranked = sorted((b for b in support if support[b] >= needed), key=lambda b: -support[b])
    chosen: list[int] = []
    for b in ranked:
        if all(abs(b - c) > 2 for c in chosen):
            chosen.append(b)
        if len(chosen) >= MAX_FUZZY_WINDOWS:
            break

    found: list[Placement] = []
    for b in chosen:
        lo = max(0, b * bin_size - bin_size - max_errors)
        hi = min(len(folded), b * bin_size + 2 * bin_size + m + max_errors)
        if m > LONG_QUOTE:
            span = _best_long(folded, q, lo, hi, max_errors)
        else:
            span = _best_in_window(folded, q, lo, hi, max_errors)
        if span is None:
            continue
        fs, fe, errors = span
        if any(prep.index[fs] < c.end and c.start < prep.index[fe - 1] + 1 for c in found):
            continue  # the same place, reached from a neighbouring window
        qs = 1.0 - errors / m
        ps, ss = _context_scores(folded, fs, fe, pre, suf)
        ctx = _context_support(qy, fs, fe, ps, ss)
        orig_start, orig_end = _to_words(qy, *_original_span(prep, fs, fe))
        pos = _position_score(orig_start, hint, length)
        score = _combined(qs, ps, ss, pos)
        found.append(Placement(orig_start, orig_end, "fuzzy", score, qs, ps, ss, *ctx))
    if _DEBUG is not None:
        _DEBUG.append(found)
    found.sort(key=lambda c: c.score, reverse=True)
    for cand in found:
        if cand.quote_score < floor or not _fuzzy_accepts(qy, m, cand):
            continue
        rivals = [c for c in found if c is not cand and c.quote_score >= cand.quote_score - 0.1]
        if rivals and not _stands_out(qy, cand, rivals):
            return None  # near-identical passages (lists, tables, boilerplate): no guessing
        return cand
    return None


_DEBUG: list[list[Placement]] | None = None
_LONGEST_WORD = 64  # characters looked at beyond a span's edge for the rest of its word


def _to_words(qy: _Query, start: int, end: int) -> tuple[int, int]:
    """A fuzzy span whose edge falls inside a word ("tial apart your house" for "tear apart
    your house" once "tear" became "quintessential"; "who works for te" once "the" became
    "terrorist"), moved to a word's edge: the whole word taken, or the piece of it left out,
    whichever makes the edge word more like the quote's. Not where the highlight itself
    began or ended inside a word (its stored context says so)."""
    text = qy.text
    if start == 0 or end > len(text) or end <= start:
        return start, end
    words = _WORD.findall(qy.q)
    if not words:
        return start, end
    if not (qy.prefix[-1:].isalnum() and qy.q[:1].isalnum()) and _inside(text, start):
        lo = start
        while lo > 0 and start - lo < _LONGEST_WORD and text[lo - 1].isalnum():
            lo -= 1
        hi = start
        while hi < end and text[hi].isalnum():
            hi += 1
        after = _WORD.search(text, hi, end)
        keep = _similarity(text[lo:hi].lower(), words[0]) >= (
            _similarity(after.group().lower(), words[0]) if after else -1.0
        )
        start = lo if keep or after is None else after.start()
    if not (qy.q[-1:].isalnum() and qy.suffix[:1].isalnum()) and _inside(text, end):
        hi = end
        while hi < len(text) and hi - end < _LONGEST_WORD and text[hi].isalnum():
            hi += 1
        lo = end
        while lo > start and text[lo - 1].isalnum():
            lo -= 1
        near = list(_WORD.finditer(text, max(start, lo - 2 * _LONGEST_WORD), lo))
        before = near[-1] if near else None
        keep = _similarity(text[lo:hi].lower(), words[-1]) >= (
            _similarity(before.group().lower(), words[-1]) if before else -1.0
        )
        end = hi if keep or before is None else before.end()
    return start, end


def _inside(text: str, at: int) -> bool:
    """Whether ``at`` falls between two letters or digits of one word."""
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def _best_in_window(
    folded: str, q: str, lo: int, hi: int, max_errors: int
) -> tuple[int, int, int] | None:
    """The best approximate match of ``q`` in ``folded[lo:hi]``: (start, end, errors)."""
    m = len(q)
    scores = _myers(q, folded[lo:hi], anchored=False)
    errors = min(scores)
    if errors > max_errors:
        return None
    fe = lo + scores.index(errors) + 1
    back_lo = max(0, fe - m - errors)
    rev = _myers(q[::-1], folded[back_lo:fe][::-1], anchored=True)
    # Among the starts giving the best score, the one whose length is closest to the quote's.
    top = min(rev)
    span = min((i for i, s in enumerate(rev) if s == top), key=lambda i: abs(i + 1 - m))
    fs = fe - span - 1
    while fs < fe and folded[fs] == " ":
        fs += 1
    while fe > fs and folded[fe - 1] == " ":
        fe -= 1
    if fe <= fs:
        return None
    return fs, fe, top


# A quote longer than this is matched by its ends, not whole: the bit-parallel edit distance
# costs the quote's length in machine words a character, so a whole article highlighted and
# then edited (80,000 characters) took half a minute to place; its ends take milliseconds.
LONG_QUOTE = 2_000
EDGE = 256  # characters of each end matched
_GRAM = 8  # the middle is compared by its 8-grams, one every 8 characters


def _best_long(
    folded: str, q: str, lo: int, hi: int, max_errors: int
) -> tuple[int, int, int] | None:
    """:func:`_best_in_window` for a long quote, in time linear in it: its start where its
    first :data:`EDGE` characters match best, its end where its last ones do, about the
    quote's length further on; the errors in between estimated from the quote's 8-grams
    (one every 8 characters) missing from the span found, or the difference in length."""
    m = len(q)
    edge_errors = EDGE // 4
    head_hi = min(len(folded), hi - m + EDGE + max_errors)
    head = _best_in_window(folded, q[:EDGE], lo, max(head_hi, lo + EDGE), edge_errors)
    if head is None:
        return None
    fs, head_end, head_errors = head
    tail_lo = max(head_end, fs + m - EDGE - max_errors)
    tail_hi = min(len(folded), fs + m + max_errors)
    if tail_hi - tail_lo < EDGE // 2:
        return None
    tail = _best_in_window(folded, q[-EDGE:], tail_lo, tail_hi, edge_errors)
    if tail is None:
        return None
    tail_start, fe, tail_errors = tail
    middle_q, middle = q[EDGE:-EDGE], folded[head_end:tail_start]
    grams = {middle[i : i + _GRAM] for i in range(len(middle) - _GRAM + 1)}
    sampled = range(0, len(middle_q) - _GRAM + 1, _GRAM)
    missing = sum(middle_q[i : i + _GRAM] not in grams for i in sampled)
    errors = head_errors + tail_errors + max(missing, abs(len(middle_q) - len(middle)))
    return fs, fe, errors


def _stands_out(qy: _Query, cand: Placement, rivals: list[Placement]) -> bool:
    """With look-alike passages around, only a near-verbatim quote whose context clearly
    agrees better than every rival's is taken."""
    ctx = _context_mean(qy, cand.prefix_score, cand.suffix_score)
    return cand.quote_score >= 0.95 and all(
        ctx >= _context_mean(qy, r.prefix_score, r.suffix_score) + 0.2 for r in rivals
    )


def _fuzzy_accepts(qy: _Query, m: int, c: Placement) -> bool:
    qs, ps, ss = c.quote_score, c.prefix_score, c.suffix_score
    known = [x for x, k in ((ps, qy.pre_known), (ss, qy.suf_known)) if k]
    # As for an exact copy: one side of the context intact and the other explained, or both
    # within a word (see _context_support).
    in_context = c.one_side or (c.prefix_changes <= 1 and c.suffix_changes <= 1)
    if m < 20:
        # Short: nearly the same words, and the context on both sides must agree.
        return qs >= 0.9 and bool(known) and min(known) >= 0.6 and in_context
    if m < 80:
        # Near-duplicate sentences are common: the context must mostly agree too.
        return _context_mean(qy, ps, ss) >= 0.6 and in_context
    # A long quote: nearly the same text or a more changed one, in its context, with each of
    # its sentences still there.
    return in_context and not _sentence_replaced(qy, c)


# A sentence of the quote this long (in words) whose words are less than half found in the
# place found was replaced, not edited: the place holds words never highlighted.
_SENTENCE_WORDS = 4
_SENTENCE_KEPT = 0.5


def _sentence_replaced(qy: _Query, c: Placement) -> bool:
    """Whether a sentence of a long quote is missing from its place (a correction that
    replaced one sentence of a highlighted paragraph): placed anyway, the highlight showed,
    and exported as its quote, the new sentence, or began in its middle. Linear in the
    quote: its words counted against the place's."""
    fs, fe = _folded_span(qy.prep, c.start, c.end)
    placed = Counter(_WORD.findall(qy.prep.folded[fs:fe]))
    start = 0
    for end in [m.end() for m in _BOUNDARY.finditer(qy.q)] + [len(qy.q)]:
        words = _WORD.findall(qy.q, start, end)
        start = end
        if len(words) < _SENTENCE_WORDS:
            continue
        kept = sum(min(n, placed[w]) for w, n in Counter(words).items())
        if kept < _SENTENCE_KEPT * len(words):
            return True
    return False
