"""Writes through the Reader, off the event loop, one at a time and in order.

A write waits for SQLite's lock while another process or a refresh holds it; done on the event
loop, that wait would freeze the screen. A thread worker per write would not keep their order
(a highlight made and recoloured at once, read toggled twice). :class:`ReaderWriter` runs
``work(reader)`` on one thread (the Reader gives that thread its own connection), in the order
asked for.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from tui_reader.reader import Reader


class ReaderWriter:
    def __init__(self, reader: Reader, on_error: Callable[[str], None]) -> None:
        self.reader = reader
        self.on_error = on_error
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tui-reader-write")
        self._lock = threading.Lock()
        self._closed = False

    def _run(self, work: Callable[[Reader], object], what: str) -> None:
        try:
            work(self.reader)
        except Exception as exc:  # reported, never lost silently
            self.on_error(f"Could not save ({what}): {exc}")

    def submit(self, work: Callable[[Reader], object], what: str) -> Future[None]:
        """Run ``work(reader)`` after every write asked for before it."""
        with self._lock:
            if self._closed:
                future: Future[None] = Future()
                future.set_result(None)
                self.on_error(f"Could not save ({what}): the app is closing")
                return future
            return self._executor.submit(self._run, work, what)

    async def flush(self) -> None:
        """Wait until every write asked for so far is done."""
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
