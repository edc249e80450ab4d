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
