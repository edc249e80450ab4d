"""Full-text search over articles (titles first), and the safe FTS5 query every search uses
(the highlights' search in ``store/annotations.py`` too)."""

from __future__ import annotations

import re

from tui_reader.models import SearchHit
from tui_reader.store.base import StoreBase


class SearchMixin(StoreBase):
    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search over titles and bodies: articles whose title holds every word
        first, then those whose text does, then completions of a last word still being typed;
        newest first within each. Each walk stops at ``limit``, so a common word costs no more
        than a rare one (see :mod:`tui_reader.store.ranked_search`)."""
        from tui_reader.store.ranked_search import search_hits

        return search_hits(self.conn, query, limit)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must appear (the last may be a
    prefix); quoted phrases stay phrases. No FTS syntax from the input is ever interpreted."""
    parts: list[str] = []
    for i, chunk in enumerate(text.split('"')):
        words = _WORD.findall(chunk)
        if not words:
            continue
        if i % 2 == 1:
            parts.append('"' + " ".join(words) + '"')
        else:
            parts.extend(f'"{w}"' for w in words)
    if parts and not text.rstrip().endswith('"') and not text.endswith(" "):
        parts[-1] = parts[-1] + "*"
    return " ".join(parts)
