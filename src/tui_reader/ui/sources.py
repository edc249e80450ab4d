"""What an article list shows: a feed, a folder, everything, unread, starred, saved pages or
search results — and how to fetch a page of it from the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_reader.models import Article
from tui_reader.store import Store

SourceKind = Literal["all", "unread", "starred", "saved", "feed", "folder", "search"]

FIRST_PAGE = 200
NEXT_PAGE = 1000
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class ListSource:
    kind: SourceKind
    label: str
    feed_id: int | None = None
    folder: str | None = None
    query: str = ""

    def fetch(self, store: Store, limit: int, offset: int = 0) -> list[Article]:
        """One page of the list, newest first (search: best match first, one page only)."""
        if self.kind == "search":
            if offset:
                return []
            return [hit.article for hit in store.search(self.query, limit=limit)]
        return store.list_articles(
            feed_id=self.feed_id if self.kind == "feed" else None,
            folder=self.folder if self.kind == "folder" else None,
            saved=self.kind == "saved",
            unread_only=self.kind == "unread",
            starred_only=self.kind == "starred",
            limit=limit,
            offset=offset,
        )


ALL = ListSource("all", "All")
UNREAD = ListSource("unread", "Unread")
STARRED = ListSource("starred", "Starred")
SAVED = ListSource("saved", "Saved")
SPECIAL: tuple[ListSource, ...] = (ALL, UNREAD, STARRED, SAVED)


def feed_source(feed_id: int, title: str) -> ListSource:
    return ListSource("feed", title, feed_id=feed_id)


def folder_source(folder: str) -> ListSource:
    return ListSource("folder", folder, folder=folder)


def search_source(query: str) -> ListSource:
    return ListSource("search", f"Search: {query}", query=query)
