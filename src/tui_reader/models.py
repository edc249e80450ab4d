"""Plain data objects shared by the core, the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        return self.title or self.url


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

    @property
    def display_title(self) -> str:
        return self.title or self.url or "(untitled)"


@dataclass(frozen=True)
class ArticleBody:
    summary: str = ""
    content: str = ""
    doc_json: str = ""  # a tui_reader.document.Document as JSON, once extracted
    doc_version: str = ""  # the extractor version that made doc_json
    doc_source: str = ""  # "feed" or "page"
    doc_error: str = ""  # why extraction failed, if it did
    fetched_at: float | None = None


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

    @property
    def anchored(self) -> bool:
        return self.start is not None and self.end is not None


@dataclass(frozen=True)
class SearchHit:
    article: Article
    snippet: str
