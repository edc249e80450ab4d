"""The reader's SQLite store: feeds, articles, the full-text index, highlights and notes.

Composed here from one part per domain (as lemon24/reader's ``_storage``):

- ``store/base.py``: the connection, write transactions, settings;
- ``store/feeds.py``: feeds, and the outcomes of a refresh;
- ``store/articles.py``: articles, their bodies and documents (``store/identity.py`` decides
  which stored article an entry is, and whether it changed, without a database);
- ``store/search.py``: full-text search;
- ``store/annotations.py``: highlights and notes (placing them again is decided elsewhere:
  the store is handed the decision, see ``tui_reader.placing``).

One :class:`Store` wraps one connection. Threads other than the one that opened it should open
their own (``Store.open(path)`` is cheap once the schema exists); ``tui_reader.reader.Reader``
does that for every thread.
"""

from __future__ import annotations

from pathlib import Path

from tui_reader.store.annotations import AnnotationsMixin
from tui_reader.store.articles import SAVED, ArticlesMixin, article_uid
from tui_reader.store.base import StoreBase
from tui_reader.store.db import StoreError, connect
from tui_reader.store.feeds import FeedsMixin
from tui_reader.store.search import SearchMixin, fts_query

__all__ = ["SAVED", "Store", "StoreError", "article_uid", "fts_query"]


class Store(FeedsMixin, ArticlesMixin, SearchMixin, AnnotationsMixin, StoreBase):
    @classmethod
    def open(cls, path: Path) -> Store:
        return cls(connect(path), path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
