"""Finding the article a link belongs to, whatever list it is in (see ``sanitize.url_key``)."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

from tui_reader.models import Article
from tui_reader.sanitize import clean_url, url_key
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row

_ANNOTATED = """(EXISTS (SELECT 1 FROM highlights h WHERE h.article_id = a.id)
    OR EXISTS (SELECT 1 FROM article_notes n WHERE n.article_id = a.id))"""


def article_by_url(
    conn: sqlite3.Connection, url: str, *, exclude: int | None = None
) -> Article | None:
    """The stored article whose link is the same page as ``url``: one with highlights or a
    note first, then one in a feed, then the oldest. None when there is none."""
    key = url_key(url)
    try:
        parts = urlsplit(clean_url(url))
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not key.startswith("//") or not host:
        return None
    # Narrow down in SQLite (the host and the last part of the path are in any spelling of
    # the link), then compare the keys.
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    rows = conn.execute(
        f"""SELECT {ARTICLE_COLUMNS}, {_ANNOTATED} AS annotated FROM articles a
            WHERE instr(lower(a.url), ?) > 0 AND instr(lower(a.url), ?) > 0 AND a.id != ?""",
        (host, last, exclude if exclude is not None else -1),
    ).fetchall()
    found = [r for r in rows if url_key(r["url"]) == key]
    if not found:
        return None
    best = min(found, key=lambda r: (not r["annotated"], r["feed_id"] is None, r["id"]))
    return article_from_row(best)


def forget_saved_copy(conn: sqlite3.Connection, article_id: int) -> bool:
    """Delete a Saved article that holds nothing of the reader's own (no star, highlight or
    note): a copy of a page that turned out to be stored already. True if it went."""
    cur = conn.execute(
        f"DELETE FROM articles AS a WHERE a.id = ? AND a.feed_id IS NULL AND a.starred = 0"
        f" AND NOT {_ANNOTATED}",
        (article_id,),
    )
    return cur.rowcount == 1
