"""Words of a text, for telling whether two texts say the same (a headline repeated in the
body, a title edited, a declared article body): one rule for every such comparison.

A word keeps its combining marks: Burmese, Thai, Devanagari, Bengali, Tamil, Khmer and others
write vowels and viramas as marks, which ``\\w`` does not match, so a word was cut into one- or
two-letter pieces at each mark and any two texts of those scripts shared most of their pieces
(a 355-character lead paragraph was taken for the page's 70-character headline). The marks
are taken out before the words are found; letters stay in order, so words stay apart.
A pure module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

__all__ = ["fold", "words"]

_WORD = re.compile(r"\w+")
# Combining marks lie in these ranges (none below U+0300); the variation selectors of the
# last plane too. Scanning them once costs ~30 ms, on the first comparison only.
_MARK_RANGES = ((0x300, 0x20000), (0xE0100, 0xE01F0))


@cache
def _marks() -> dict[int, None]:
    return {
        cp: None
        for lo, hi in _MARK_RANGES
        for cp in range(lo, hi)
        if unicodedata.category(chr(cp))[0] == "M"
    }


def fold(text: str) -> str:
    """``text`` casefolded, its combining marks taken out (for comparing, never for showing)."""
    return text.translate(_marks()).casefold()


def words(text: str) -> list[str]:
    """The words of ``text``, folded (:func:`fold`), in order."""
    return _WORD.findall(fold(text))
