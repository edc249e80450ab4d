"""A damaged database is reported clearly and never overwritten; backups restore it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui_reader.paths import Paths
from tui_reader.store import Store


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
    )


def test_damaged_database_is_reported_and_restored(paths: Paths) -> None:
    paths.ensure()
    store = Store.open(paths.database)
    store.add_feed("http://example.org/feed", title="Kept feed")
    store.close()
    assert _cli("backup").returncode == 0
    damaged = b"this is not sqlite at all" * 100
    for suffix in ("-wal", "-shm"):
        Path(str(paths.database) + suffix).unlink(missing_ok=True)
    paths.database.write_bytes(damaged)

    result = _cli("check")
    assert result.returncode != 0
    assert "damaged" in result.stderr and "restore-backup" in result.stderr
    assert "Traceback" not in result.stderr
    assert paths.database.read_bytes() == damaged  # nothing overwritten

    restored = _cli("restore-backup")
    assert restored.returncode == 0, restored.stderr
    kept = [p for p in paths.data_dir.glob("reader-damaged-*.sqlite3")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    store = Store.open(paths.database)
    assert [f.title for f in store.list_feeds()] == ["Kept feed"]
    store.close()
    assert _cli("check").stdout.strip().endswith("ok")


def test_restore_without_backup_says_so(paths: Paths) -> None:
    result = _cli("restore-backup")
    assert result.returncode == 1
    assert "no backup found" in result.stderr


def test_unusable_data_folder_is_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where a folder should be")
    env = dict(os.environ, XDG_DATA_HOME=str(blocker / "sub"))
    result = _cli("check", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(blocker) in result.stderr


def test_a_file_where_the_cache_folder_goes_does_not_stop_the_commands(paths: Paths) -> None:
    """It stopped every command, saying the data folder could not be used."""
    paths.data_dir.mkdir(parents=True)
    paths.cache_dir.parent.mkdir(parents=True, exist_ok=True)
    paths.cache_dir.write_text("a file where a folder should be")
    result = _cli("feeds")
    assert result.returncode == 0, result.stderr
    paths.cache_dir.unlink()
    import shutil

    shutil.rmtree(paths.data_dir)
    paths.data_dir.write_text("and here")
    result = _cli("feeds")
    assert result.returncode == 1
    assert f"cannot use the folder {paths.data_dir}: a file is in its place" in result.stderr


def _store_with_a_feed(paths: Paths, title: str = "Kept feed") -> None:
    paths.ensure()
    store = Store.open(paths.database)
    store.add_feed("http://example.org/feed", title=title)
    store.close()


def _a_larger_store(paths: Paths) -> None:
    _store_with_a_feed(paths)
    store = Store.open(paths.database)
    for n in range(200):
        store.add_feed(f"http://example.org/feed{n}", title="A title " * 40)
    store.close()


def _cli_with_files_up_to(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    """The command where no file can grow past ``limit`` bytes: a full disk, as a write
    past it fails (EFBIG) instead of killing the process."""
    import resource
    import signal

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
    )


def _backup_files(paths: Paths) -> list[Path]:
    return sorted(paths.backups_dir.iterdir()) if paths.backups_dir.exists() else []


def test_a_damaged_store_is_not_backed_up_and_restore_passes_over_unusable_backups(
    paths: Paths,
) -> None:
    """A backup of a damaged store was written as it was and became the newest backup (the
    one the damage message names and restore-backup takes), as did the empty file a backup on
    a full disk left; the good one beside them was ignored."""
    _store_with_a_feed(paths)
    assert _cli("backup").returncode == 0
    [good] = _backup_files(paths)
    os.utime(good, (1, 1))  # (older than what follows)
    # One page of the highlights table damaged: the store opens, its copy would not be sound.
    import sqlite3

    conn = sqlite3.connect(paths.database)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    table = "SELECT rootpage FROM sqlite_master WHERE name = 'highlights'"
    root = conn.execute(table).fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with paths.database.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xa5" * page_size)
    result = _cli("backup")
    assert result.returncode == 1 and "is damaged" in result.stderr, result.stderr
    assert "no backup was made" in result.stderr
    assert "Traceback" not in result.stderr
    assert _backup_files(paths) == [good]  # nothing left behind
    # Newer files that are no backups: an empty one, another program's, a folder.
    (paths.backups_dir / "reader-manual-20990101-000000.sqlite3").write_bytes(b"")
    (paths.backups_dir / "reader-manual-20990101-000001.sqlite3").write_bytes(b"x" * 4096)
    (paths.backups_dir / "reader-zzz.sqlite3").mkdir()
    paths.database.write_bytes(b"this is not sqlite at all" * 100)
    assert str(good) in _cli("check").stderr  # the newest *usable* backup is named
    restored = _cli("restore-backup")
    assert restored.returncode == 0, restored.stderr
    assert f"restored {good}" in restored.stdout
    store = Store.open(paths.database)
    assert [f.title for f in store.list_feeds()] == ["Kept feed"]
    store.close()


def test_an_empty_file_is_not_restored(paths: Paths, tmp_path: Path) -> None:
    _store_with_a_feed(paths)
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    result = _cli("restore-backup", str(empty))
    assert result.returncode == 1 and "is empty" in result.stderr
    result = _cli("restore-backup", str(tmp_path))
    assert result.returncode == 1 and "is a folder" in result.stderr
    assert not list(paths.data_dir.glob("reader-damaged-*"))  # the store was not moved
    store = Store.open(paths.database)
    assert [f.title for f in store.list_feeds()] == ["Kept feed"]
    store.close()


def test_a_backup_that_cannot_be_finished_leaves_nothing(paths: Paths) -> None:
    """A full disk (here: a file size limit) stopped the copy half way, and the empty or
    partial file stayed, named as the newest backup."""
    _a_larger_store(paths)
    result = _cli_with_files_up_to(paths.database.stat().st_size // 2, "backup")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert _backup_files(paths) == []


def test_values_of_another_type_in_a_sound_store_are_read_as_unknown(paths: Paths) -> None:
    """A hand edit, a sync tool or another program put a date as text: `feeds` crashed
    (TypeError) while `check` said "ok"."""
    from tui_reader.models import EntryData

    _store_with_a_feed(paths)
    store = Store.open(paths.database)
    [feed] = [f for f in store.list_feeds() if f.title == "Kept feed"]
    store.upsert_entries(feed, [EntryData(guid="g", url="http://example.org/a", title="A")])
    with store.transaction() as c:
        c.execute("UPDATE feeds SET last_fetched = '2026-12-05', next_fetch = x'00'")
        c.execute("UPDATE articles SET published = 'yesterday', added = -1e308, title = 42")
    [article] = store.list_articles(feed_id=feed.id)
    assert (article.published, article.added, article.title) == (None, 0.0, "42")
    store.close()
    result = _cli("feeds")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Kept feed" in result.stdout


def test_another_programs_database_at_the_store_path_is_left_unchanged(paths: Paths) -> None:
    """Its tables, a schema and the welcome feed were written into it."""
    import sqlite3

    paths.ensure()
    other = sqlite3.connect(paths.database)
    other.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    other.execute("INSERT INTO moz_bookmarks (url) VALUES ('https://example.org/')")
    other.commit()
    other.close()
    before = paths.database.read_bytes()
    result = _cli("feeds")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a tui-reader database" in result.stderr and "moz_bookmarks" in result.stderr
    assert paths.database.read_bytes() == before


def test_restore_refuses_a_store_another_tui_reader_has_open(paths: Paths) -> None:
    """A running app kept writing to the file the restore moved aside, saying "saved"."""
    _store_with_a_feed(paths)
    assert _cli("backup").returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from tui_reader.store import Store;"
            "s = Store.open(Path(sys.argv[1])); s.list_feeds(); print('open', flush=True);"
            "time.sleep(30)",
            str(paths.database),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = _cli("restore-backup")
        assert result.returncode == 1 and "is open in another tui-reader" in result.stderr
        assert not list(paths.data_dir.glob("reader-damaged-*"))
    finally:
        holder.kill()
        holder.wait()
    assert _cli("restore-backup").returncode == 0


def test_a_restore_that_cannot_be_finished_leaves_the_store_as_it_was(paths: Paths) -> None:
    """The store was moved aside first: a copy that failed (a full disk) left an empty store
    and the good one named "damaged"."""
    _a_larger_store(paths)
    assert _cli("backup").returncode == 0
    before = paths.database.read_bytes()
    result = _cli_with_files_up_to(len(before) // 2, "restore-backup")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert paths.database.read_bytes() == before
    assert not list(paths.data_dir.glob("reader-damaged-*"))
    assert not list(paths.data_dir.glob(".*restoring"))
