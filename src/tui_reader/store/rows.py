"""Row → model conversions, shared by the store's parts.

A store's values are its own, but a hand edit, a sync tool or another program may have put
a value of another type in a column (a date as text: ``feeds`` crashed on it while `check`
said "ok"). Dates and text are read as the types the models hold: a date that is none is
unknown (shown blank), a text that is none is the empty text.
"""

from __future__ import annotations

import sqlite3

from tui_reader.models import LEAD_CHARS, Article, Feed
from tui_reader.timestamps import MAX_TIMESTAMP as _HIGH
from tui_reader.timestamps import MIN_TIMESTAMP as _LOW
from tui_reader.timestamps import sane_timestamp


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _maybe_text(value: object) -> str | None:
    return None if value is None else _text(value)


# An untitled article is shown by the start of its text (Article.display_title): read only
# that much, and only for those.
ARTICLE_COLUMNS = (
    "a.id, a.uid, a.feed_id, a.guid, a.url, a.title, a.author, a.published, a.updated,"
    " a.read, a.starred, a.source_title, a.added,"
    f" CASE WHEN a.title = '' THEN substr(a.search_text, 1, {LEAD_CHARS}) ELSE '' END AS lead"
)


def article_from_row(row: sqlite3.Row) -> Article:
    # (The common types tested inline: this runs for every row of every list.)
    guid, url, title, author = row["guid"], row["url"], row["title"], row["author"]
    source_title, lead = row["source_title"], row["lead"]
    published, updated, added = row["published"], row["updated"], row["added"]
    return Article(
        id=row["id"],
        uid=row["uid"],
        feed_id=row["feed_id"],
        guid=guid if guid.__class__ is str else _text(guid),
        url=url if url.__class__ is str else _text(url),
        title=title if title.__class__ is str else _text(title),
        author=author if author.__class__ is str else _text(author),
        published=published
        if published is None or (published.__class__ is float and _LOW <= published < _HIGH)
        else sane_timestamp(published),
        updated=updated
        if updated is None or (updated.__class__ is float and _LOW <= updated < _HIGH)
        else sane_timestamp(updated),
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        source_title=source_title if source_title.__class__ is str else _text(source_title),
        added=added
        if added.__class__ is float and _LOW <= added < _HIGH
        else sane_timestamp(added) or 0.0,
        lead=lead if lead.__class__ is str else _text(lead),
    )


def feed_from_row(row: sqlite3.Row) -> Feed:
    keys = row.keys()
    return Feed(
        id=row["id"],
        url=_text(row["url"]),
        title=_text(row["title"]),
        site_url=_text(row["site_url"]),
        folder=_text(row["folder"]),
        etag=_maybe_text(row["etag"]),
        last_modified=_maybe_text(row["last_modified"]),
        last_status=_text(row["last_status"]),
        last_error=_text(row["last_error"]),
        last_fetched=sane_timestamp(row["last_fetched"]),
        next_fetch=sane_timestamp(row["next_fetch"]),
        unread=row["unread"] if "unread" in keys else 0,
        total=row["total"] if "total" in keys else 0,
    )
