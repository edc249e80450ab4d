"""Full-text search over articles (titles first), and the safe FTS5 query every search uses
(the highlights' search in ``store/annotations.py`` too)."""

from __future__ import annotations

import re

from tui_reader.models import SearchHit
from tui_reader.store.base import StoreBase
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row


class SearchMixin(StoreBase):
    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search over titles and bodies: articles whose title matches first, then
        those whose text does, newest first within each. Both walks stop at ``limit``, so a
        common word costs no more than a rare one."""
        match = fts_query(query)
        if not match:
            return []
        hits: list[SearchHit] = []
        seen: set[int] = set()
        for expression in (f"title : ({match})", match):
            rows = self.conn.execute(
                f"""WITH hits AS (
                        SELECT rowid, snippet(articles_fts, -1, '', '', '…', 12) AS snip
                        FROM articles_fts WHERE articles_fts MATCH ?
                        ORDER BY rowid DESC LIMIT ?)
                    SELECT {ARTICLE_COLUMNS}, hits.snip AS snip
                    FROM hits JOIN articles a ON a.id = hits.rowid ORDER BY hits.rowid DESC""",
                (expression, limit),
            ).fetchall()
            for r in rows:
                if r["id"] not in seen and len(hits) < limit:
                    seen.add(r["id"])
                    hits.append(SearchHit(article_from_row(r), r["snip"] or ""))
            if len(hits) >= limit:
                break
        return hits


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
