"""Noticing what other processes did to the database: a `tui-reader refresh` from cron, an
`add` or `import` in another terminal, a second instance of the app.

A thread polls SQLite's ``PRAGMA data_version`` on a connection of its own: a read of one
counter in shared memory, which changes only when another connection committed. Only then are
the feeds and their counts read (the feed list's own query) and handed to the screen, which
reloads its lists if what it shows differs. The app's own writes (read, star, a stored
article's text) change the counter too, but not what the lists show — the lists already show
them — so they cause no reload.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.errors import ReaderError
from tui_reader.models import Feed
from tui_reader.ui.appreader import AppReader

if TYPE_CHECKING:
    from textual.dom import DOMNode

POLL_SECONDS = 1.5


@dataclass(frozen=True)
class Snapshot:
    """What the lists show that another process can change: the feeds with their counts, and
    whether articles were added since the last look (a page saved with `tui-reader read` is
    in no feed, so no count shows it)."""

    feeds: list[Feed]
    new_articles: bool


class StoreWatch:
    """Polls the database at ``path`` every ``interval`` seconds on a thread of its own;
    calls ``on_change(snapshot)`` on the app's thread after another connection
    committed."""

    def __init__(
        self,
        path: Path,
        on_change: Callable[[Snapshot], object],
        interval: float | None = None,
    ) -> None:
        self.path = path
        self.on_change = on_change
        self.interval = POLL_SECONDS if interval is None else interval
        self._stop = threading.Event()
        self._rebase = threading.Event()
        self._paused = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, node: DOMNode) -> None:
        """Start polling (a daemon thread of its own, not a Textual worker: it runs as long as
        the screen, and waiting for the app's workers to finish must not wait for it)."""
        app = node.app
        self._thread = threading.Thread(
            target=self._run, args=(app.call_from_thread,), name="tui-reader-watch", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait (briefly) for the thread to close its connection, so that
        an app that has quit holds no database file open."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def rebase(self) -> None:
        """The app has just shown every article there is (its own refresh ended and reloaded
        the lists): the articles added until the next poll are not news to it. Without this,
        the refresh's last writes came back as "new articles" a poll later and reloaded the
        lists a second time, under the reader's keys."""
        self._rebase.set()

    def pause(self, paused: bool) -> None:
        """Stop looking (``True``) while the app's own refresh runs, and look again after.
        The refresh commits all along and reloads the lists when it ends; meanwhile every
        poll read all the feeds and their counts on this thread, taking the interpreter lock
        from the event loop, for a screen that ignores them. The first poll after the pause
        sees what changed meanwhile (the counter moved), so nothing is missed."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self, call: Callable[..., object]) -> None:
        reader = AppReader.at(self.path)  # a Reader of its own: its connection is this thread's
        try:
            try:
                last = reader.data_version()
                newest = reader.newest_article_id()
            except (sqlite3.Error, ReaderError):
                return  # the screen says what is wrong with the database
            while not self._stop.wait(self.interval):
                if self._paused.is_set():
                    continue
                try:
                    version = reader.data_version()
                    rebase = self._rebase.is_set()
                    self._rebase.clear()
                    if version == last:
                        continue
                    now_newest = reader.newest_article_id()
                    if rebase:
                        newest = now_newest  # (the feeds and counts are still compared)
                    seen = Snapshot(reader.feeds(), now_newest > newest)
                    last, newest = version, now_newest
                except (sqlite3.Error, ReaderError):
                    continue  # busy or briefly unreadable: the next poll tries again
                try:
                    call(self.on_change, seen)
                except RuntimeError:
                    return  # the app has stopped
        finally:
            reader.close()
