"""Full-text search over articles (titles first), and the safe FTS5 query every search uses
(the highlights' search in ``store/annotations.py`` too)."""

from __future__ import annotations

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


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must appear (the last may be a
    prefix); quoted phrases stay phrases. No FTS syntax from the input is ever interpreted
    (the words and phrases are :func:`~tui_reader.store.ranked_search.parse_query`'s)."""
    from tui_reader.store.ranked_search import parse_query

    parts, prefix = parse_query(text)
    if prefix:
        parts[-1] += "*"
    return " ".join(parts)
