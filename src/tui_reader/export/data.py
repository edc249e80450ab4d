"""What an export needs about one article, gathered from the store in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_reader.config import DEFAULT_COLORS, HighlightColor
from tui_reader.document import Document
from tui_reader.errors import ReaderError
from tui_reader.models import Article, Highlight
from tui_reader.sanitize import clean_line, clean_url
from tui_reader.store import Store
from tui_reader.timestamps import UNKNOWN, format_local, format_utc

UNKNOWN_DATE = "date unknown"


class ExportError(ReaderError):
    """An export or import that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class ArticleData:
    article: Article
    highlights: tuple[Highlight, ...]  # live ones, document order, unanchored last
    note: str
    doc: Document | None

    @property
    def title(self) -> str:
        return clean_line(self.article.title or (self.doc.title if self.doc else "")) or ""

    @property
    def url(self) -> str:
        return clean_url(self.article.url or (self.doc.url if self.doc else ""))

    @property
    def site(self) -> str:
        return clean_line(self.article.source_title or (self.doc.site_name if self.doc else ""))

    @property
    def author(self) -> str:
        return clean_line(self.article.author or (self.doc.byline if self.doc else ""))

    @property
    def published(self) -> str:
        """YYYY-MM-DD, or "" when unknown."""
        known = utc_date(self.article.published)
        if known:
            return known
        raw = clean_line(self.doc.published) if self.doc else ""
        return raw[:10] if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-" else ""

    @property
    def tags(self) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for h in self.highlights:
            for t in h.tags:
                seen.setdefault(t.casefold(), t)
        return tuple(seen.values())

    @property
    def anchored(self) -> tuple[Highlight, ...]:
        return tuple(h for h in self.highlights if h.anchored)

    @property
    def unanchored(self) -> tuple[Highlight, ...]:
        return tuple(h for h in self.highlights if not h.anchored)

    def paragraph_number(self, h: Highlight) -> int | None:
        """1-based number of the (non-empty) block the highlight starts in."""
        if self.doc is None or h.start is None or h.start > len(self.doc.text):
            return None
        index = self.doc.block_at(h.start)
        return sum(1 for b in self.doc.blocks[: index + 1] if b.text) or None


def load_article(store: Store, article_id: int) -> ArticleData:
    article = store.get_article(article_id)
    if article is None:
        raise ExportError(f"no article with id {article_id}")
    doc = store.get_document(article_id)
    return ArticleData(
        article=article,
        highlights=tuple(store.list_highlights(article_id)),
        note=store.get_article_note(article_id),
        doc=doc,
    )


def color_label(value: str, colors: Sequence[HighlightColor] = DEFAULT_COLORS) -> str:
    """The meaning of a highlight's colour: the configured name whether the highlight stored
    the name ("key point") or the colour ("yellow")."""
    for c in colors:
        if value == c.name:
            return c.name
    for c in colors:
        if value.casefold() == c.color.casefold():
            return c.name
    return value


def utc_date(ts: float | None, default: str = "") -> str:
    """YYYY-MM-DD in UTC; ``default`` for a time that is not a usable timestamp."""
    return format_utc(ts, "%Y-%m-%d", default)


def local_date(ts: float | None, default: str = UNKNOWN_DATE) -> str:
    """YYYY-MM-DD in local time; ``default`` for a time that is not a usable timestamp (a
    value an older version stored: 1e20, NaN), never an exception."""
    return format_local(ts, "%Y-%m-%d", default)


def utc_stamp(ts: float | None) -> str:
    """An ISO 8601 UTC time to the second, as front matter shows it ("unknown" if unusable)."""
    return format_utc(ts, "%Y-%m-%dT%H:%M:%SZ", UNKNOWN)
