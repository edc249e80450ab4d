"""Plain data objects shared by the core, the UI and the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from tui_reader.document import Document, stored_document
from tui_reader.sanitize import clean_line, shown_url
from tui_reader.units import human_size

LEAD_WORDS = 8  # an untitled article is named by the first words of its text...
LEAD_CELLS = 60  # ...at most this many characters of them
LEAD_CHARS = 300  # what the store reads of the text for that (see store/rows.py)


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str = ""
    site_url: str = ""
    folder: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_status: str = ""  # "", "ok", "not-modified", "error"
    last_error: str = ""
    last_fetched: float | None = None
    next_fetch: float | None = None
    unread: int = 0
    total: int = 0

    @property
    def display_title(self) -> str:
        return self.title or shown_url(self.url)


@dataclass(frozen=True)
class Enclosure:
    """A file an entry carries (a podcast episode, a video): an RSS ``<enclosure>``, an Atom
    ``<link rel="enclosure">``, a JSON Feed attachment. Checked where it is parsed
    (``feeds/enclosures.py``): an http(s) URL, a MIME type or "", a size in bytes or None."""

    url: str
    type: str = ""
    length: int | None = None

    @property
    def label(self) -> str:
        """ "audio/mpeg · 24.3 MB · episode.mp3": what it is, how big, its file name."""
        from urllib.parse import unquote

        path = unquote(self.url.split("?", 1)[0].split("#", 1)[0]).rstrip("/")
        name = clean_line(path.rsplit("/", 1)[-1])  # (a player's URL may hold another one)
        if len(name) > 60:
            name = name[:59] + "…"
        parts = [self.type or "unknown type", size_label(self.length), name]
        return " · ".join(p for p in parts if p)


def size_label(length: int | None) -> str:
    """A size in bytes as a person reads it ("24.3 MB"); "" when it is not known."""
    return human_size(length) if length else ""


@dataclass(frozen=True)
class EntryData:
    """One entry as a feed parser found it, cleaned, ready to store."""

    guid: str  # the entry's own id (RSS guid, Atom id, JSON Feed id); "" when it has none
    url: str = ""
    title: str = ""
    author: str = ""
    published: float | None = None
    updated: float | None = None
    summary: str = ""  # HTML or text as the feed gave it (cleaned of control characters)
    content: str = ""  # the feed's full content, HTML, if any
    text: str = ""  # plain text of the best of content/summary, for search
    enclosures: tuple[Enclosure, ...] = ()  # podcast and video files, checked and capped


@dataclass(frozen=True)
class FeedUpdate:
    """One feed's refresh, decided (``feeds/refresh.py``), for the store to record
    (``Store.store_fetches``): the fetch's outcome and, for "ok", the entries to store.

    ``status`` is "ok", "not-modified" or "error" (``error`` the one-line reason). Validators,
    title, site and a new URL (a permanent redirect) replace the stored ones only when given;
    the title only when the user has not named the feed. ``feed`` is the feed as the entries
    are stored under it (its title filled from the document when the user gave none)."""

    feed: Feed
    status: str
    error: str = ""
    next_fetch: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    site_url: str | None = None
    new_url: str | None = None
    redirected_to: str | None = None  # where the fetch ended, when redirected elsewhere
    entries: tuple[EntryData, ...] = ()


@dataclass(frozen=True)
class FeedStored:
    """What became of one :class:`FeedUpdate`: how many articles were added and updated, or,
    when that feed alone could not be stored (its changes rolled back, the others kept), why
    ("could not store: ...")."""

    new: int = 0
    updated: int = 0
    error: str = ""


@dataclass(frozen=True)
class Article:
    """An article's list-level fields (no bodies: see :class:`ArticleBody`)."""

    id: int
    uid: str  # stable id, kept across refreshes, feed renames and URL changes
    feed_id: int | None
    guid: str = ""  # the entry's own id; "" when it had none (then link and title identify it)
    url: str = ""
    title: str = ""
    author: str = ""
    published: float | None = None
    updated: float | None = None
    read: bool = False
    starred: bool = False
    source_title: str = ""  # the feed's (or page's site) title when stored
    added: float = 0.0
    lead: str = ""  # the start of the stored text, read only when there is no title

    @property
    def display_title(self) -> str:
        """The title; without one, the first words of the text, else the date, else the
        URL (a feed without titles would otherwise be a column of near-identical URLs)."""
        return (
            self.title
            or lead_title(self.lead)
            or date_title(self.published or self.added or None)
            or self.url
            or "(untitled)"
        )


def lead_title(text: str) -> str:
    """The first few words of ``text`` on one line, with "…" when there is more."""
    words = clean_line(text[:LEAD_CHARS]).split(" ")
    title = ""
    for i, word in enumerate(words[:LEAD_WORDS]):
        candidate = f"{title} {word}" if title else word
        if len(candidate) > LEAD_CELLS:
            return (title or word[:LEAD_CELLS]) + "…"
        title = candidate
        if i == LEAD_WORDS - 1 and len(words) > LEAD_WORDS:
            return title + "…"
    return title


def date_title(timestamp: float | None) -> str:
    """A date as a title: "26 June 2017"."""
    if not timestamp:
        return ""
    try:
        return time.strftime("%-d %B %Y", time.localtime(timestamp))
    except (OverflowError, OSError, ValueError):
        return ""


@dataclass(frozen=True)
class ArticleBody:
    summary: str = ""
    content: str = ""
    doc_json: str = ""  # a tui_reader.document.Document as JSON, once extracted
    doc_version: str = ""  # the extractor version that made doc_json
    doc_source: str = ""  # "feed" or "page"
    doc_error: str = ""  # why extraction failed, if it did
    fetched_at: float | None = None

    @cached_property
    def document(self) -> Document | None:
        """The stored document (None when there is none, or when it is damaged: see
        :func:`tui_reader.document.stored_document`, the one policy)."""
        return stored_document(self.doc_json)

    def is_current(self, version: str) -> bool:
        """Whether the stored document can be shown as it is: there is one, it reads back,
        and the extractor ``version`` that made it is this one. The one place this is
        decided (the loader and the reading pane both ask it)."""
        return bool(version) and self.doc_version == version and self.document is not None


@dataclass(frozen=True)
class Highlight:
    id: str
    article_id: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None  # offsets in the article's plain text; None when unanchored
    end: int | None = None
    text_hash: str = ""  # hash of the text the offsets refer to
    color: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""
    created: float = 0.0
    updated: float = 0.0
    # Offsets given without a quote (a W3C TextPositionSelector imported alone), valid only in
    # the text whose hash is text_hash: kept until the highlight is placed (then None, and
    # quote, start and end set). While it waits, quote is "".
    position: tuple[int, int] | None = None

    @property
    def anchored(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def position_only(self) -> bool:
        """Known only by a position, not placed yet: no quote to show."""
        return not self.quote and self.position is not None


POSITION_ONLY_LABEL = "(position only, not placed yet)"


def quote_or_label(h: Highlight) -> str:
    """What a list shows for a highlight's passage: its quote, or a label while it has none."""
    return POSITION_ONLY_LABEL if h.position_only else h.quote


@dataclass(frozen=True)
class SearchHit:
    article: Article
    snippet: str


def document_order(highlights: Iterable[Highlight]) -> list[Highlight]:
    """Anchored highlights by position, then unanchored ones (oldest first): the order the
    store lists them in (``store/annotations.py``), for highlights placed elsewhere."""
    return sorted(
        highlights,
        key=lambda h: (
            h.start is None,
            h.start if h.start is not None else 0,
            h.end if h.end is not None else 0,
            h.created,
            h.id,
        ),
    )
