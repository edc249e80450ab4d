"""Store writes off the event loop, one at a time and in order.

A write waits for SQLite's lock while another process or a refresh holds it; done on the event
loop, that wait would freeze the screen. :class:`StoreWriter` runs writes on one thread with its
own connection, in the order they were asked for.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tui_reader.store import Store


class StoreWriter:
    def __init__(self, path: Path, on_error: Callable[[str], None]) -> None:
        self.path = path
        self.on_error = on_error
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tui-reader-write")
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._used = False  # a write was asked for (the thread and the connection exist)

    def _run(self, work: Callable[[Store], object], what: str) -> None:
        try:
            if self._store is None:
                self._store = Store.open(self.path)
            work(self._store)
        except Exception as exc:  # reported, never lost silently
            self.on_error(f"Could not save ({what}): {exc}")

    def submit(self, work: Callable[[Store], object], what: str) -> Future[None]:
        """Run ``work(store)`` after every write asked for before it."""
        with self._lock:
            if self._closed:
                future: Future[None] = Future()
                future.set_result(None)
                self.on_error(f"Could not save ({what}): the app is closing")
                return future
            self._used = True
            return self._executor.submit(self._run, work, what)

    async def flush(self) -> None:
        """Wait until every write asked for so far is done."""
        await asyncio.wrap_future(self.submit(lambda store: None, "flush"))

    def close(self) -> None:
        """Finish the pending writes, then close the connection."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._used:  # else there is no connection to close, nor a thread to start for it
            self._executor.submit(self._close_store)
        self._executor.shutdown(wait=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
