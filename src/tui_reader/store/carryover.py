"""Another reader's articles and their state, carried into a feed: matched to the feed's
articles by the identity rule a refresh uses, the missing ones added, read and starred state
set — in one transaction, and never cleared (an import only adds what the other reader knew).
The caller (``feeds/newsboat.py``) decides what the other reader's rows mean."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_reader.models import EntryData, Feed
from tui_reader.store.identity import Known, match_entries
from tui_reader.store.sync import journal_in

if TYPE_CHECKING:
    from tui_reader.store import Store


@dataclass(frozen=True)
class Carried:
    matched: int  # entries that were articles of the feed already
    added: int  # entries added as new articles
    read: int  # articles marked read now
    starred: int  # articles starred now


def carry_over(store: Store, feed: Feed, items: Sequence[tuple[EntryData, bool, bool]]) -> Carried:
    """Carry ``items`` — (entry, read, starred) — into ``feed``."""
    entries = [entry for entry, _, _ in items]
    state = {id(entry): (read, starred) for entry, read, starred in items}
    matches = match_entries(known_articles(store.conn, feed.id), entries)
    new = [m.entry for m in matches if m.article_id is None]
    added = 0
    with store.transaction() as c:
        if new:
            added, _ = store.upsert_entries(feed, new, conn=c)
            matches = match_entries(known_articles(c, feed.id), entries)
        read_ids = [m.article_id for m in matches if m.article_id and state[id(m.entry)][0]]
        starred_ids = [m.article_id for m in matches if m.article_id and state[id(m.entry)][1]]
        read, starred = add_state(c, read_ids, starred_ids)
    return Carried(len(matches) - len(new), added, read, starred)


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
    # Changes made here, as any other: journaled for a feed server's next sync.
    journal_in(conn, list(read_ids), "read", "1")
    journal_in(conn, list(starred_ids), "starred", "1")
    return max(read, 0), max(starred, 0)
