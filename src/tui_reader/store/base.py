"""One connection to the database: opening, closing, write transactions, settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui_reader.store.db import connect, write_transaction


class StoreBase:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self.conn) as conn:
            yield conn

    # -- settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def claim_setting(self, key: str, value: str) -> bool:
        """Set ``key`` only if it has no value yet, checked inside the write lock (another
        instance may be doing the same); True if this call set it."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone():
                return False
            c.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (key, value))
        return True


__all__ = ["StoreBase", "connect"]
