"""Fast paths around :func:`~tui_reader.sanitize.clean_text` and
:func:`~tui_reader.sanitize.clean_url` for the thousands of text nodes and links in a page.

:func:`clean` is :func:`tui_reader.sanitize.fast_clean` (the character rules have one home,
``sanitize.py``): ``text`` itself when it holds nothing ``clean_text`` would change.
"""

from __future__ import annotations

from tui_reader.sanitize import clean_url
from tui_reader.sanitize import fast_clean as clean

__all__ = ["clean", "clean_link"]


def clean_link(url: str) -> str:
    """``clean_url(url)``, without its cost for plain URLs with no query or fragment."""
    if url.isascii() and url.isprintable() and " " not in url and not ("?" in url or "#" in url):
        return url
    return clean_url(url)
