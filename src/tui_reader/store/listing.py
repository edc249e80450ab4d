"""A list of articles in the order and with the filter its view asks for, and marking a whole
list read (returning what changed, so it can be undone).

A list is what the feed pane shows: one feed, a folder (with its subfolders), every article,
the unread or starred ones, the Saved pages. :class:`ListFilter` names one; the same filter
serves reading a page of the list and marking the list read, so ``A`` marks exactly the
articles the list holds (read ones hidden or not).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tui_reader.listview import SORT_LABELS, SORTS, Sort
from tui_reader.models import Article
from tui_reader.store.db import write_transaction
from tui_reader.store.rows import ARTICLE_COLUMNS, article_from_row
from tui_reader.store.sync import journal_in

__all__ = [
    "SORTS",
    "SORT_LABELS",
    "Condition",
    "ListFilter",
    "Sort",
    "count_unread",
    "list_articles",
    "mark_list_read",
    "mark_unread",
]


class Condition(Protocol):
    """A saved search's words and filters (:class:`tui_reader.query.Query`), as SQL."""

    def where(self, now: float | None = None) -> tuple[str, list[object]]: ...


_DATE = "COALESCE(a.published, a.added)"
# The feed's name as the feed list shows it (its title, else its URL); Saved pages by the
# site they came from.
_FEED_NAME = (
    "COALESCE((SELECT CASE f.title WHEN '' THEN f.url ELSE f.title END"
    " FROM feeds f WHERE f.id = a.feed_id), a.source_title)"
)
_ORDER: dict[Sort, str] = {
    "newest": f"{_DATE} DESC, a.id DESC",  # the articles_recent indexes
    "oldest": f"{_DATE} ASC, a.id ASC",
    # Untitled articles (listed by their first words) after the titled ones.
    "title": f"a.title = '', a.title COLLATE NOCASE, {_DATE} DESC, a.id DESC",
    "feed": f"{_FEED_NAME} COLLATE NOCASE, {_DATE} DESC, a.id DESC",
}


@dataclass(frozen=True)
class ListFilter:
    """Which articles a list holds (all fields unset: every article)."""

    feed_id: int | None = None
    folder: str | None = None
    saved: bool = False  # pages kept under Saved (no feed)
    unread_only: bool = False
    starred_only: bool = False
    ids: tuple[int, ...] | None = None  # exactly these (a search's results)
    query: Condition | None = None  # a saved search's words and filters (query.Query)

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition on ``articles a`` and its arguments ("1" for every article)."""
        where: list[str] = []
        args: list[object] = []
        if self.ids is not None:
            where.append("a.id IN (SELECT value FROM json_each(?))")
            args.append("[" + ",".join(str(int(i)) for i in self.ids) + "]")
        if self.saved:
            where.append("a.feed_id IS NULL")
        elif self.feed_id is not None:
            where.append("a.feed_id = ?")
            args.append(self.feed_id)
        elif self.folder is not None:
            # The folder and its subfolders ("Tech" holds "Tech/Old").
            where.append(
                "a.feed_id IN (SELECT id FROM feeds WHERE folder = ? OR substr(folder, 1, ?) = ?)"
            )
            args += [self.folder, len(self.folder) + 1, self.folder + "/"]
        if self.unread_only:
            where.append("a.read = 0")
        if self.starred_only:
            where.append("a.starred = 1")
        if self.query is not None:
            condition, more = self.query.where()
            where.append(f"({condition})")
            args += more
        return (" AND ".join(where) or "1"), args


def list_articles(
    conn: sqlite3.Connection,
    which: ListFilter,
    *,
    sort: Sort = "newest",
    limit: int = 100_000,
    offset: int = 0,
) -> list[Article]:
    """One page of a list in the order ``sort`` names."""
    where, args = which.where()
    sql = (
        f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE {where}"
        f" ORDER BY {_ORDER[sort]} LIMIT ? OFFSET ?"
    )
    return [article_from_row(r) for r in conn.execute(sql, [*args, limit, offset])]


def count_unread(conn: sqlite3.Connection, which: ListFilter) -> int:
    """How many articles of the list are unread."""
    where, args = which.where()
    sql = f"SELECT COUNT(*) FROM articles a WHERE a.read = 0 AND {where}"
    return int(conn.execute(sql, args).fetchone()[0])


def mark_list_read(conn: sqlite3.Connection, which: ListFilter) -> list[int]:
    """Mark every unread article of the list read, in one transaction; returns their ids (what
    :func:`mark_unread` needs to undo it). Journaled for sync as every change of read state is
    (``store/sync.py``)."""
    where, args = which.where()
    with write_transaction(conn) as c:
        ids = [
            int(r[0])
            for r in c.execute(f"SELECT a.id FROM articles a WHERE a.read = 0 AND {where}", args)
        ]
        c.execute(
            "UPDATE articles SET read = 1 WHERE id IN (SELECT value FROM json_each(?))",
            (_json_ids(ids),),
        )
        journal_in(c, ids, "read", "1")
    return ids


def mark_unread(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Undo :func:`mark_list_read`: these articles are unread again (journaled for sync)."""
    with write_transaction(conn) as c:
        c.execute(
            "UPDATE articles SET read = 0 WHERE id IN (SELECT value FROM json_each(?))",
            (_json_ids(ids),),
        )
        journal_in(c, ids, "read", "0")


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
