"""The reader without its screens: one object through which the UI and the CLI do everything.

:class:`Reader` owns the store and an article's whole life — subscribe, refresh, list, open an
article (a typed :class:`~tui_reader.document.Document`), extract, highlight, re-anchor,
export, import — so that neither the UI nor the CLI reaches the store, the extractor or the
exporter on its own. It is reachable without the UI (``tests/test_reader.py`` uses it so), as
lemon24/reader's ``Reader`` is over its storage.

What lives where, below it: the store (``store/``) holds rows and takes decisions made
elsewhere; ``feeds/`` fetches and parses; ``extract/`` makes documents; ``export/`` writes
Markdown and Web Annotation JSON; :mod:`tui_reader.anchor` finds a quote in a text.

**Stored documents.** The one policy for a document the store holds is
:func:`tui_reader.document.stored_document` (none, or damaged: None — it is made again);
whether it is shown as it is, :meth:`ArticleBody.is_current`. Nothing else decodes one.

**Re-anchoring** (placing highlights again in a changed text) is started here only:
:meth:`Reader.reanchor`, called when a new document is stored for an article, when an article
is opened whose highlights were made on another text (:meth:`Reader.place_highlights`), and
after an import.

**Threads.** One Reader serves the whole process and every thread in it. Each thread that
uses it gets its own SQLite connection, opened on first use (SQLite connections are not
shared between threads) and closed when the thread ends (or by :meth:`release_thread`);
:meth:`close` closes them all. So a Textual app holds one Reader and
calls it from wherever it is:

- quick reads (lists, counts, :meth:`open_article`, :meth:`highlights`) may be made on the
  event loop;
- everything that may wait — any write (SQLite's lock may be held by a refresh or another
  instance for seconds), fetching, extracting, exporting, :meth:`refresh` — from a thread
  worker (``@work(thread=True)``), never on the event loop. Writes whose order matters
  (highlight edits) go through one worker thread in turn.

No other way to the store is needed (no ``Store.open`` in the UI, no connection handed
around). :meth:`refresh` runs its own event loop and worker processes; call it from a thread,
its ``progress`` callback is called on that thread.
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from tui_reader.config import Config
from tui_reader.document import Document
from tui_reader.errors import NotFound
from tui_reader.listview import SAVED_SEARCHES_SETTING, ListView, Sort
from tui_reader.models import Article, ArticleBody, Feed, Highlight, SearchHit, document_order
from tui_reader.paths import Paths
from tui_reader.sanitize import clean_line, feed_address
from tui_reader.store import Store
from tui_reader.store.listing import ListFilter

if TYPE_CHECKING:
    from tui_reader.commands import Outcome

    # Loaded when first used (asyncio, httpx, the exporters: tens of ms the app's start-up
    # does not pay for); the names are also importable from here (see __getattr__).
    from tui_reader.export import ImportResult
    from tui_reader.feeds.newsboat import CacheResult
    from tui_reader.feeds.opml import ImportResult as OpmlImport
    from tui_reader.feeds.refresh import RefreshProgress, RefreshSummary
    from tui_reader.images import LoadedImage
    from tui_reader.models import Enclosure  # (annotations only)
    from tui_reader.query import SavedSearch
    from tui_reader.refresh_child import RefreshCancelled, RefreshFailed, RefreshJob
    from tui_reader.sync import SyncSummary

# Seconds an annotation import spends fetching pages to place highlights at once; pages
# after that are left for their first opening (each fetch has its own timeout too).
IMPORT_FETCH_BUDGET = 60.0

__all__ = [
    "ListFilter",
    "LoadedImage",
    "OpenedArticle",
    "PlacedHighlights",
    "Reader",
    "Reanchored",
    "RefreshCancelled",
    "RefreshFailed",
    "RefreshJob",
    "RefreshProgress",
    "RefreshSummary",
    "Subscribed",
    "add_highlight",
    "backups",
    "clean_folder",
    "latest_backup",
    "reanchor",
    "restore_backup",
]


def __getattr__(name: str) -> object:
    if name in ("RefreshProgress", "RefreshSummary"):
        from tui_reader.feeds import refresh

        return getattr(refresh, name)
    if name in ("RefreshCancelled", "RefreshFailed", "RefreshJob"):
        from tui_reader import refresh_child

        return getattr(refresh_child, name)
    if name == "LoadedImage":
        from tui_reader import images

        return images.LoadedImage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _place(highlights: Sequence[Highlight], text: str) -> list[Highlight]:
    """:func:`tui_reader.placing.place`, imported on first use (anchoring is not needed to
    start the app: it pulls in hashing and difflib)."""
    from tui_reader.placing import place

    return place(highlights, text)


def clean_folder(text: str) -> str:
    """A folder as typed ("News / World/") as stored ("News/World")."""
    return "/".join(p.strip() for p in clean_line(text).split("/") if p.strip())


@dataclass(frozen=True)
class OpenedArticle:
    """An article as opened: read once (its row and body), with the document to show now.

    ``document`` is the stored document when there is one (current or not), else the quick
    view of what the feed gave (:func:`tui_reader.htmltext.quick_document`). ``current`` says
    whether it is final; when it is not, :meth:`Reader.load_document` (in a worker, given this
    object so nothing is read twice) makes the real one."""

    article: Article
    body: ArticleBody
    document: Document
    current: bool
    enclosures: tuple[Enclosure, ...] = ()  # its podcast and video files (Reader.enclosures)

    @property
    def stored(self) -> Document | None:
        """The document the store holds for the article, if any (even an outdated one)."""
        return self.body.document


@dataclass(frozen=True)
class Subscribed:
    """What :meth:`Reader.subscribe` did: ``created`` False when the feed (at that URL, or
    at the one the page named) was subscribed already — then nothing changed."""

    feed: Feed
    created: bool
    new_articles: int = 0
    warning: str = ""  # the feed was broken but usable
    via_page: str = ""  # the web page that named the feed, when the URL was a page


@dataclass(frozen=True)
class Reanchored:
    """How many of an article's highlights are placed in its text, and how many could not be
    (kept, with their quote, note and tags, and no position)."""

    placed: int
    unanchored: int


@dataclass(frozen=True)
class PlacedHighlights:
    """An article's live highlights placed in a text, its note, and whether the highlights
    were re-anchored (and saved) on the way."""

    article_id: int
    highlights: tuple[Highlight, ...]
    note: str
    reanchored: bool


class Reader:
    """The reader's core, headless. See the module docstring for threads.

    ``Reader(paths, config)`` opens nothing yet; :meth:`open` (or the first call) checks the
    database and raises :class:`~tui_reader.store.StoreError` with a one-line message when it
    cannot be used. Use it as a context manager, or call :meth:`close`."""

    def __init__(self, paths: Paths, config: Config | None = None) -> None:
        self.paths = paths
        self.config = config if config is not None else Config()
        self._local = threading.local()
        self._lock = threading.Lock()
        # Weakly: a thread's connection is in its threading.local, dropped (and so closed)
        # when the thread ends — a Textual thread worker is a new thread each time.
        self._stores: weakref.WeakSet[Store] = weakref.WeakSet()
        self._closed = False

    @classmethod
    def open(cls, paths: Paths, config: Config | None = None) -> Reader:
        """A Reader whose database is known to open (migrated, if it had to be)."""
        reader = cls(paths, config)
        reader.store  # noqa: B018  (opens the connection: StoreError now, not later)
        return reader

    @property
    def database(self) -> Path:
        return self.paths.database

    @property
    def store(self) -> Store:
        """This thread's connection (opened on first use). For the layers below only: the UI
        and the CLI call the Reader's methods."""
        if self._closed:
            raise RuntimeError("the reader is closed")
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.database)
            with self._lock:
                self._stores.add(store)
            self._local.store = store
        return store

    def release_thread(self) -> None:
        """Close this thread's connection now (the next call opens another). A long-lived
        thread that is done with the reader for a while may call it; a thread that ends
        has its connection closed anyway."""
        store: Store | None = getattr(self._local, "store", None)
        if store is not None:
            del self._local.store
            with self._lock:
                self._stores.discard(store)
            store.close()

    def close(self) -> None:
        """Close every thread's connection. Call it once the threads using it are done."""
        with self._lock:
            self._closed = True
            stores = list(self._stores)
            self._stores.clear()
        for store in stores:
            store.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the database file ------------------------------------------------------------------

    def backup(self, label: str = "manual") -> Path:
        """Copy the live database (WAL included) to the backups folder; returns the copy."""
        return self.store.backup(label)

    def integrity_check(self) -> list[str]:
        """SQLite's integrity check: ``["ok"]``, or what is wrong, a line each."""
        return self.store.integrity_check()

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str = "") -> str:
        return self.store.get_setting(key, default)

    def set_setting(self, key: str, value: str) -> None:
        self.store.set_setting(key, value)

    # -- feeds ------------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every feed, by folder then title, with its unread and total counts."""
        return self.store.list_feeds()

    def feed(self, feed_id: int) -> Feed | None:
        return self.store.get_feed(feed_id)

    def folder_exists(self, folder: str) -> bool:
        """True if some feed is in ``folder`` or in a folder under it."""
        return self.store.folder_exists(folder)

    def data_version(self) -> int:
        """Changes only when another connection (another process, or another thread's Reader
        connection) committed: a cheap way to notice outside writes."""
        return self.store.data_version()

    def newest_article_id(self) -> int:
        """The highest article id (0 for none)."""
        return self.store.newest_article_id()

    def feed_by_url(self, url: str) -> Feed | None:
        return self.store.feed_by_url(url)

    def find_feeds(self, names: Sequence[str]) -> tuple[list[Feed], list[str]]:
        """Feeds named by id, URL or title; and the names that matched none."""
        return self.store.find_feeds(names)

    def add_feed(
        self, url: str, *, title: str = "", folder: str = "", site_url: str = ""
    ) -> tuple[Feed, bool]:
        """Subscribe to ``url`` as it is (no fetch); the feed and whether it is new."""
        return self.store.add_feed(url, title=title, folder=folder, site_url=site_url)

    @staticmethod
    def check_url(url: str) -> str:
        """The URL to subscribe to, if ``url`` is one (an absolute http(s) URL, as typed: a
        ``feed:`` address or one with no scheme is made one, see sanitize.feed_address; or
        the bundled welcome feed); FetchError (one line) otherwise. No fetch."""
        from tui_reader.feeds.welcome import WELCOME_URL
        from tui_reader.net import check_url

        return url if url == WELCOME_URL else check_url(feed_address(url))

    def subscribe(self, url: str, *, folder: str = "") -> Subscribed:
        """Subscribe to the feed at ``url``, or the one the page at ``url`` names, and store
        its articles (blocking: a fetch). Raises FetchError for an address that cannot be
        fetched, DiscoverError when no feed is found (both ReaderErrors, one line)."""
        from tui_reader.feeds.discover import discover
        from tui_reader.net import FetchLimits

        url = self.check_url(url)
        folder = clean_folder(folder)
        store = self.store
        existing = store.feed_by_url(url)
        if existing is not None:
            return Subscribed(existing, created=False)
        _start_resource_tracker()
        found = discover(
            url,
            limits=FetchLimits.from_config(self.config.refresh),
            parse_seconds=self.config.limits.parse_seconds,
        )
        existing = store.feed_by_url(found.url) or (
            # Sent on by a temporary redirect to a feed subscribed already (a blog's
            # "/?feed=rss2" answering 302 with its "/feed/"): that feed, not a second copy.
            store.feed_by_url(found.fetched_url) if found.fetched_url else None
        )
        if existing is not None:
            return Subscribed(existing, created=False, via_page=found.via_page)
        feed, created = store.add_feed(
            found.url, title=found.parsed.title, folder=folder, site_url=found.parsed.site_url
        )
        if not created:
            # The address of a feed subscribed already, written otherwise (a trailing "?", a
            # "#fragment", the host's case): that feed, nothing stored, not "Subscribed".
            return Subscribed(feed, created=False, via_page=found.via_page)
        if found.url != url and not found.via_page:
            # The address typed moved for good (a 301/308): a list naming it later (an
            # import of an older export) finds this feed, not a second subscription.
            store.record_move(url, feed.id)
        new, _updated = store.upsert_entries(feed, found.parsed.entries)
        store.record_fetch(
            feed.id,
            status="ok",
            error=found.parsed.warning,
            etag=found.etag,
            last_modified=found.last_modified,
            next_fetch=time.time() + max(60, self.config.refresh.interval_minutes * 60),
        )
        return Subscribed(
            feed,
            created=True,
            new_articles=new,
            warning=clean_line(found.parsed.warning),
            via_page=clean_line(found.via_page),
        )

    def ensure_welcome(self) -> bool:
        """On the first run, subscribe to the bundled welcome feed; True if added now."""
        from tui_reader.feeds.welcome import ensure_welcome

        return ensure_welcome(self.store)

    def rename_feed(self, feed_id: int, title: str) -> None:
        """Give the feed ``title`` as typed or pasted, cleaned as every title is (control
        characters and escape sequences out, one line); "" for the feed's own title."""
        self.store.rename_feed(feed_id, clean_line(title))

    def move_feed(self, feed_id: int, folder: str) -> None:
        """Put the feed in ``folder`` ("" for none; "A/B" is B inside A; spaces around the
        parts and empty parts go: see :func:`clean_folder`)."""
        self.store.set_feed_folder(feed_id, clean_folder(folder))

    def annotated_article_count(self, feed_id: int) -> int:
        """How many of the feed's articles a removal keeps (starred, highlighted, noted)."""
        return self.store.annotated_article_count(feed_id)

    def remove_feed(self, feed_id: int) -> int:
        """Unsubscribe; articles with a star, highlight or note are kept under Saved. Returns
        how many were kept."""
        return self.store.remove_feed(feed_id)

    def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        progress: Callable[[RefreshProgress], None] | None = None,
        *,
        only_due: bool = False,
    ) -> RefreshSummary:
        """Fetch the feeds (all when ``feed_ids`` is None; with ``only_due``, those whose next
        fetch has come) and store their entries; blocks until done. ``progress`` is called
        once per feed, on the calling thread."""
        from tui_reader.feeds.refresh import RefreshSummary, refresh

        if self.config.sync.enabled and feed_ids is None:
            # The feed server fetches the feeds ([sync]): a refresh is a sync with it.
            # SyncError (one line) when it could not start; its other errors are notes.
            result = self.sync()
            if result.failed_at_start:
                from tui_reader.sync import SyncError

                raise SyncError(result.errors[0])
            return RefreshSummary(new_articles=result.articles_new, notes=list(result.errors))
        if threading.active_count() > 1:  # (single-threaded, workers are forked: no tracker)
            _start_resource_tracker()
        return refresh(self.database, self.config, feed_ids, progress, only_due=only_due)

    def refresh_in_child(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        only_due: bool = False,
        progress_every: float = 0.1,
    ) -> RefreshJob:
        """:meth:`refresh` in a child process of its own (the app's way: this process's
        event loop then never waits for the refresh's work). Returns at once; the job's
        ``wait(progress)`` (from a thread) returns the :class:`RefreshSummary` or raises
        (``RefreshFailed``, one line, when the child died), ``cancel()`` ends it. See
        :mod:`tui_reader.refresh_child`."""
        from tui_reader.refresh_child import start

        return start(
            self.paths, self.config, feed_ids, only_due=only_due, progress_every=progress_every
        )

    def sync(self, *, full: bool = False) -> SyncSummary:
        """One two-way sync with the feed server set in ``[sync]`` (blocking). SyncError
        when sync is off or no password can be had; a login or server failure is in the
        summary (``failed_at_start``, ``errors``)."""
        from tui_reader.sync import run_sync

        return run_sync(self.database, self.config, full=full)

    def import_opml(self, path: Path, data: bytes | None = None) -> OpmlImport:
        """Subscribe to the feeds of an OPML file (OpmlError, one line, if unreadable);
        ``data``: its bytes, when already read."""
        from tui_reader.feeds.opml import import_opml

        return import_opml(self.store, path, data)

    def import_newsboat_urls(self, path: Path, data: bytes | None = None) -> OpmlImport:
        """Subscribe to the feeds of newsboat's urls file (NewsboatError if unreadable);
        ``data``: its bytes, when already read."""
        from tui_reader.feeds.newsboat import import_urls

        return import_urls(self.store, path, data)

    def import_newsboat_cache(self, path: Path, *, star_flags: str = "") -> CacheResult:
        """Carry read and flagged state over from newsboat's cache.db (only ever read)."""
        from tui_reader.feeds.newsboat import import_cache

        return import_cache(self.store, path, star_flags=star_flags)

    def export_opml(self) -> str:
        from tui_reader.feeds.opml import export_opml

        return export_opml(self.store.list_feeds())

    def write_opml(self, path: Path) -> int:
        """Write the subscriptions as OPML to ``path``, all or nothing (a file that was there
        stays whole until the new one replaces it); returns how many feeds it holds. Raises
        ExportError saying why it could not be written."""
        from tui_reader.export.files import atomic_write

        feeds = self.store.list_feeds()
        text = self.export_opml()
        atomic_write(path, text)
        return sum(1 for f in feeds if f.url.startswith("http"))

    # -- articles ---------------------------------------------------------------------------

    def articles(
        self,
        *,
        feed_id: int | None = None,
        folder: str | None = None,
        saved: bool = False,
        unread_only: bool = False,
        starred_only: bool = False,
        limit: int = 100_000,
        offset: int = 0,
    ) -> list[Article]:
        """Articles newest first: of a feed, a folder (and its subfolders), Saved, or all."""
        return self.store.list_articles(
            feed_id=feed_id,
            folder=folder,
            saved=saved,
            unread_only=unread_only,
            starred_only=starred_only,
            limit=limit,
            offset=offset,
        )

    def article(self, article_id: int) -> Article | None:
        return self.store.get_article(article_id)

    def article_by_uid(self, uid: str) -> Article | None:
        return self.store.article_by_uid(uid)

    def article_by_url(self, url: str) -> Article | None:
        """The article stored for this page (in a feed or under Saved), if any."""
        return self.store.article_by_url(url)

    def annotated_articles(
        self, *, feed_id: int | None = None, since: float | None = None
    ) -> list[Article]:
        return self.store.annotated_articles(feed_id=feed_id, since=since)

    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Full-text search (any input is safe): title matches first, newest first."""
        return self.store.search(query, limit=limit)

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        self.store.set_read(article_ids, read)

    def set_starred(self, article_id: int, starred: bool) -> None:
        self.store.set_starred(article_id, starred)

    def mark_feed_read(self, feed_id: int) -> None:
        self.store.mark_feed_read(feed_id)

    def unread_total(self) -> int:
        return self.store.unread_total()

    # -- lists: their order and filter, marking one read, saved searches ---------------------

    def list_articles(
        self, which: ListFilter, *, sort: Sort = "newest", limit: int = 100_000, offset: int = 0
    ) -> list[Article]:
        """One page of a list (a feed, a folder, Saved, a saved search...) in ``sort``'s order."""
        from tui_reader.store.listing import list_articles

        return list_articles(self.store.conn, which, sort=sort, limit=limit, offset=offset)

    def mark_list_read(self, which: ListFilter) -> list[int]:
        """Mark every unread article of the list read at once; the ids it changed (what
        :meth:`mark_unread` needs to undo it). Journaled for sync, as :meth:`set_read` is."""
        from tui_reader.store.listing import mark_list_read

        return mark_list_read(self.store.conn, which)

    def mark_unread(self, article_ids: Sequence[int]) -> None:
        """Undo :meth:`mark_list_read` (journaled for sync too)."""
        from tui_reader.store.listing import mark_unread

        mark_unread(self.store.conn, article_ids)

    def list_views(self) -> dict[str, ListView]:
        """Each list's remembered sort order and read filter (by :func:`listview.list_key`)."""
        from tui_reader.listview import SETTING, parse_views

        return parse_views(self.store.get_setting(SETTING))

    def set_list_views(self, views: dict[str, ListView]) -> None:
        from tui_reader.listview import SETTING, dump_views

        self.store.set_setting(SETTING, dump_views(views))

    def saved_searches(self) -> list[SavedSearch]:
        """The searches kept as lists (newsboat's query feeds), in the order saved."""
        text = self.store.get_setting(SAVED_SEARCHES_SETTING)
        if not text:
            return []  # none saved (the common case): the query language is not imported
        from tui_reader.query import load_saved

        return load_saved(text)

    def saved_search_counts(self) -> list[tuple[str, str, int]]:
        """(name, query, unread articles) of each saved search."""
        from tui_reader.store.listing import count_unread

        conn = self.store.conn
        return [
            (s.name, s.query, count_unread(conn, ListFilter(query=s.parsed)))
            for s in self.saved_searches()
        ]

    def save_search(self, name: str, query: str) -> SavedSearch:
        """Keep ``query`` as a list named ``name`` (replacing one of that name); QueryError
        (one line) for a query that cannot be read."""
        from tui_reader.query import SETTING, add_saved, dump_saved

        searches = add_saved(self.saved_searches(), name, query)
        self.store.set_setting(SETTING, dump_saved(searches))
        return searches[-1]

    def remove_saved_search(self, name: str) -> None:
        from tui_reader.query import SETTING, dump_saved

        kept = [s for s in self.saved_searches() if s.name != name]
        self.store.set_setting(SETTING, dump_saved(kept))

    @staticmethod
    def saved_search_filter(query: str, *, unread_only: bool = False) -> ListFilter:
        """The articles a saved search's ``query`` holds (one that cannot be read: none)."""
        from tui_reader.query import QueryError, parse_query

        try:
            return ListFilter(query=parse_query(query), unread_only=unread_only)
        except QueryError:
            return ListFilter(ids=(), unread_only=unread_only)

    # -- handing an article to a program ([[commands]]) -------------------------------------

    def run_command(
        self,
        argv: Sequence[str],
        article: Article,
        text: str = "",
        *,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> Outcome:
        """Run a ``[[commands]]`` argv with the article's URL, title and (``{file}``) text —
        ``text`` when the caller has it, else the stored document's or the feed's — and wait
        for it (blocking: call it from a thread). CommandError (one line) when it cannot be
        run; a temporary file is made in the cache folder and removed once the program ends."""
        from tui_reader.commands import Handoff, placeholders, run_handoff

        if not text and "file" in placeholders(argv):
            text = self.open_article(article.id).document.text
        folder = self.paths.cache_dir / "handoff"
        folder.mkdir(parents=True, exist_ok=True)
        return run_handoff(
            argv,
            Handoff(article.url, article.display_title, text),
            should_stop=should_stop,
            folder=folder,
        )

    def saved_page(self, url: str) -> Article:
        """The article to open for a web page: the one stored for it already (one copy, so
        its highlights stay together), else a new one under Saved."""
        from urllib.parse import urlsplit

        existing = self.store.article_by_url(url)
        if existing is not None:
            return existing
        return self.store.add_saved_page(url, site=urlsplit(url).hostname or "")

    def name_saved_page(self, url: str, *, title: str, site: str = "") -> Article:
        """Give a page opened by its URL (under Saved) the title its page gave."""
        return self.store.add_saved_page(url, title=title, site=site)

    def stored_article_for(self, article: Article, document: Document) -> Article | None:
        """For a page opened by its URL (under Saved) whose extracted ``document`` names a
        canonical link stored already: that article, the empty Saved copy deleted (so
        highlights never split between two). None otherwise — a copy holding a star,
        highlight or note is kept."""
        from tui_reader.sanitize import is_web_url

        if article.feed_id is not None or not is_web_url(document.url):
            return None
        stored = self.store.article_by_url(document.url, exclude=article.id)
        if stored is None or not self.store.forget_saved_copy(article.id):
            return None
        return stored

    # -- documents --------------------------------------------------------------------------

    def open_article(self, article_id: int) -> OpenedArticle:
        """The article and the document to show at once, read once (quick: fine on the event
        loop). NotFound for an unknown id."""
        from tui_reader.extract.loader import is_current

        article = self.store.get_article(article_id)
        if article is None:
            raise NotFound("article", article_id)
        body = self.store.get_body(article_id)
        stored = body.document
        if stored is None:
            from tui_reader.htmltext import quick_document

            document = quick_document(body, article)
        else:
            document = stored
        return OpenedArticle(
            article,
            body,
            document,
            current=is_current(body),
            enclosures=tuple(self.store.enclosures(article_id)),
        )

    def enclosures(self, article_id: int) -> list[Enclosure]:
        """The article's enclosures (podcast and video files), in the feed's order: checked
        when the feed was read (http(s) URLs, a MIME type or "", a size or None). A quick
        read: fine on the event loop."""
        return self.store.enclosures(article_id)

    def stored_document(self, article_id: int) -> Document | None:
        """The document stored for the article (current or not); None when there is none."""
        return self.store.get_document(article_id)

    def load_document(
        self, article_id: int, *, force: bool = False, opened: OpenedArticle | None = None
    ) -> Document:
        """The article's full document: stored if current (and not ``force``), else made from
        the feed's content or the fetched page and stored — its highlights re-anchored to it.
        Blocking (a fetch; extraction in a worker process under the time budget): call it
        from a thread worker. ``opened`` (from :meth:`open_article`) saves reading the
        article again. Raises ArticleUnavailable (an ExtractionError) when there is no text
        to show: its ``url`` is the page to open in a browser."""
        from tui_reader.extract.loader import load_document

        _start_resource_tracker()
        if opened is not None and opened.article.id == article_id:
            return load_document(
                self.store,
                article_id,
                self.config,
                force=force,
                article=opened.article,
                body=opened.body,
                placer=_place,
            )
        return load_document(self.store, article_id, self.config, force=force, placer=_place)

    def extract_page(self, data: bytes | str, url: str, *, content_type: str = "") -> Document:
        """The article in a page's bytes, extracted in a worker process under the time
        budget (blocking). ExtractionError, with ``url`` and ``reason``, when there is none."""
        from tui_reader.extract.guarded import extract_page

        _start_resource_tracker()
        return extract_page(data, url, self.config, content_type=content_type)

    def extract_url(self, url: str) -> Document:
        """Fetch a web page (the usual limits) and extract its article (blocking).
        ExtractionError naming the URL when it cannot be fetched or holds no article."""
        from tui_reader.errors import ExtractionError
        from tui_reader.extract.pointer import fetch_page
        from tui_reader.net import FetchError, FetchLimits

        try:
            result = fetch_page(url, FetchLimits.from_config(self.config.refresh))
        except FetchError as exc:
            raise ExtractionError(f"could not fetch {url}: {exc}") from exc
        return self.extract_page(result.body, result.url, content_type=result.content_type)

    def load_image(self, url: str) -> LoadedImage:
        """An article's image, from the image cache or fetched (the refresh limits, a tighter
        size cap, only http(s), redirects checked hop by hop), checked as a picture (format,
        pixel count from its header) and scaled for the screen. Blocking: call it from a
        worker, one image when it is asked for. ImageError (one line, ``.url``) otherwise."""
        from tui_reader.images import ImageCache, load_image
        from tui_reader.net import FetchLimits

        cache = ImageCache(self.paths.cache_dir / "images")
        return load_image(url, cache, FetchLimits.from_config(self.config.refresh))

    def warm_workers(self) -> None:
        """Start a worker process for extraction ahead of need (blocking: from a thread)."""
        import contextlib

        from tui_reader.budget import shared_workers

        _start_resource_tracker()
        with contextlib.suppress(Exception):  # opening an article will say what fails
            shared_workers().start(1)

    def save_page(self, data: bytes, uri: str, *, name: str) -> Article:
        """Keep a page read from a file (``uri`` its file: URI, ``name`` what to call it
        without a title) as a Saved article with its extracted document; a copy of a page
        stored already is that article. ExtractionError when there is no article in it."""
        from tui_reader.extract.errors import EXTRACTOR_VERSION
        from tui_reader.sanitize import clean_line, is_web_url

        document = self.extract_page(data, uri)
        if is_web_url(document.url):
            existing = self.store.article_by_url(document.url)
            if existing is not None:
                return existing
        article = self.store.add_saved_page(
            uri, title=clean_line(document.title) or name, site=document.site_name or name
        )
        self.save_document(article.id, document, source="page", version=EXTRACTOR_VERSION)
        return article

    def save_document(
        self, article_id: int, document: Document, *, source: str, version: str
    ) -> None:
        """Store a document made for the article (and its text for search); its highlights
        are re-anchored to the new text."""
        self.store.save_document(
            article_id,
            doc_json=document.to_json(),
            text=document.text,
            version=version,
            source=source,
            placer=_place,
        )

    # -- highlights and notes ---------------------------------------------------------------

    def highlights(self, article_id: int, *, include_deleted: bool = False) -> list[Highlight]:
        """The article's highlights in document order, unplaced ones last."""
        return self.store.list_highlights(article_id, include_deleted=include_deleted)

    def highlight(self, highlight_id: str) -> Highlight | None:
        return self.store.get_highlight(highlight_id)

    def live_highlight(self, highlight_id: str) -> Highlight | None:
        """The highlight, unless it is deleted (or gone)."""
        return self.store.get_highlight(highlight_id, include_deleted=False)

    def add_highlight(
        self,
        article_id: int,
        text: str,
        start: int,
        end: int,
        color: str,
        tags: Iterable[str] = (),
        note: str = "",
    ) -> Highlight:
        """Highlight ``text[start:end]`` (``text`` the article's Document.text), saved and
        committed before this returns. ValueError for a bad range or a missing article."""
        return add_highlight(self.store, article_id, text, start, end, color, tags, note)

    def highlight_over(self, article_id: int, text: str, start: int, end: int) -> Highlight | None:
        """A live highlight of exactly ``text[start:end]`` in this text, if one is stored
        (made by another reader open on the store, perhaps, since this one loaded it)."""
        from tui_reader.anchor import text_hash

        digest = text_hash(text)
        return next(
            (
                h
                for h in self.store.list_highlights(article_id)
                if (h.start, h.end) == (start, end) and h.text_hash == digest
            ),
            None,
        )

    def update_highlight(
        self,
        highlight_id: str,
        *,
        color: str | None = None,
        tags: Iterable[str] | None = None,
        note: str | None = None,
    ) -> Highlight:
        """Change a highlight's colour, tags and/or note (None: unchanged). NotFound (a
        KeyError) when there is no such highlight."""
        try:
            return self.store.update_highlight(highlight_id, color=color, tags=tags, note=note)
        except KeyError:
            raise NotFound("highlight", highlight_id) from None

    def delete_highlight(self, highlight_id: str) -> bool:
        """Delete (undoably: :meth:`restore_highlight`); True if it was visible."""
        return self.store.delete_highlight(highlight_id)

    def restore_highlight(self, highlight_id: str) -> bool:
        return self.store.restore_highlight(highlight_id)

    def all_highlights(
        self,
        query: str = "",
        tag: str | None = None,
        color: str | None = None,
        feed_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> list[Highlight]:
        """Every live highlight, newest first, filtered (see ``Store.all_highlights``)."""
        return self.store.all_highlights(query, tag, color, feed_id, since, until)

    def highlight_tags(self) -> list[tuple[str, int]]:
        return self.store.highlight_tags()

    def article_note(self, article_id: int) -> str:
        return self.store.get_article_note(article_id)

    def highlight_count(self, article_id: int | None = None) -> int:
        """Live highlights, of one article or of all."""
        return self.store.highlight_count(article_id)

    def set_article_note(self, article_id: int, body: str) -> None:
        """Save the article's note; an empty one deletes it."""
        self.store.set_article_note(article_id, body)

    def reanchor(self, article_id: int, text: str | None = None) -> Reanchored:
        """Place every highlight of the article (deleted ones too, so an undo lands right) in
        ``text`` — by default its stored document's — and save where each now is. Nothing is
        deleted. The one way highlights are re-anchored."""
        if text is None:
            document = self.stored_document(article_id)
            if document is None:
                return Reanchored(0, 0)
            text = document.text
        return reanchor(self.store, article_id, text)

    def place_highlights(self, article_id: int, text: str) -> PlacedHighlights:
        """The article's live highlights placed in ``text``, and its note.

        When ``text`` is the article's stored text, highlights made on another version are
        re-anchored and saved. When it is not (the quick view shown while the full text
        loads), they are placed for display only: a passing version must not move them."""
        from tui_reader.anchor import text_hash
        from tui_reader.placing import holds, place

        want = text_hash(text)
        highlights = self.store.list_highlights(article_id)
        reanchored = False
        if text and not all(holds(h, text, want) for h in highlights):
            stored = self.stored_document(article_id)
            if stored is not None and stored.text == text:
                self.reanchor(article_id, text)
                highlights = self.store.list_highlights(article_id)
                reanchored = True
            else:  # placed for display only: the offsets stay those of the stored text
                highlights = document_order(
                    replace(h, start=p.start, end=p.end, quote=p.quote or h.quote)
                    for h, p in zip(highlights, place(highlights, text), strict=True)
                )
        return PlacedHighlights(
            article_id, tuple(highlights), self.store.get_article_note(article_id), reanchored
        )

    # -- export and import ------------------------------------------------------------------

    def export_folder(self) -> Path:
        """Where exports go: ``[export] folder`` from the config, else the platform default."""
        from tui_reader.export import export_folder

        return export_folder(self.paths, self.config)

    def export_article(
        self, article_id: int, *, folder: Path | None = None, path: Path | None = None
    ) -> Path:
        """Write (or merge into) the article's Markdown file; returns it. ExportError."""
        from tui_reader.export import export_article

        return export_article(
            self.store,
            article_id,
            folder if folder is not None else self.export_folder(),
            colors=self.config.colors,
            path=path,
        )

    def export_all(self, *, folder: Path | None = None) -> list[Path]:
        """Every annotated article's Markdown file (written or merged); the files."""
        from tui_reader.export import export_all

        return export_all(
            self.store,
            folder if folder is not None else self.export_folder(),
            colors=self.config.colors,
        )

    def export_many(
        self,
        *,
        article_ids: Sequence[int] | None = None,
        since: float | None = None,
        feed_id: int | None = None,
        folder: Path | None = None,
        read_only: list[Path] | None = None,
    ) -> list[tuple[Path, bool]]:
        """Each annotated article's Markdown file (and whether it changed); files made
        read-only are left as they are, named in ``read_only``."""
        from tui_reader.export import export_many

        return export_many(
            self.store,
            folder if folder is not None else self.export_folder(),
            article_ids=article_ids,
            since=since,
            feed_id=feed_id,
            colors=self.config.colors,
            read_only=read_only,
        )

    def export_digest(
        self,
        since: float,
        *,
        until: float | None = None,
        feed_id: int | None = None,
        folder: Path | None = None,
        path: Path | None = None,
        kept: Callable[[Path], None] | None = None,
    ) -> Path:
        """One Markdown file of every highlight and note made in a time range (``kept`` is
        told of an edited digest of those dates, left as it is, the new one beside it)."""
        from tui_reader.export import export_digest

        return export_digest(
            self.store,
            since,
            until=until,
            feed_id=feed_id,
            folder=folder if folder is not None else self.export_folder(),
            path=path,
            colors=self.config.colors,
            kept=kept,
        )

    def export_json(
        self,
        *,
        path: Path | None = None,
        folder: Path | None = None,
        article_ids: Sequence[int] | None = None,
        since: float | None = None,
        feed_id: int | None = None,
    ) -> tuple[Path, int]:
        """Web Annotation JSON of the annotated articles; the file and how many it holds."""
        from tui_reader.export import export_json

        return export_json(
            self.store,
            path=path,
            folder=folder if folder is not None or path is not None else self.export_folder(),
            article_ids=article_ids,
            since=since,
            feed_id=feed_id,
        )

    def import_annotations(
        self,
        path: Path,
        *,
        fetch: bool = True,
        fetching: Callable[[Article], None] | None = None,
        failed: Callable[[Article, str], None] | None = None,
        budget: float = IMPORT_FETCH_BUDGET,
    ) -> ImportResult:
        """Import a Web Annotation JSON file, all of it or nothing (ExportError, one line).
        With ``fetch``, an article without text has its page fetched so that its highlights
        are placed at once (blocking; ``fetching`` is told of each page before it is
        fetched, ``failed`` of each that could not be, with why); offline, they wait for its
        first opening. Pages are fetched only while ``budget`` seconds of fetching have not
        passed (each page has its own timeout too: twenty pages that never answer would
        hold the import for minutes); the rest wait for their first opening as well. An
        article with no web address is never fetched. A highlight given only by a position
        is placed (its quote taken from the text) only in the text those offsets were given
        for (same hash): else it is kept unanchored, with why."""
        from tui_reader.errors import ExtractionError
        from tui_reader.export import import_json
        from tui_reader.sanitize import is_web_url

        deadline = time.monotonic() + budget

        def get_text(article_id: int) -> bool:
            article = self.store.get_article(article_id)
            if article is None or not is_web_url(article.url):
                return False
            if time.monotonic() > deadline:
                if failed is not None:
                    failed(article, f"not fetched: {budget:.0f} s of fetching pages spent")
                return False
            if fetching is not None:
                fetching(article)
            try:
                return not self.load_document(article_id).is_empty
            except ExtractionError as exc:
                if failed is not None:
                    failed(article, str(exc))
                return False

        return import_json(self.store, path, fetch=get_text if fetch else None, placer=_place)


def latest_backup(paths: Paths) -> Path | None:
    """The newest backup of the database, if any (no need to open it: it may be damaged)."""
    from tui_reader.store.db import latest_backup

    return latest_backup(paths.database)


def backups(paths: Paths) -> list[Path]:
    """The database's backups, newest first (not opened: any may be damaged)."""
    from tui_reader.store.db import backups

    return backups(paths.database)


def restore_backup(paths: Paths, backup_file: Path) -> Path:
    """Put ``backup_file`` in place of the database (which must not be open); the current
    file is moved aside, never deleted: returns where. StoreError if the backup is unusable."""
    from tui_reader.store.db import restore_backup

    return restore_backup(paths.database, backup_file)


# -- the same, for callers that hold a Store of their own (the UI's writer thread, until it
# holds a Reader; tests of the store) ---------------------------------------------------------


def add_highlight(
    store: Store,
    article_id: int,
    text: str,
    start: int,
    end: int,
    color: str,
    tags: Iterable[str] = (),
    note: str = "",
) -> Highlight:
    """:meth:`Reader.add_highlight` on ``store``."""
    from tui_reader.placing import new_highlight, new_highlight_id

    highlight = new_highlight(article_id, text, start, end, color, tags, note)
    while not store.insert_highlight(highlight):  # an id clash: astronomically rare
        highlight = replace(highlight, id=new_highlight_id())
    saved = store.get_highlight(highlight.id)
    assert saved is not None
    return saved


def reanchor(store: Store, article_id: int, text: str) -> Reanchored:
    """:meth:`Reader.reanchor` on ``store``, for ``text``."""
    placed, unanchored = store.reanchor_article(article_id, text, _place)
    return Reanchored(placed, unanchored)


_TRACKER_LOCK = threading.Lock()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr.

    Feeds are parsed and articles extracted in worker processes. The first pool starts the
    tracker, which hands it ``sys.stderr.fileno()`` — but while Textual runs, ``sys.stderr``
    is Textual's capture, whose fileno is -1, and the start fails ("bad value(s) in
    fds_to_keep"). Starting it here, with the real stderr for that moment, avoids that; it runs
    once per process."""
    from multiprocessing import resource_tracker

    with _TRACKER_LOCK:
        saved = sys.stderr
        try:
            if sys.__stderr__ is not None:
                sys.stderr = sys.__stderr__
            resource_tracker.ensure_running()
        except (OSError, ValueError):
            pass  # the refresh reports what fails
        finally:
            sys.stderr = saved
