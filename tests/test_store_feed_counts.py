"""Feeds' article and unread counts are kept by triggers (schema migration 6): after every
kind of change they equal a count over the articles, and an older store gets them filled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_reader.models import EntryData
from tui_reader.store import Store
from tui_reader.store.schema import MIGRATIONS


def _entries(n: int, tag: str) -> list[EntryData]:
    return [
        EntryData(guid=f"{tag}{i}", url=f"http://x/{tag}{i}", title=f"{tag} {i}", text="t")
        for i in range(n)
    ]


def _counted(store: Store) -> dict[int, tuple[int, int]]:
    """(total, unread) per feed, counted over the articles."""
    out = {f.id: (0, 0) for f in store.list_feeds()}
    for row in store.conn.execute(
        "SELECT feed_id, COUNT(*), SUM(read = 0) FROM articles"
        " WHERE feed_id IS NOT NULL GROUP BY feed_id"
    ):
        out[row[0]] = (row[1], row[2])
    return out


def _listed(store: Store) -> dict[int, tuple[int, int]]:
    return {f.id: (f.total, f.unread) for f in store.list_feeds()}


def test_counts_follow_every_change(store: Store) -> None:
    a, _ = store.add_feed("http://x/a")
    b, _ = store.add_feed("http://x/b")
    assert _listed(store) == {a.id: (0, 0), b.id: (0, 0)}
    store.upsert_entries(a, _entries(5, "a"))
    store.upsert_entries(b, _entries(3, "b"))
    assert _listed(store) == {a.id: (5, 5), b.id: (3, 3)}
    store.upsert_entries(a, _entries(6, "a"))  # one new, five seen again
    arts = store.list_articles(feed_id=a.id)
    store.set_read([x.id for x in arts[:2]])
    store.set_read([arts[0].id])  # again: no change
    store.set_read([arts[1].id], read=False)
    assert _listed(store)[a.id] == (6, 5)
    store.mark_feed_read(b.id)
    assert _listed(store)[b.id] == (3, 0)
    store.set_starred(arts[3].id, True)
    assert store.remove_feed(a.id) == 1  # the starred one is kept, under Saved
    assert store.get_feed(a.id) is None
    store.set_read([x.id for x in store.list_articles(feed_id=b.id)][:1], read=False)
    store.add_saved_page("http://x/page", title="page")
    store.prune(older_than=9e18)  # the read ones of b go
    assert _listed(store) == _counted(store) == {b.id: (1, 1)}
    c, _ = store.add_feed("http://x/c")  # may take a freed id: starts at zero
    assert _listed(store)[c.id] == (0, 0)


def test_an_older_store_gets_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute("INSERT INTO feeds(url, added) VALUES ('http://x/f', 1), ('http://x/g', 1)")
    conn.executemany(
        "INSERT INTO articles(uid, feed_id, guid, title, read, added) VALUES (?, ?, ?, 't', ?, 1)",
        [
            (
                f"u{i}",
                1 + i % 2,
                f"g{i}",
                int(i < 3),
            )
            for i in range(7)
        ],
    )
    conn.close()
    with Store.open(path) as store:
        assert _listed(store) == _counted(store) == {1: (4, 2), 2: (3, 2)}
        store.upsert_entries(store.list_feeds()[1], _entries(2, "n"))
        assert _listed(store) == _counted(store)
