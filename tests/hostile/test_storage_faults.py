"""A damaged database (truncated, garbage in the middle or the header, emptied), a read-only
data folder and a full disk, through the real command line (``tui_reader.cli.main``): one
clear line, the newest backup offered, the damaged file never overwritten, nothing partial
stored. Read-only folders and full disks are real: tmpfs mounts (as root; skipped otherwise,
saying why)."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.hostile.conftest import item, rss_doc
from tui_reader.cli import main
from tui_reader.export import ExportError, export_many
from tui_reader.feeds.welcome import ensure_welcome
from tui_reader.models import EntryData
from tui_reader.paths import Paths, get_paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.store.db import backup, explain_error

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="storage")

PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _populate(paths: Paths, articles: int = 300) -> Path:
    """A database worth keeping (several hundred pages), and a backup of it."""
    paths.ensure()
    store = Store.open(paths.database)
    try:
        ensure_welcome(store)
        feed, _ = store.add_feed("https://example.org/feed.xml", title="Kept feed")
        text = "Words of an article worth keeping. " * 60
        store.upsert_entries(
            feed,
            [
                EntryData(
                    guid=f"g{n}",
                    url=f"https://example.org/{n}",
                    title=f"T{n}",
                    summary=text,
                    text=text,
                )
                for n in range(articles)
            ],
        )
        first = store.list_articles(feed_id=feed.id)[0]
        add_highlight(store, first.id, text, 0, 30, "key point", note="keep me")
        made = backup(store.conn, paths.database, "manual")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{paths.database}{suffix}").unlink(missing_ok=True)
    return made


def _garbage(data: bytes, at: float, size: int = 2 * PAGE) -> bytes:
    rng = random.Random(at)
    start = int(len(data) * at) // PAGE * PAGE
    return data[:start] + rng.randbytes(size) + data[start + size :]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated-to-half": lambda d: d[: len(d) // 2],
    "truncated-to-one-page": lambda d: d[:PAGE],
    "truncated-mid-page": lambda d: d[: len(d) // 3 + 1000],
    "emptied": lambda d: b"",
    "garbage-in-the-middle": lambda d: _garbage(d, 0.5),
    "garbage-early": lambda d: _garbage(d, 0.1),
    "garbage-in-the-header": lambda d: bytes(random.Random(1).randbytes(100)) + d[100:],
    "zeroed-page": lambda d: (
        d[: len(d) // 2 // PAGE * PAGE] + bytes(PAGE) + d[len(d) // 2 // PAGE * PAGE + PAGE :]
    ),
}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_database_is_reported_never_overwritten(
    kind: str, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = _populate(paths)
    paths.database.write_bytes(DAMAGE[kind](paths.database.read_bytes()))
    damaged = _digest(paths.database)

    code, out, err = _run(["check"], capsys)
    assert code == 1
    if "damaged" in err:
        assert err.count("\n") == 1  # one line
        assert str(newest) in err and "restore-backup" in err
    else:  # integrity_check listed what it found
        assert out.strip() and "ok" not in out.split()
    assert _digest(paths.database) == damaged  # nothing overwritten

    for args in (["export", "--format", "json", "-o", str(tmp_path / "x.json")], ["feeds"]):
        code, out, err = _run(args, capsys)
        if code != 0:  # (damage in a page the command never reads goes unnoticed)
            assert "damaged" in err and str(newest) in err and err.count("\n") == 1

    code, out, err = _run(["restore-backup"], capsys)
    assert code == 0, err
    kept = list(paths.data_dir.glob("reader-damaged-*.sqlite3"))
    assert len(kept) == 1 and _digest(kept[0]) == damaged  # the damaged file, kept aside
    store = Store.open(paths.database)
    try:
        assert store.article_count() == 300 + 5
        assert [h.note for h in store.all_highlights()] == ["keep me"]
    finally:
        store.close()


# -- read-only and full: real mounts ------------------------------------------------------------


@contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (read-only folders and full disks are real here)")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        # The small disk, or no test: filling a mount that did not take (or took no size)
        # would fill the machine's own disk or memory, and every test after it would fail.
        assert os.path.ismount(where), f"{where} is not a mount point after mount"
        assert _capacity(where) <= _bytes(size), f"{where} holds {_capacity(where)} bytes"
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _bytes(size: str) -> int:
    """A mount's size option ("2m", "512k") in bytes."""
    return int(size[:-1]) * {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[size[-1]]


def _capacity(where: Path) -> int:
    stat = os.statvfs(where)
    return stat.f_blocks * stat.f_frsize


def _remount(where: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(where)], check=True)


