"""One connection to the database: opening, closing, write transactions, settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui_reader.store.db import Checkpointer, backup, connect, write_transaction


class StoreBase:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def checkpoints_aside(self) -> Iterator[Checkpointer]:
        """Within: this connection makes no checkpoint itself; the caller asks the yielded
        :class:`~tui_reader.store.db.Checkpointer` for one after its commits (a refresh's
        batches), and it runs on a thread of its own."""
        checkpointer = Checkpointer(self.conn, self.path)
        try:
            yield checkpointer
        finally:
            checkpointer.close()

    def backup(self, label: str) -> Path:
        """Copy the live database (WAL included) to the backups folder; returns the copy."""
        return backup(self.conn, self.path, label)

    def integrity_check(self) -> list[str]:
        """SQLite's integrity check: ``["ok"]``, or what is wrong, a line each."""
        return [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check")]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self.conn) as conn:
            yield conn

    # -- what other connections did ---------------------------------------------------------

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes only when another connection committed
        (a read of one counter in shared memory)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def newest_article_id(self) -> int:
        """The highest article id (0 for none): grows when any connection adds an article."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0])

    def folder_exists(self, folder: str) -> bool:
        """True if some feed is in ``folder`` or in a folder under it."""
        found = self.conn.execute(
            "SELECT 1 FROM feeds WHERE folder = ? OR substr(folder, 1, ?) = ? LIMIT 1",
            (folder, len(folder) + 1, folder + "/"),
        ).fetchone()
        return found is not None

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            set_setting_in(c, key, value)

    def claim_setting(self, key: str, value: str) -> bool:
        """Set ``key`` only if it has no value yet, checked inside the write lock (another
        instance may be doing the same); True if this call set it."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone():
                return False
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (key, value))
        return True


def set_setting_in(c: sqlite3.Connection, key: str, value: str) -> None:
    """Set a setting inside a write transaction already open."""
    c.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


__all__ = ["StoreBase", "connect", "set_setting_in"]
