"""Linear-time replacement of delimited spans in untrusted text.

``re.sub(r"<!--.*?-->", ...)`` (or ``<(script)\\b.*?</\\1>``) is quadratic: every opener
without a closer scans to the end of the text before the search moves one character on, so
text holding thousands of ``<!--`` and no ``-->`` takes minutes. :func:`replace_spans` does the
same replacement in one forward pass: a closer pattern that is absent after some point is
absent after every later point, so each one is searched for at most once past the last place
it was found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import AnyStr


def replace_spans(
    text: AnyStr,
    opener: re.Pattern[AnyStr],
    closers: Callable[[re.Match[AnyStr]], Sequence[re.Pattern[AnyStr]]],
    repl: Callable[[AnyStr, re.Match[AnyStr], re.Match[AnyStr]], AnyStr],
) -> tuple[AnyStr, int]:
    """``text`` with every span from a match of ``opener`` to its closer replaced, and how
    many were; what ``re.sub`` of ``opener.*?c1.*?c2...`` (DOTALL) would give, in linear time.

    ``closers(m)`` are the patterns that must follow the opener ``m`` in order, each the
    first match after the previous one (e.g. the ``>`` ending a start tag, then that tag's end
    tag); ``repl(text, m, last)`` is what replaces ``text[m.start():last.end()]``. An opener
    whose closers do not all follow it is left, and the search goes on after its first
    character. ``opener`` must not scan far itself (no unbounded repetition past a fixed
    prefix); closers are searched at most once past their last match."""
    found: dict[re.Pattern[AnyStr], re.Match[AnyStr]] = {}
    absent_from: dict[re.Pattern[AnyStr], int] = {}
    pieces: list[AnyStr] = []
    copied = pos = count = 0
    n = len(text)
    while pos < n:
        m = opener.search(text, pos)
        if m is None:
            break
        last: re.Match[AnyStr] | None = None
        at = m.end()
        for closer in closers(m):
            last = _first_after(text, closer, at, found, absent_from)
            if last is None:
                break
            at = last.end()
        if last is None:
            pos = m.start() + 1
            continue
        pieces.append(text[copied : m.start()])
        pieces.append(repl(text, m, last))
        copied = pos = max(last.end(), m.start() + 1)
        count += 1
    if not count:
        return text, 0
    pieces.append(text[copied:])
    return text[:0].join(pieces), count


def _first_after(
    text: AnyStr,
    pattern: re.Pattern[AnyStr],
    at: int,
    found: dict[re.Pattern[AnyStr], re.Match[AnyStr]],
    absent_from: dict[re.Pattern[AnyStr], int],
) -> re.Match[AnyStr] | None:
    """The first match of ``pattern`` starting at ``at`` or later, reusing what earlier
    searches learnt (the first match after an earlier point, or that there is none)."""
    known = found.get(pattern)
    if known is not None and known.start() >= at:
        return known
    if absent_from.get(pattern, len(text) + 1) <= at:
        return None
    match = pattern.search(text, at)
    if match is None:
        absent_from[pattern] = at
    else:
        found[pattern] = match
    return match


def drop_comments(text: AnyStr, repl: AnyStr) -> AnyStr:
    """``re.sub(r"<!--.*?-->", repl, text, flags=re.S)`` in linear time."""
    if isinstance(text, bytes):
        return replace_spans(text, _COMMENT_OPEN_B, _comment_close_b, lambda t, m, c: repl)[0]
    return replace_spans(text, _COMMENT_OPEN, _comment_close, lambda t, m, c: repl)[0]


_COMMENT_OPEN = re.compile("<!--")
_COMMENT_CLOSE = (re.compile("-->"),)
_COMMENT_OPEN_B = re.compile(b"<!--")
_COMMENT_CLOSE_B = (re.compile(b"-->"),)


def _comment_close(_m: re.Match[str]) -> Sequence[re.Pattern[str]]:
    return _COMMENT_CLOSE


def _comment_close_b(_m: re.Match[bytes]) -> Sequence[re.Pattern[bytes]]:
    return _COMMENT_CLOSE_B


def sub_to_last(pattern: re.Pattern[str], repl: str, text: str, end: str = ">") -> str:
    """``pattern.sub(repl, text)`` for a pattern each of whose matches ends with ``end`` after
    an unbounded scan (``<[^>]*>``), in linear time: past the last ``end`` no match can
    complete, and there every opener would scan to the end of the text before failing."""
    cut = text.rfind(end) + len(end)
    if cut < len(end):
        return text
    if cut == len(text):
        return pattern.sub(repl, text)
    return pattern.sub(repl, text[:cut]) + text[cut:]