def _use(monkeypatch: pytest.MonkeyPatch, data: Path) -> Paths:
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return get_paths()


def test_read_only_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with _tmpfs(tmp_path / "ro", "8m") as mount:
        paths = _use(monkeypatch, mount / "data")
        _populate(paths, articles=20)
        before = _digest(paths.database)
        _remount(mount, "ro")
        try:
            for args in (["feeds"], ["refresh"], ["add", "https://example.org/x"], ["check"]):
                code, _out, err = _run(args, capsys)
                assert code != 0, args
                assert err.count("\n") == 1 and "read-only" in err, err
            assert _digest(paths.database) == before
        finally:
            _remount(mount, "rw")


def test_read_only_export_folder(
    tmp_path: Path, paths: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    _populate(paths, articles=5)
    with _tmpfs(tmp_path / "ro-export", "1m") as mount:
        _remount(mount, "ro")
        try:
            code, _out, err = _run(["export", "--out", str(mount / "notes")], capsys)
            assert code == 1 and err.count("\n") == 1
            assert "Read-only file system" in err
            code, _out, err = _run(["export", "--out", str(mount)], capsys)
            assert code == 1 and "Read-only file system" in err
        finally:
            _remount(mount, "rw")
        assert list(mount.iterdir()) == []  # nothing left behind


def _fill(mount: Path, leave: int) -> Path:
    """Fill the file system, then free ``leave`` bytes. Never more than the mount holds: a
    disk that does not fill by then fails the test, it is not filled on."""
    filler = mount / "filler"
    chunk = bytes(64 * 1024)
    with filler.open("wb") as f:
        try:
            for _ in range(_capacity(mount) // len(chunk) + 2):
                f.write(chunk)
                f.flush()
        except OSError:
            pass
        else:
            raise AssertionError(f"{mount} did not fill up after {f.tell()} bytes")
    with filler.open("r+b") as f:
        size = f.seek(0, os.SEEK_END)
        f.truncate(max(0, size - leave))
    return filler


def test_full_disk(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server: TestServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _tmpfs(tmp_path / "full", "2m") as mount:
        paths = _use(monkeypatch, mount / "data")
        paths.ensure()
        words = "Words of a long article that will not fit on this disk. " * 40
        body = rss_doc("".join(item(f"big{n}", description=words) for n in range(200)))
        url = server.route("/big.xml", body)
        store = Store.open(paths.database)
        ensure_welcome(store)
        feed, _ = store.add_feed(url)
        (welcome,) = [a for a in store.list_articles() if a.feed_id != feed.id][:1]
        store.close()
        filler = _fill(mount, leave=150_000)

        # A refresh that fills the disk: one line per feed, nothing partial stored.
        code, out, err = _run(["refresh"], capsys)
        assert code == 1
        assert "could not store: the disk holding" in out and "is full" in out, out + err

        # A highlight save on a full disk: refused whole, the reason in one line.
        store = Store.open(paths.database)
        try:
            with pytest.raises(sqlite3.OperationalError) as info:
                add_highlight(store, welcome.id, words * 50, 0, 10, "key point", note=words * 50)
            assert "is full" in explain_error(paths.database, info.value)
            assert store.highlight_count() == 0
        finally:
            store.close()

        # An export into the full disk: an error, no half file, the old file untouched.
        store = Store.open(paths.database)
        try:
            add_highlight(store, welcome.id, "Some welcome text here", 0, 4, "key point")
            out_dir = mount / "notes"
            filler.unlink()
            (written,) = export_many(store, out_dir)
            old = written[0].read_bytes()
            store.set_article_note(welcome.id, words * 200)
            _fill(mount, leave=0)
            with pytest.raises(ExportError) as export_info:
                export_many(store, out_dir)
            assert "No space left on device" in str(export_info.value)
            assert written[0].read_bytes() == old
            assert sorted(p.name for p in out_dir.iterdir()) == [written[0].name]
        finally:
            store.close()

        # Reading still works on the full disk; starting afresh there is a clear line (not
        # "disk I/O error").
        assert _run(["feeds"], capsys)[0] == 0
        _use(monkeypatch, mount / "fresh")
        code, _out, err = _run(["feeds"], capsys)
        assert code == 1 and err.count("\n") == 1 and "is full" in err, err
        _use(monkeypatch, mount / "data")

        (mount / "filler").unlink()
        store = Store.open(paths.database)
        try:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            feed_now = store.get_feed(feed.id)
            assert feed_now is not None and feed_now.total == 0  # nothing partial
        finally:
            store.close()
