"""Stores of 100,000 and 1,000,000 articles derived from ``../shared/corpus/feeds``, for the
benchmarks (kept out of git, cached under a temp dir).

Every corpus feed is parsed once by the reader's own parser; its entries are then copied as
often as needed, each copy with its guid, link and uid made unique (``-c<copy>``) and its date
moved back a week per copy, and spread over 500 feeds (a large but real subscription list).
Bodies are cut (summary 1,000 and search text 2,000 characters, no stored HTML) so the
1,000,000-article store stays near 3 GB: list, count and search costs depend on how many rows
and index entries there are, not on how long each body is.

The 1,000,000-article store is the 100,000 one copied ten times in SQL (same rules), its
search index filled in one statement.

    .venv/bin/python -m bench.corpus_store [100000|1000000]   # build (or find) and print its path
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_reader.feeds.parse import parse_feed  # noqa: E402
from tui_reader.feeds.welcome import WELCOME_SETTING  # noqa: E402
from tui_reader.models import EntryData  # noqa: E402
from tui_reader.store import Store  # noqa: E402

CORPUS = Path(os.environ.get("TUI_READER_SHARED", ROOT.parent / "shared")) / "corpus" / "feeds"
CACHE = Path(os.environ.get("TUI_READER_BENCH_CACHE", Path(tempfile.gettempdir()) / "tui-bench"))
VERSION = 1
FEEDS = 500
BASE = 100_000
WEEK = 7 * 86400.0
SUMMARY_CHARS = 1000
TEXT_CHARS = 2000


def corpus_entries() -> list[list[EntryData]]:
    """Each corpus feed's entries, parsed once (feeds with no entries left out)."""
    out = []
    for path in sorted(CORPUS.glob("*.xml")):
        try:
            parsed = parse_feed(path.read_bytes(), f"https://{path.stem}.example/feed")
        except Exception:  # a broken corpus feed: a test case, not a benchmark input
            continue
        if parsed.entries:
            out.append(parsed.entries)
    if not out:
        raise SystemExit(f"no corpus feeds in {CORPUS}")
    return out


def store_path(articles: int) -> Path:
    """The cached store of ``articles`` (100,000 or 1,000,000) articles, built if missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"corpus_v{VERSION}_{articles}.sqlite3"
    if path.exists():
        _upgrade(path)
        return path
    tmp = path.with_suffix(".tmp")
    for old in tmp.parent.glob(tmp.name + "*"):
        old.unlink()
    t0 = time.perf_counter()
    print(f"building {path} ({articles:,} articles)...", file=sys.stderr, flush=True)
    if articles <= BASE:
        _build(tmp, articles)
    else:
        shutil.copyfile(store_path(BASE), tmp)
        _multiply(tmp, articles // BASE)
    # closing(): a connection's own ``with`` only commits; left open, it keeps the WAL and
    # shared-memory files that are removed below, and the renamed store fails to open
    # ("disk I/O error").
    with contextlib.closing(sqlite3.connect(tmp)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        conn.commit()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    _upgrade(path)
    print(f"  built in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return path


def _upgrade(path: Path) -> None:
    """Apply the migrations a cached store lacks, as the app would but without its backup
    (a copy of up to 3 GB that would be timed as start-up)."""
    from tui_reader.store.schema import MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            conn.executescript(MIGRATIONS[number])
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _build(path: Path, articles: int) -> None:
    feeds_entries = corpus_entries()
    now = time.time()
    with Store.open(path) as store:
        store.set_setting(WELCOME_SETTING, "1")
        feed_ids = [
            store.add_feed(f"https://feed{i}.example/rss", title=f"Feed {i}", folder=f"F{i % 8}")[
                0
            ].id
            for i in range(FEEDS)
        ]
        rows: list[tuple[object, ...]] = []
        n = 0
        copy = 0
        while n < articles:
            for j, entries in enumerate(feeds_entries):
                feed = feed_ids[(copy * len(feeds_entries) + j) % FEEDS]
                for k, e in enumerate(entries):
                    if n >= articles:
                        break
                    suffix = f"-c{copy}"
                    published = (e.published or now - 86400 * (k + j)) - copy * WEEK
                    text = e.text[:TEXT_CHARS]
                    rows.append(
                        (
                            f"{copy}-{j}-{k}",
                            feed,
                            (e.guid or e.url or str(k)) + suffix,
                            (e.url + suffix) if e.url else "",
                            e.title,
                            e.author,
                            published,
                            e.summary[:SUMMARY_CHARS],
                            text,
                            now,
                        )
                    )
                    n += 1
            copy += 1
        with store.transaction() as c:
            c.executemany(
                """INSERT INTO articles(uid, feed_id, guid, url, title, author, published,
                       summary, search_text, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                rows,
            )
            c.execute(
                "INSERT INTO articles_fts(rowid, title, search_text)"
                " SELECT id, title, search_text FROM articles"
            )


def _multiply(path: Path, times: int) -> None:
    conn = sqlite3.connect(path)
    try:
        (top,) = conn.execute("SELECT MAX(id) FROM articles").fetchone()
        with conn:
            for copy in range(1, times):
                conn.execute(
                    """INSERT INTO articles(uid, feed_id, guid, url, title, author, published,
                           summary, search_text, added)
                       SELECT uid || ?1, feed_id, guid || ?1, CASE url WHEN '' THEN ''
                              ELSE url || ?1 END, title, author, published - ?2, summary,
                              search_text, added
                       FROM articles WHERE id <= ?3""",
                    (f"-m{copy}", copy * 53 * WEEK, top),
                )
            conn.execute(
                "INSERT INTO articles_fts(rowid, title, search_text)"
                " SELECT id, title, search_text FROM articles WHERE id > ?",
                (top,),
            )
    finally:
        conn.close()


if __name__ == "__main__":
    print(store_path(int(sys.argv[1]) if len(sys.argv) > 1 else BASE))
