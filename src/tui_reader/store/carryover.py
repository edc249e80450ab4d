"""What an import from another reader needs of the store: a feed's articles as the identity
rule sees them, and read and starred state set in one transaction (never cleared: an import
only adds what the other reader knew)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from tui_reader.store.identity import Known


def known_articles(conn: sqlite3.Connection, feed_id: int) -> list[Known]:
    """The feed's stored articles, oldest first (as :func:`match_entries` wants them)."""
    return [
        Known(r[0], r[1], r[2], r[3], r[4], r[5])
        for r in conn.execute(
            "SELECT id, guid, url, title, published, entry_hash FROM articles"
            " WHERE feed_id = ? ORDER BY id",
            (feed_id,),
        )
    ]


def add_state(
    conn: sqlite3.Connection, read_ids: Collection[int], starred_ids: Collection[int]
) -> tuple[int, int]:
    """Mark ``read_ids`` read and ``starred_ids`` starred (inside the caller's transaction);
    returns how many articles each changed."""
    read = conn.executemany(
        "UPDATE articles SET read = 1 WHERE id = ? AND read = 0", [(i,) for i in read_ids]
    ).rowcount
    starred = conn.executemany(
        "UPDATE articles SET starred = 1 WHERE id = ? AND starred = 0",
        [(i,) for i in starred_ids],
    ).rowcount
    return max(read, 0), max(starred, 0)
