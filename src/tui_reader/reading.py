"""How long an article takes to read, and how far into it the reader is.

From the clean text only (what the reading pane shows): words at 230 a minute, the usual
figure for adults reading non-fiction on a screen; Chinese, Japanese and Korean text, which
has no spaces between words, at 500 characters a minute. Linear in the text.
"""

from __future__ import annotations

import math
import re
from functools import cache

WORDS_PER_MINUTE = 230
CJK_CHARS_PER_MINUTE = 500

# Han, Hiragana, Katakana and Hangul: counted per character, not per word.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a word, a CJK character): compiled on first need (the word pattern's character
    class takes milliseconds to compile, and ASCII text does without both)."""
    return re.compile(f"[^\\W{_CJK}]+"), re.compile(f"[{_CJK}]")


# ASCII text (the common case) is counted without the regular expression, a few times faster:
# word characters (what \w is in ASCII) become "a", the others a space, and the words split.
_ASCII_WORDS = bytes(
    ord("a") if i < 128 and (chr(i).isalnum() or chr(i) == "_") else ord(" ") for i in range(256)
)


def reading_minutes(text: str) -> int:
    """Whole minutes, rounded up; 0 only for an empty text."""
    if text.isascii():
        words = len(text.encode("ascii").translate(_ASCII_WORDS).split())
        cjk = 0
    else:
        word, cjk_char = _patterns()
        words = len(word.findall(text))
        cjk = len(cjk_char.findall(text))
    minutes = words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE
    return math.ceil(minutes) if minutes else 0


def reading_time(text: str) -> str:
    """ "4 min read" ("" for an empty text)."""
    minutes = reading_minutes(text)
    return f"{minutes} min read" if minutes else ""


def percent_read(top: int, height: int, total: int) -> int:
    """How much of a text of ``total`` lines has been on screen, when the view of ``height``
    lines starts at line ``top``: 100 once the last line shows."""
    if total <= 0 or top + height >= total:
        return 100
    return max(0, min(100, (top + height) * 100 // total))
