"""The app's :class:`~tui_reader.reader.Reader`, with the thin adapters the façade lacks (no
Textual here: the command reads the first screen's rows through it before Textual loads)."""

from __future__ import annotations

from pathlib import Path

from tui_reader.config import Config
from tui_reader.paths import Paths
from tui_reader.reader import Reader


class AppReader(Reader):
    """The Reader as the app holds it: one for the whole app, used from the event loop, the
    writer's thread and thread workers (Textual runs those on its event loop's default
    executor, whose threads are kept and reused: the Reader's connection per thread is opened
    once for each, and all are closed with the app). Thin adapters for what the façade lacks
    (each a line or two over it; to move into :class:`~tui_reader.reader.Reader`):

    - ``database``: a database somewhere else than ``paths.database`` (the app's
      ``store_path``: tests and benchmarks), as the façade takes its database from the paths;
    - :meth:`welcome_pending`, read with the first screen's rows (no worker to start when
      the welcome feed was added on an earlier run).
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

    def welcome_pending(self) -> bool:
        """True while the bundled welcome feed has never been added (the first run)."""
        from tui_reader.feeds.welcome import WELCOME_SETTING

        return not self.get_setting(WELCOME_SETTING)
