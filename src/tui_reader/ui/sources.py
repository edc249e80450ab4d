"""What an article list shows: a feed, a folder, everything, unread, starred, saved pages or
search results — and how to fetch a page of it through the Reader.

No Textual here: the command starts :class:`EarlyLoad` before it imports the UI, so the first
screen's rows are read while Textual loads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from tui_reader.listview import DEFAULT, ListView, list_key
from tui_reader.models import Article, Feed
from tui_reader.reader import ListFilter, Reader
from tui_reader.ui.appreader import AppReader

T = TypeVar("T")

SourceKind = Literal["all", "unread", "starred", "saved", "feed", "folder", "search", "query"]

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

    @property
    def key(self) -> str:
        """The key its view (sort, read shown) is remembered under."""
        if self.kind == "query":
            return f"query:{self.label}"
        return list_key(self.kind, self.feed_id, self.folder)

    def list_filter(self, view: ListView = DEFAULT) -> ListFilter:
        """The articles the list holds, as ``view`` shows them (a saved search whose query
        cannot be read: none). Not for a search's results (see :meth:`fetch`)."""
        unread_only = self.kind == "unread" or not view.show_read
        if self.kind == "query":
            return Reader.saved_search_filter(self.query, unread_only=unread_only)
        return ListFilter(
            feed_id=self.feed_id if self.kind == "feed" else None,
            folder=self.folder if self.kind == "folder" else None,
            saved=self.kind == "saved",
            unread_only=unread_only,
            starred_only=self.kind == "starred",
        )

    def fetch(
        self, reader: Reader, limit: int, offset: int = 0, view: ListView = DEFAULT
    ) -> list[Article]:
        """One page of the list in the view's order (search: best match first, one page
        only, whatever the view)."""
        if self.kind == "search":
            if offset:
                return []
            return [hit.article for hit in reader.search(self.query, limit=limit)]
        return reader.list_articles(
            self.list_filter(view), sort=view.sort, limit=limit, offset=offset
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


def query_source(name: str, query: str) -> ListSource:
    """A saved search, shown as a list."""
    return ListSource("query", name, query=query)


def search_source(query: str) -> ListSource:
    return ListSource("search", f"Search: {query}", query=query)


def initial_source(open_article: int | None) -> ListSource:
    """The list shown at start: Saved when opening a page, else All."""
    return SAVED if open_article is not None else ALL


def first_page(
    reader: Reader, source: ListSource, keep_id: int | None, view: ListView = DEFAULT
) -> list[Article]:
    """The first page of a list (one row more, to know if there are more), with ``keep_id``
    added at the top if it is not on that page."""
    rows = source.fetch(reader, FIRST_PAGE + 1, view=view)
    if keep_id is not None and all(a.id != keep_id for a in rows):
        extra = reader.article(keep_id)
        if extra is not None:
            rows.insert(0, extra)
    return rows


@dataclass
class EarlyLoad:
    """The first screen's feeds and articles, read on threads of their own while Textual
    starts (the first page of a big "All" is a sort over every article); and whether the
    welcome feed is still to be added (``welcome``: set with the feeds)."""

    source: ListSource
    keep_id: int | None
    feeds: Future[list[Feed]]
    rows: Future[list[Article]]
    welcome: Future[bool]

    @classmethod
    def start(cls, store_path: Path, open_article: int | None) -> EarlyLoad:
        """Start the reads on one thread with one connection (a second of each costs the
        first screen more CPU than it saves): whether the welcome feed is pending, the rows
        (the first page is an index walk), then the feeds (their counts walk every article).
        A part that fails holds its exception; the others are still read."""
        source = initial_source(open_article)
        welcome: Future[bool] = Future()
        rows: Future[list[Article]] = Future()
        feeds: Future[list[Feed]] = Future()

        def read() -> None:
            reader = AppReader.at(store_path)
            try:
                _settle(welcome, reader.welcome_pending)
                _settle(rows, lambda: first_page(reader, source, open_article, view(reader)))
                _settle(feeds, reader.feeds)
            finally:
                reader.close()

        def view(reader: AppReader) -> ListView:
            return reader.list_views().get(source.key, DEFAULT)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tui-reader-start")
        try:
            pool.submit(read)
        finally:
            pool.shutdown(wait=False)
        return cls(source, open_article, feeds, rows, welcome)

    def welcome_was_added(self) -> bool:
        """True when the early read found the welcome feed added on an earlier run (the app
        then has nothing to check); False when it is still to add or not known yet."""
        welcome = self.welcome
        return welcome.done() and welcome.exception() is None and not welcome.result()


def _settle(future: Future[T], read: Callable[[], T]) -> None:
    """Give ``future`` what ``read`` returns, or the exception it raised."""
    try:
        future.set_result(read())
    except BaseException as exc:
        future.set_exception(exc)
