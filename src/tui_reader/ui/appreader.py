"""The app's :class:`~tui_reader.reader.Reader`, with two thin adapters the façade lacks (no
Textual here: the command reads the first screen's rows through it before Textual loads)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui_reader.config import Config
from tui_reader.models import Article
from tui_reader.paths import Paths
from tui_reader.reader import Reader


class AppReader(Reader):
    """The Reader as the app holds it: one for the whole app, used from the event loop, the
    writer's thread and thread workers. Thin adapters for what the façade lacks (each one
    line over it; to move into :class:`~tui_reader.reader.Reader`):

    - ``database``: a database somewhere else than ``paths.database`` (the app's
      ``store_path``: tests and benchmarks), as the façade takes its database from the paths;
    - :meth:`release`: a thread worker is a new thread each time, and the Reader opens a
      connection per thread; the worker gives its connection back when it is done (see
      :func:`worker_reader`), so a long session does not pile up open connections;
    - :meth:`welcome_pending`, read with the first screen's rows (no worker to start when
      the welcome feed was added on an earlier run);
    - a page opened by its URL: :meth:`stored_copy_of` (its canonical link is an article
      stored already: that one, and the empty Saved copy goes) and :meth:`name_saved_page`.
    """

    def __init__(self, paths: Paths, config: Config | None, database: Path | None = None) -> None:
        super().__init__(paths, config)
        self._database = database or paths.database

    @classmethod
    def at(cls, database: Path) -> AppReader:
        """A Reader over this database file alone (no config; for reads before the app
        starts: see :class:`~tui_reader.ui.sources.EarlyLoad`)."""
        folder = database.parent
        return cls(Paths(folder, folder, folder, folder, folder), None, database)

    @property
    def database(self) -> Path:
        return self._database

    def release(self) -> None:
        """Close this thread's connection, if it has one (the next call opens another)."""
        store = getattr(self._local, "store", None)
        if store is None:
            return
        self._local.store = None
        with self._lock:
            if store in self._stores:
                self._stores.remove(store)
        store.close()

    def welcome_pending(self) -> bool:
        """True while the bundled welcome feed has never been added (the first run)."""
        from tui_reader.feeds.welcome import WELCOME_SETTING

        return not self.get_setting(WELCOME_SETTING)

    def stored_copy_of(self, article: Article, url: str) -> Article | None:
        """A page opened by its URL (``article``, under Saved) whose canonical link ``url`` is
        another article stored already: that article, once the empty Saved copy is gone (so
        that highlights never split between two); else None."""
        store = self.store
        stored = store.article_by_url(url, exclude=article.id)
        if stored is None or not store.forget_saved_copy(article.id):
            return None
        return stored

    def name_saved_page(self, url: str, title: str, site: str) -> None:
        """Give a page opened by its URL the title (and site) its page gave."""
        self.store.add_saved_page(url, title=title, site=site)


@contextmanager
def worker_reader(reader: Reader) -> Iterator[Reader]:
    """The Reader in a thread worker: ``with worker_reader(ctx.reader) as reader: ...``; the
    thread's connection is closed at the end."""
    try:
        yield reader
    finally:
        if isinstance(reader, AppReader):
            reader.release()
