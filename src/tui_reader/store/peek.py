"""A look at a database without opening it as a store (no migration, no write): for what a
command decides before its own imports (tui_reader/feeds/parsers.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def unvalidated_feeds(database: Path, *, besides: str = "") -> int:
    """How many feeds of ``database`` have no validator (ETag, Last-Modified) to send, the
    feed whose URL is ``besides`` not counted; 0 when the database cannot be read (missing,
    locked, another schema: the caller then does without the count)."""
    if not database.is_file():
        return 0
    try:
        conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT COUNT(*) FROM feeds WHERE url != ?"
                " AND COALESCE(etag, '') = '' AND COALESCE(last_modified, '') = ''",
                (besides,),
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
    return int(row[0])
