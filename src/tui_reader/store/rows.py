"""Row → model conversions, shared by the store's parts."""

from __future__ import annotations

import sqlite3

from tui_reader.models import LEAD_CHARS, Article, Feed

# An untitled article is shown by the start of its text (Article.display_title): read only
# that much, and only for those.
ARTICLE_COLUMNS = (
    "a.id, a.uid, a.feed_id, a.guid, a.url, a.title, a.author, a.published, a.updated,"
    " a.read, a.starred, a.source_title, a.added,"
    f" CASE WHEN a.title = '' THEN substr(a.search_text, 1, {LEAD_CHARS}) ELSE '' END AS lead"
)


def article_from_row(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        uid=row["uid"],
        feed_id=row["feed_id"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        author=row["author"],
        published=row["published"],
        updated=row["updated"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        source_title=row["source_title"],
        added=row["added"],
        lead=row["lead"] or "",
    )


def feed_from_row(row: sqlite3.Row) -> Feed:
    keys = row.keys()
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        site_url=row["site_url"],
        folder=row["folder"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        last_fetched=row["last_fetched"],
        next_fetch=row["next_fetch"],
        unread=row["unread"] if "unread" in keys else 0,
        total=row["total"] if "total" in keys else 0,
    )
