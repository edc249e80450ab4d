"""Checkpoints aside (Store.checkpoints_aside): a refresh's commits leave copying the
write-ahead log into the database file to a thread of its own, on a real SQLite file."""

from __future__ import annotations

import random
import shutil
import sqlite3
import string
from pathlib import Path

import pytest

from tui_reader.models import EntryData, FeedUpdate
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


def _temporary_files_open() -> int:
    """Files this process has open that are deleted already: SQLite's temporary files
    (statement journals, sort spills) are unlinked as soon as they are opened."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).endswith(" (deleted)") and "etilqs" in str(target):
            count += 1
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_refresh_batch_writes_no_temporary_file(store: Store) -> None:
    """A batch (Store.store_fetches) is one transaction with a savepoint per feed: every page
    a feed changes that the feeds before it had changed is copied to a sub-journal first (for
    a rollback to that savepoint). That journal is kept in memory, never in a file of its
    own: on disk it was tens of MB written per cold refresh."""
    rng = random.Random(7)
    vocabulary = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(20_000)]
    updates = []
    for n in range(8):
        feed = store.add_feed(f"https://example.org/{n}.xml")[0]
        texts = [" ".join(rng.choices(vocabulary, k=300)) for _ in range(40)]
        entries = tuple(
            EntryData(f"g{i}", f"https://example.org/{n}/{i}", f"T {i}", content=t, text=t)
            for i, t in enumerate(texts)
        )
        updates.append(FeedUpdate(feed, "ok", next_fetch=0.0, entries=entries))
    seen: list[int] = []

    def look() -> int:
        seen.append(_temporary_files_open())
        return 0  # go on

    store.conn.set_progress_handler(look, 500)
    try:
        stored = store.store_fetches(updates)
    finally:
        store.conn.set_progress_handler(None, 0)
    assert [r.new for r in stored] == [40] * 8
    assert len(seen) > 100  # the handler did look, often, while the batch was written
    assert max(seen) == 0
