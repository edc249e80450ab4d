"""The search index stays in step with the articles, however they were stored.

A feed's articles are indexed in a batch by ``Store.upsert_entries``; articles with no feed
(pages opened with ``read``) by a trigger (schema migration 3)."""

from __future__ import annotations

import sqlite3

from tui_reader.models import EntryData
from tui_reader.store import Store
from tui_reader.store.schema import MIGRATIONS


def _integrity(store: Store) -> None:
    with store.transaction() as c:
        # Raises sqlite3.DatabaseError when the external-content index and the table differ.
        c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def _entries(n: int, word: str) -> list[EntryData]:
    return [
        EntryData(
            guid=f"g{i}",
            url=f"http://example.org/{i}",
            title=f"Title {i} {word}",
            content=f"<p>body {i} {'filler ' * 300}zebra{i}</p>",
            text=f"body {i} {'filler ' * 300}zebra{i}",
        )
        for i in range(n)
    ]


def test_refreshed_saved_and_updated_articles_are_all_searchable(store: Store) -> None:
    feed, _ = store.add_feed("http://example.org/feed.xml")
    new, _updated = store.upsert_entries(feed, _entries(30, "quokka"))
    assert new == 30
    assert len(store.search("quokka")) == 30
    assert [h.article.title for h in store.search("zebra7")] == ["Title 7 quokka"]

    # The same entries again: nothing new, nothing indexed twice.
    store.upsert_entries(feed, _entries(30, "quokka"))
    assert len(store.search("quokka")) == 30

    # A changed entry: the update trigger re-indexes it.
    changed = _entries(30, "quokka")
    changed[3] = EntryData(guid="g3", url="http://example.org/3", title="Renamed wombat")
    store.upsert_entries(feed, changed)
    assert [h.article.title for h in store.search("wombat")] == ["Renamed wombat"]
    assert len(store.search("quokka")) == 29

    # A page with no feed is indexed by the trigger.
    store.add_saved_page("http://example.org/page", title="Platypus page")
    assert [h.article.title for h in store.search("platypus")] == ["Platypus page"]
    _integrity(store)


def _made_at_schema(path: object, version: int) -> sqlite3.Connection:
    """A database as tui-reader's schema ``version`` left it (its first migrations only)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:version]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    return conn


def test_a_store_made_before_migration_3_keeps_its_index(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "old.sqlite3"
    conn = _made_at_schema(path, 2)
    now = 1_700_000_000.0
    conn.execute("INSERT INTO feeds(url, added) VALUES ('http://example.org/f', ?)", (now,))
    conn.execute(
        "INSERT INTO articles(uid, feed_id, guid, title, search_text, added)"
        " VALUES ('u1', 1, 'g1', 'Old echidna', 'old body', ?)",
        (now,),
    )
    conn.close()

    store = Store.open(path)
    try:
        assert [h.article.title for h in store.search("echidna")] == ["Old echidna"]
        feed = store.list_feeds()[0]
        store.upsert_entries(feed, _entries(3, "numbat"))
        assert len(store.search("numbat")) == 3
        _integrity(store)
    finally:
        store.close()


def test_a_refresh_batch_is_indexed_once_and_a_failed_feed_not_at_all(store: Store) -> None:
    """store_fetches indexes the new articles of the whole batch at its end: FTS5 writes out
    its pending entries at each savepoint's release, and indexing in each feed's savepoint
    made an index segment per feed. A feed whose savepoint is rolled back leaves nothing in
    the index."""
    import time

    from tui_reader.models import FeedUpdate

    feeds = [store.add_feed(f"http://example.org/{n}.xml")[0] for n in range(8)]
    updates = [
        FeedUpdate(f, "ok", next_fetch=time.time() + 3600, entries=tuple(_entries(5, f"w{n}")))
        for n, f in enumerate(feeds)
    ]
    # The last feed's articles cannot be stored: its savepoint is rolled back.
    store.conn.execute(
        "CREATE TEMP TRIGGER boom BEFORE INSERT ON articles WHEN new.title LIKE '% w7'"
        " BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    stored = store.store_fetches(updates)
    assert [s.new for s in stored[:-1]] == [5] * 7 and stored[-1].error
    with store.transaction() as c:
        segments = c.execute("SELECT COUNT(DISTINCT segid) FROM articles_fts_idx").fetchone()[0]
    assert segments == 1
    assert len(store.search("filler")) == 35 and store.search("w7") == []
    assert sorted(h.article.title for h in store.search("w3")) == [
        f"Title {i} w3" for i in range(5)
    ]
    _integrity(store)


def _word(n: int) -> str:
    return f"w{n % 20000}"


def _big_batch(store: Store, tag: str) -> int:
    """Store ~1.8 MB of new text in one batch (60 articles of 5,000 words drawn from 20,000):
    the number of index segments it was written as."""
    import time

    from tui_reader.models import FeedUpdate

    feeds = [store.add_feed(f"http://example.org/{tag}{n}.xml")[0] for n in range(4)]
    updates = [
        FeedUpdate(
            f,
            "ok",
            next_fetch=time.time() + 3600,
            entries=tuple(
                EntryData(
                    guid=f"{tag}{n}-{i}",
                    title=f"Title {tag} {n} {i}",
                    text=" ".join(_word((n * 15 + i) * 7919 + k * 104729) for k in range(5000)),
                )
                for i in range(15)
            ),
        )
        for n, f in enumerate(feeds)
    ]
    stored = store.store_fetches(updates)
    assert [s.new for s in stored] == [15] * 4
    with store.transaction() as c:
        return int(c.execute("SELECT COUNT(DISTINCT segid) FROM articles_fts_idx").fetchone()[0])


def test_a_batch_of_more_than_a_megabyte_is_written_as_one_segment(store: Store) -> None:
    """Migration 9: the index keeps up to 4 MB of new terms before writing them out. With
    SQLite's 1 MB it wrote this batch as several segments, to be merged again later."""
    assert _big_batch(store, "a") == 1
    assert "Title a 0 0" in {h.article.title for h in store.search("w0")}
    _integrity(store)


def test_a_store_made_at_schema_8_gets_the_larger_buffer(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "v8.sqlite3"
    _made_at_schema(path, 8).close()
    store = Store.open(path)
    try:
        assert _big_batch(store, "b") == 1
        _integrity(store)
    finally:
        store.close()


def test_the_index_merges_eight_segments_at_a_time(store: Store) -> None:
    """Migration 10: with SQLite's default (four) the index began merging the first four
    batches' segments as the fourth was written (it counted 1, 2, 3, 5, 6 segments), each
    merge rewriting what it merged; now none is merged before the eighth."""
    assert [_big_batch(store, f"m{n}-") for n in range(5)] == [1, 2, 3, 4, 5]
    assert "Title m4- 3 14" in {h.article.title for h in store.search("w0", limit=500)}
    _integrity(store)


def test_a_store_made_at_schema_9_merges_eight_at_a_time(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "v9.sqlite3"
    _made_at_schema(path, 9).close()
    store = Store.open(path)
    try:
        setting = store.conn.execute(
            "SELECT v FROM articles_fts_config WHERE k = 'automerge'"
        ).fetchone()
        assert setting is not None and int(setting[0]) == 8
        assert [_big_batch(store, f"u{n}-") for n in range(5)] == [1, 2, 3, 4, 5]
        _integrity(store)
    finally:
        store.close()
