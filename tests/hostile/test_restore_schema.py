"""`tui-reader restore-backup FILE` puts a whole SQLite file in place of the store. An SQLite
file holds code as well as data: a trigger, a view, an index on an expression, a changed
table. A "backup" with an endless trigger on the feeds table hung every refresh after it for
good. Only a file whose schema is one a tui-reader store has had is restored; anything else is
refused with one line, and the store in place is left as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.paths import Paths
from tui_reader.store import Store
from tui_reader.store.db import _schema, schema_at
from tui_reader.store.schema import MIGRATIONS, SCHEMA_VERSION

_ENDLESS = (
    "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
    " SELECT x FROM c WHERE x < 0)"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _live(paths: Paths) -> str:
    """A store in place, with a feed in it: its file's digest."""
    paths.ensure()
    with Store.open(paths.database) as store:
        store.add_feed("http://example.org/kept.xml", title="Kept")
    return _digest(paths.database)


def _backup(paths: Paths, tmp_path: Path, *statements: str) -> Path:
    """A copy of a real backup of a store with an article, and then ``statements`` run on it."""
    source = tmp_path / "source.sqlite3"
    with Store.open(source) as store:
        store.add_feed("http://example.org/backed-up.xml", title="Backed up")
    target = tmp_path / "backup.sqlite3"
    conn = sqlite3.connect(source)
    dest = sqlite3.connect(target)
    conn.backup(dest)
    conn.close()
    for statement in statements:
        dest.execute(statement)
    dest.commit()
    dest.close()
    return target


def test_a_real_backup_restores(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _live(paths)
    code, _out, err = _run(["restore-backup", str(_backup(paths, tmp_path))], capsys)
    assert code == 0, err
    with Store.open(paths.database) as store:
        assert [f.title for f in store.list_feeds()] == ["Backed up"]


@pytest.mark.parametrize("version", range(SCHEMA_VERSION + 1))
def test_a_store_of_every_schema_restores(
    version: int, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup made by any earlier tui-reader (its schema then) is restored, and upgraded
    when opened."""
    _live(paths)
    old = tmp_path / f"v{version}.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:version]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    if version >= 1:
        conn.execute(
            "INSERT INTO feeds(url, title, added) VALUES ('http://example.org/o.xml', 'Old', 1)"
        )
    conn.close()
    code, _out, err = _run(["restore-backup", str(old)], capsys)
    if version == 0:
        # A database of no schema is an empty one (or an empty file): the store would start
        # afresh, everything in it moved aside as "damaged". Refused.
        assert code == 1 and "is empty" in err
        with Store.open(paths.database) as store:
            assert "Kept" in [f.title for f in store.list_feeds()]
        return
    assert code == 0, err
    with Store.open(paths.database) as store:
        assert [f.title for f in store.list_feeds()] == ["Old"]


HOSTILE = {
    "endless trigger": f"CREATE TRIGGER feeds_seen AFTER UPDATE ON feeds BEGIN {_ENDLESS}; END",
    "view": "CREATE VIEW recent AS SELECT * FROM articles",
    "index on an expression": (
        "CREATE INDEX articles_big ON articles(printf('%.*c', 1000000000, title))"
    ),
    "a table of its own": "CREATE TABLE notes_extra (x)",
    "one of ours, changed": "DROP TRIGGER articles_fts_delete",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_backup_with_a_schema_of_its_own_is_refused(
    kind: str, paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = _live(paths)
    statements = [HOSTILE[kind]]
    if kind == "one of ours, changed":  # the same name, another body
        statements.append(
            f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_ENDLESS}; END"
        )
    backup = _backup(paths, tmp_path, *statements)
    code, _out, err = _run(["restore-backup", str(backup)], capsys)
    assert code == 1
    assert "is not a tui-reader backup" in err and err.count("\n") == 1
    assert _digest(paths.database) == live  # the store in place: untouched, not moved aside
    assert not list(paths.data_dir.glob("*-damaged-*"))


def test_another_programs_database_is_refused(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = _live(paths)
    other = tmp_path / "cache.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE rss_item (guid TEXT, feedurl TEXT)")
    conn.commit()
    conn.close()
    code, _out, err = _run(["restore-backup", str(other)], capsys)
    assert code == 1 and "is not a tui-reader backup (schema 0)" in err
    assert _digest(paths.database) == live


def test_a_backup_from_a_newer_tui_reader_is_refused_before_anything_moves(
    paths: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = _live(paths)
    backup = _backup(paths, tmp_path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    code, _out, err = _run(["restore-backup", str(backup)], capsys)
    assert code == 1 and "newer tui-reader" in err and "upgrade" in err
    assert _digest(paths.database) == live


def test_the_schema_of_a_store_is_its_migrations(tmp_path: Path) -> None:
    """The yardstick itself: a store made and migrated by Store.open has exactly the schema
    its migrations give an empty database (so no real backup is ever refused)."""
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.add_feed("http://example.org/a.xml")
        found = _schema(store.conn)
    assert found == schema_at(SCHEMA_VERSION)
    assert {kind for kind, _, _ in found} == {"table", "index", "trigger"}
