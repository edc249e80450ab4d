"""Checkpoints aside (Store.checkpoints_aside): a refresh's commits leave copying the
write-ahead log into the database file to a thread of its own, on a real SQLite file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tui_reader.store import Store


def _autocheckpoint(store: Store) -> int:
    return int(store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def _file_alone(store: Store, tmp_path: Path, name: str) -> int:
    """Feeds in the database file without its log: what checkpoints have copied so far."""
    copy = tmp_path / name
    shutil.copyfile(store.path, copy)  # the main file only: no -wal beside it
    conn = sqlite3.connect(copy)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM feeds").fetchone()[0])
    finally:
        conn.close()


def _add_feeds(store: Store, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        store.add_feed(f"https://example.org/{i}.xml")


def test_commits_inside_make_no_checkpoint_and_a_request_makes_one(
    store: Store, tmp_path: Path
) -> None:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the schema into the file
    before = _autocheckpoint(store)
    store.conn.execute("PRAGMA wal_autocheckpoint = 1")  # each commit would checkpoint itself
    base = _file_alone(store, tmp_path, "base.sqlite3")
    with store.checkpoints_aside() as checkpointer:
        assert _autocheckpoint(store) == 0
        _add_feeds(store, 5)
        assert _file_alone(store, tmp_path, "inside.sqlite3") == base  # still only in the log
        checkpointer.request()
        checkpointer.request()  # (one waiting already covers it)
    # Leaving waits for the checkpoint asked for: the file alone now holds the five feeds.
    assert _file_alone(store, tmp_path, "after.sqlite3") == base + 5
    assert _autocheckpoint(store) == 1  # the connection's own setting is back
    store.conn.execute(f"PRAGMA wal_autocheckpoint = {before}")


def test_without_a_request_the_log_keeps_every_commit(store: Store, tmp_path: Path) -> None:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("PRAGMA wal_autocheckpoint = 1")
    base = _file_alone(store, tmp_path, "base.sqlite3")
    with store.checkpoints_aside():
        _add_feeds(store, 3)
    assert _file_alone(store, tmp_path, "after.sqlite3") == base
    assert len(store.list_feeds()) == base + 3  # nothing lost: it is read from the log
    path = store.path
    store.close()  # the last connection to close copies the log, as always
    reopened = Store.open(path)
    try:
        assert _file_alone(reopened, tmp_path, "closed.sqlite3") == base + 3
    finally:
        reopened.close()
