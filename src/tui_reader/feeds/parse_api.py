"""What a refresh's process needs of the feed parsers without importing them (lxml, feedparser,
~0.1 s): the parse error (unpickling it, as the workers send it, imports the module defining
it) and a parse call to send to a worker (pickled by name; the worker has the parsers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_reader.errors import ReaderError

if TYPE_CHECKING:
    from tui_reader.feeds.parse import ParsedFeed


class FeedError(ReaderError):
    """The document is not a feed the reader can use; ``str(error)`` is one line."""


def parse_in_worker(data: bytes, url: str) -> ParsedFeed:
    """:func:`tui_reader.feeds.parse.parse_feed`, imported where it runs."""
    from tui_reader.feeds.parse import parse_feed

    return parse_feed(data, url)
