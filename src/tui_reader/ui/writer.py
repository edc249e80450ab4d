"""Writes through the Reader, off the event loop, one at a time and in order.

A write waits for SQLite's lock while another process or a refresh holds it; done on the event
loop, that wait would freeze the screen. A thread worker per write would not keep their order
(a highlight made and recoloured at once, read toggled twice). :class:`ReaderWriter` runs
``work(reader)`` on one thread (the Reader gives that thread its own connection), in the order
asked for.

Another program may hold the lock for longer than SQLite waits (its busy timeout): an
``import-notes`` of a large file is one transaction. A write that found the store locked wrote
nothing, so it is tried again (:meth:`ReaderWriter.patient`) for up to :data:`WAIT_SECONDS`,
and the reader is told once that it waits: a highlight made meanwhile is saved, not lost.
Quitting while a write waits asks for a second quit (the app's action_quit); a write given up
then is named in :attr:`ReaderWriter.unsaved`, which the command prints after the app ends.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from tui_reader.errors import is_busy
from tui_reader.reader import Reader

T = TypeVar("T")

WAIT_SECONDS = 300.0  # how long a write waits for another program's lock, in all
RETRY_PAUSE = 0.5  # between two tries (each waits SQLite's busy timeout first)


class ReaderWriter:
    def __init__(
        self,
        reader: Reader,
        on_error: Callable[[str], None],
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.reader = reader
        self.on_error = on_error
        self.on_wait = on_wait
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tui-reader-write")
        self._lock = threading.Lock()
        self._closed = False
        self._pending = 0  # writes asked for and not done
        self.unsaved: list[str] = []  # what was given up at closing (see close)

    @property
    def busy(self) -> bool:
        """Whether a write asked for is not done yet."""
        return self._pending > 0

    def _run(self, work: Callable[[Reader], object], what: str) -> None:
        try:
            self.patient(work, what)
        except Exception as exc:  # reported, never lost silently
            self.on_error(f"Could not save ({what}): {exc}")
        finally:
            with self._lock:
                self._pending -= 1

    def patient(self, work: Callable[[Reader], T], what: str) -> T:
        """``work(self.reader)``, tried again while another program holds the store's lock
        (for up to WAIT_SECONDS; the reader told once). On the writer's thread only."""
        deadline = time.monotonic() + WAIT_SECONDS
        told = False
        while True:
            try:
                return work(self.reader)
            except Exception as exc:
                if not is_busy(exc) or time.monotonic() >= deadline or self._closed:
                    if self._closed and is_busy(exc):
                        self.unsaved.append(what)  # (the app is gone: said after it)
                    raise
            if not told and self.on_wait is not None:
                told = True
                self.on_wait(
                    f"Another program is writing to the store; the {what} is saved when it is done."
                )
            time.sleep(RETRY_PAUSE)

    def submit(self, work: Callable[[Reader], object], what: str) -> Future[None]:
        """Run ``work(reader)`` after every write asked for before it."""
        with self._lock:
            if self._closed:
                future: Future[None] = Future()
                future.set_result(None)
                self.unsaved.append(what)
                self.on_error(f"Could not save ({what}): the app is closing")
                return future
            self._pending += 1
            return self._executor.submit(self._run, work, what)

    async def flush(self) -> None:
        """Wait until every write asked for so far is done."""
        if not self._closed:
            await asyncio.wrap_future(self.submit(lambda reader: None, "flush"))

    def close(self) -> None:
        """Finish the pending writes, then close the writer thread's connection (explicitly:
        a connection left to its thread's end is closed only when the garbage collector gets
        to it, as sqlite3's connections sit in a reference cycle)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._executor.submit(self.reader.release_thread)
        self._executor.shutdown(wait=True)
