"""What a refresh's process needs of the feed parsers without importing them (lxml, feedparser,
~0.1 s): the parse result and the parse error (unpickling them, as the workers send them,
imports the module defining them) and a parse call to send to a worker (pickled by name; the
worker has the parsers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui_reader.errors import ReaderError
from tui_reader.models import EntryData


class FeedError(ReaderError):
    """The document is not a feed the reader can use; ``str(error)`` is one line."""


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed (:func:`tui_reader.feeds.parse.parse_feed`)."""

    title: str = ""
    site_url: str = ""
    entries: list[EntryData] = field(default_factory=list)
    warning: str = ""  # set when the document was broken but entries were found
    format: str = ""  # "rss20", "atom10", "json11", ...


def parse_in_worker(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """:func:`tui_reader.feeds.parse.parse_feed`, imported where it runs."""
    from tui_reader.feeds.parse import parse_feed

    return parse_feed(data, url, content_type)
