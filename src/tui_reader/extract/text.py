"""Fast paths around :func:`~tui_reader.sanitize.clean_text` and
:func:`~tui_reader.sanitize.clean_url` for the thousands of text nodes and links in a page.

:func:`clean` returns ``text`` itself when it holds nothing ``clean_text`` would change (checked
with one regex search and an NFC test, both in C), and ``clean_text(text)`` otherwise.
"""

from __future__ import annotations

import re
import unicodedata

from tui_reader.sanitize import clean_text, clean_url, has_mark_run

# Every character clean_text may remove or change (a superset is fine: it only costs the slow
# path): CR, C0/C1 controls and ESC, bidi and zero-width controls, BOM, interlinear annotation,
# tag characters, surrogates, noncharacters, and the combining marks whose runs it caps.
_UNCLEAN = re.compile(
    "[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffc\ufdd0-\ufdef\U000e0000-\U000e007f\ud800-\udfff"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    + "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(17))
    + "]"
)


def clean(text: str) -> str:
    """``clean_text(text)``, without its cost for text that is already clean."""
    if (
        _UNCLEAN.search(text) is None
        and unicodedata.is_normalized("NFC", text)
        and not has_mark_run(text)  # a tower of Thai, Hebrew... marks
    ):
        return text
    return clean_text(text)


def clean_link(url: str) -> str:
    """``clean_url(url)``, without its cost for plain URLs with no query or fragment."""
    if url.isascii() and url.isprintable() and " " not in url and not ("?" in url or "#" in url):
        return url
    return clean_url(url)
